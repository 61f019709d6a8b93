package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan/metrics"
	"github.com/recruitscan/recruitscan/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// redisConn is an open Redis connection, embedded or not.
type redisConn struct {
	client   redis.UniversalClient
	embedded *store.Embedded
	url      string
}

func (r *redisConn) Close() {
	if r.client != nil {
		r.client.Close()
	}
	if r.embedded != nil {
		r.embedded.Close()
	}
}

// openRedis connects to url, or starts the embedded server when url is
// empty and embedded is allowed. It fails fast with the address when the
// server cannot be reached.
func openRedis(ctx context.Context, url string, allowEmbedded bool, stderr io.Writer) (*redisConn, error) {
	rc := &redisConn{url: url}
	if url == "" {
		if !allowEmbedded {
			return nil, fmt.Errorf("%w: no Redis configured: set --redis, REDIS_URL or redis.url", errUsage)
		}
		e, err := store.StartEmbedded()
		if err != nil {
			return nil, fmt.Errorf("start embedded redis: %w", err)
		}
		rc.embedded, rc.url = e, e.URL()
		fmt.Fprintln(stderr, "WARNING: using the EMBEDDED in-memory Redis: NOTHING SURVIVES A RESTART. Use --redis or REDIS_URL for real work.")
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := store.Connect(cctx, rc.url)
	if err != nil {
		rc.Close()
		return nil, err
	}
	rc.client = c
	return rc, nil
}

// newRegistry is the process's Prometheus registry with the Go and process
// collectors and build info.
func newRegistry() (*prometheus.Registry, *metrics.Metrics) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg)
	metrics.RegisterBuildInfo(reg, version)
	return reg, m
}

// listen opens the HTTP listener before any long work, so that a port in
// use is reported at once and as such.
func listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("listen on %s: the port is already in use (another recruitscan? pick one with --listen)", addr)
		}
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return l, nil
}

// healthMux mounts /metrics, /healthz and /readyz, which need no login,
// and hands everything else to app.
func healthMux(reg *prometheus.Registry, ready func(context.Context) error, app http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := ready(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "not ready: %v\n", err)
			return
		}
		io.WriteString(w, "ready\n")
	})
	if app != nil {
		mux.Handle("/", app)
	}
	return mux
}

// serveHTTP serves until ctx is done, then shuts down within 5s.
func serveHTTP(ctx context.Context, l net.Listener, h http.Handler, certFile, keyFile string) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if certFile != "" {
			err = srv.ServeTLS(l, certFile, keyFile)
		} else {
			err = srv.Serve(l)
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		errc <- err
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// secret returns the environment's value for name, or a new random one.
func secret(getenv func(string) string, name string) (val string, generated bool) {
	if v := getenv(name); v != "" {
		return v, false
	}
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), true
}

// newLogger logs JSON when stderr is not a terminal, text otherwise.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
		}
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
