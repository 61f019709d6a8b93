package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type httpMetrics struct {
	requests *prometheus.CounterVec   // route, status_class
	duration *prometheus.HistogramVec // route
}

func newHTTPMetrics() httpMetrics {
	return httpMetrics{
		requests: counterVec("http_requests_total",
			"HTTP requests served, by ServeMux route pattern and status class.", "route", "status_class"),
		duration: histogramVec("http_request_duration_seconds",
			"Time to serve one HTTP request, by ServeMux route pattern.", httpBuckets, "route"),
	}
}

func (h *httpMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{h.requests, h.duration}
}

// Middleware counts and times the requests next serves. The route label is
// the http.ServeMux pattern that matched (Request.Pattern, which the mux
// sets on the request it is given), so wrap the mux itself; requests that
// matched no pattern are counted under "unmatched". Never the path: paths
// carry ids. On a nil *Metrics it returns next.
//
// Middleware nests: an inner Middleware (say, around a package's own mux
// mounted under the outer mux's "/") counts nothing itself but hands its
// more precise pattern to the outer one, which counts the request once.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if outer, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
			next.ServeHTTP(w, r)
			if r.Pattern != "" {
				outer.pattern = r.Pattern
			}
			return
		}
		start := time.Now()
		h := &routeHolder{}
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, h))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := "unmatched"
		switch {
		case h.pattern != "":
			route = m.routes.value(h.pattern)
		case r.Pattern != "":
			route = m.routes.value(r.Pattern)
		}
		m.http.requests.WithLabelValues(route, statusClass(sw.code())).Inc()
		m.http.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// routeKey keys the *routeHolder through which a nested Middleware reports
// the pattern its mux matched to the outer Middleware.
type routeKey struct{}

type routeHolder struct{ pattern string }

// statusWriter remembers the status written. Unwrap lets
// http.ResponseController reach Flush and deadlines underneath.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx are interim responses
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush passes through so that streaming handlers (exports) keep working
// with a plain type assertion too.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// code is the status written, 200 when the handler wrote nothing.
func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
