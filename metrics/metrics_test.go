package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/metrics"
)

func TestNilMetricsIsSafe(t *testing.T) {
	var m *metrics.Metrics
	m.CrawlSource("s", time.Hour)
	m.CrawlRequest("s", 200, time.Second, 10)
	m.CrawlAd("s")
	m.CrawlRobotsDenied("s")
	m.CrawlError("s", "timeout")
	m.CrawlFrontier("s", 3)
	m.CrawlSucceeded("s", time.Now())
	m.Classified(recruitscan.Verdict{Lang: "ar"}, time.Millisecond)
	m.DeadLettered()
	m.Claimed()
	m.LeasesExpired(2)
	m.Decided(recruitscan.DecisionConfirm, time.Hour)
	h := http.NotFoundHandler()
	if got := m.Middleware(h); got == nil {
		t.Fatal("Middleware on nil Metrics returned nil")
	}
	if n := testutil.CollectAndCount(m); n != 0 {
		t.Fatalf("nil Metrics collected %d metrics, want 0", n)
	}
}

func TestCrawl(t *testing.T) {
	m := metrics.New(nil)
	m.CrawlSource("gulf", 30*time.Minute)
	m.CrawlSource("nointerval", 0) // counters, but no interval gauge
	m.CrawlRequest("gulf", 200, 200*time.Millisecond, 1000)
	m.CrawlRequest("gulf", 503, 2*time.Second, 0)
	m.CrawlRequest("gulf", 0, 10*time.Second, 0)
	m.CrawlAd("gulf")
	m.CrawlAd("gulf")
	m.CrawlRobotsDenied("gulf")
	m.CrawlError("gulf", "timeout")
	m.CrawlFrontier("gulf", 42)
	m.CrawlSucceeded("gulf", time.Unix(1700000000, 500e6))
	m.CrawlSucceeded("gulf", time.Time{}) // ignored

	want := `
# HELP recruitscan_crawl_requests_total HTTP fetches by source and response status class ("error" when there was no response).
# TYPE recruitscan_crawl_requests_total counter
recruitscan_crawl_requests_total{source="gulf",status_class="2xx"} 1
recruitscan_crawl_requests_total{source="gulf",status_class="5xx"} 1
recruitscan_crawl_requests_total{source="gulf",status_class="error"} 1
recruitscan_crawl_requests_total{source="nointerval",status_class="2xx"} 0
# HELP recruitscan_crawl_response_bytes_total Response body bytes received, by source.
# TYPE recruitscan_crawl_response_bytes_total counter
recruitscan_crawl_response_bytes_total{source="gulf"} 1000
recruitscan_crawl_response_bytes_total{source="nointerval"} 0
# HELP recruitscan_crawl_ads_total Ads extracted and handed to the stream, by source.
# TYPE recruitscan_crawl_ads_total counter
recruitscan_crawl_ads_total{source="gulf"} 2
recruitscan_crawl_ads_total{source="nointerval"} 0
# HELP recruitscan_crawl_robots_denied_total URLs skipped because robots.txt disallows them, by source.
# TYPE recruitscan_crawl_robots_denied_total counter
recruitscan_crawl_robots_denied_total{source="gulf"} 1
recruitscan_crawl_robots_denied_total{source="nointerval"} 0
# HELP recruitscan_crawl_errors_total Failed fetches or extractions by source and kind (timeout, dns, refused, blocked_address, too_large, status, parse, robots…).
# TYPE recruitscan_crawl_errors_total counter
recruitscan_crawl_errors_total{kind="timeout",source="gulf"} 1
# HELP recruitscan_crawl_frontier_urls URLs waiting in the crawl frontier, by source.
# TYPE recruitscan_crawl_frontier_urls gauge
recruitscan_crawl_frontier_urls{source="gulf"} 42
recruitscan_crawl_frontier_urls{source="nointerval"} 0
# HELP recruitscan_crawl_last_success_timestamp_seconds Unix time of the last crawl cycle of a source that completed without a fatal error.
# TYPE recruitscan_crawl_last_success_timestamp_seconds gauge
recruitscan_crawl_last_success_timestamp_seconds{source="gulf"} 1.7000000005e+09
# HELP recruitscan_crawl_interval_seconds Configured time between crawl cycles of a source.
# TYPE recruitscan_crawl_interval_seconds gauge
recruitscan_crawl_interval_seconds{source="gulf"} 1800
`
	names := []string{
		"recruitscan_crawl_requests_total", "recruitscan_crawl_response_bytes_total",
		"recruitscan_crawl_ads_total", "recruitscan_crawl_robots_denied_total",
		"recruitscan_crawl_errors_total", "recruitscan_crawl_frontier_urls",
		"recruitscan_crawl_last_success_timestamp_seconds", "recruitscan_crawl_interval_seconds",
	}
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	// The fetch histogram: three observations, one per bucket region.
	wantHist := `
# HELP recruitscan_crawl_request_duration_seconds Time to fetch one page, by source.
# TYPE recruitscan_crawl_request_duration_seconds histogram
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="0.05"} 0
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="0.1"} 0
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="0.25"} 1
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="0.5"} 1
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="1"} 1
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="2.5"} 2
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="5"} 2
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="10"} 3
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="30"} 3
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="60"} 3
recruitscan_crawl_request_duration_seconds_bucket{source="gulf",le="+Inf"} 3
recruitscan_crawl_request_duration_seconds_sum{source="gulf"} 12.2
recruitscan_crawl_request_duration_seconds_count{source="gulf"} 3
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(wantHist), "recruitscan_crawl_request_duration_seconds"); err != nil {
		t.Error(err)
	}
}

func TestClassified(t *testing.T) {
	m := metrics.New(nil)
	v := recruitscan.Verdict{
		Lang: "ar", Level: recruitscan.LevelHigh, Flagged: true,
		Hits: []recruitscan.Hit{
			{Indicator: recruitscan.WorkerPaysFees}, {Indicator: recruitscan.WorkerPaysFees},
			{Indicator: recruitscan.VisaTrading},
		},
		Mitigations: []recruitscan.Hit{{Indicator: recruitscan.Mitigating}},
		Shadow:      []recruitscan.Hit{{Indicator: recruitscan.JobScam}},
	}
	m.Classified(v, 2*time.Millisecond)
	m.Classified(recruitscan.Verdict{Lang: "en", Level: recruitscan.LevelNone}, 300*time.Microsecond)
	m.DeadLettered()

	want := `
# HELP recruitscan_classify_ads_total Ads classified, by main language and verdict level.
# TYPE recruitscan_classify_ads_total counter
recruitscan_classify_ads_total{language="ar",level="high"} 1
recruitscan_classify_ads_total{language="en",level="none"} 1
# HELP recruitscan_classify_flagged_ads_total Ads whose verdict was flagged for review, by main language.
# TYPE recruitscan_classify_flagged_ads_total counter
recruitscan_classify_flagged_ads_total{language="ar"} 1
# HELP recruitscan_classify_hits_total Rule matches counted in verdicts (mitigations under indicator "mitigating"), by indicator and main language.
# TYPE recruitscan_classify_hits_total counter
recruitscan_classify_hits_total{indicator="mitigating",language="ar"} 1
recruitscan_classify_hits_total{indicator="visa_trading",language="ar"} 1
recruitscan_classify_hits_total{indicator="worker_pays_fees",language="ar"} 2
# HELP recruitscan_classify_shadow_hits_total Matches of shadow-mode rules (reported, never scored), by indicator.
# TYPE recruitscan_classify_shadow_hits_total counter
recruitscan_classify_shadow_hits_total{indicator="job_scam"} 1
# HELP recruitscan_classify_dead_letters_total Ads moved to the dead-letter stream after too many failed deliveries.
# TYPE recruitscan_classify_dead_letters_total counter
recruitscan_classify_dead_letters_total 1
`
	names := []string{
		"recruitscan_classify_ads_total", "recruitscan_classify_flagged_ads_total",
		"recruitscan_classify_hits_total", "recruitscan_classify_shadow_hits_total",
		"recruitscan_classify_dead_letters_total",
	}
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m, "recruitscan_classify_duration_seconds"); n != 1 {
		t.Errorf("classify_duration_seconds: %d series, want 1", n)
	}
}

func TestReview(t *testing.T) {
	m := metrics.New(nil)
	// Known decisions exist before the first one, so rate() sees it.
	if n := testutil.CollectAndCount(m, "recruitscan_review_decisions_total", "recruitscan_review_decision_delay_seconds"); n != 8 {
		t.Errorf("before any decision: %d decision series, want 4 counters + 4 histograms", n)
	}
	m.Claimed()
	m.Claimed()
	m.LeasesExpired(3)
	m.LeasesExpired(0)
	m.Decided(recruitscan.DecisionConfirm, 90*time.Minute)
	m.Decided("bogus", time.Minute)

	want := `
# HELP recruitscan_review_claims_total Review items claimed by a reviewer.
# TYPE recruitscan_review_claims_total counter
recruitscan_review_claims_total 2
# HELP recruitscan_review_lease_expiries_total Review leases that expired and returned their item to pending.
# TYPE recruitscan_review_lease_expiries_total counter
recruitscan_review_lease_expiries_total 3
# HELP recruitscan_review_decisions_total Reviewer decisions, by decision (confirm, dismiss, escalate, needs-second-look).
# TYPE recruitscan_review_decisions_total counter
recruitscan_review_decisions_total{decision="confirm"} 1
recruitscan_review_decisions_total{decision="dismiss"} 0
recruitscan_review_decisions_total{decision="escalate"} 0
recruitscan_review_decisions_total{decision="needs-second-look"} 0
recruitscan_review_decisions_total{decision="other"} 1
`
	names := []string{"recruitscan_review_claims_total", "recruitscan_review_lease_expiries_total", "recruitscan_review_decisions_total"}
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

// Hostile or runaway label values must not grow the series count.
func TestLabelsAreBounded(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  string
	}{
		{"plain", "gulf-jobs", "gulf-jobs"},
		{"empty", "", "unknown"},
		{"url", "https://evil.example/?q=1", "other"},
		{"quote", `a"b`, "other"},
		{"too long", strings.Repeat("a", 65), "other"},
		{"non-ascii", "وظائف", "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := metrics.New(nil)
			m.CrawlAd(tt.value)
			want := "# HELP recruitscan_crawl_ads_total Ads extracted and handed to the stream, by source.\n" +
				"# TYPE recruitscan_crawl_ads_total counter\n" +
				`recruitscan_crawl_ads_total{source="` + tt.want + `"} 1` + "\n"
			if err := testutil.CollectAndCompare(m, strings.NewReader(want), "recruitscan_crawl_ads_total"); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("cap", func(t *testing.T) {
		m := metrics.New(nil)
		for i := range 1000 {
			m.Classified(recruitscan.Verdict{Lang: "l" + strings.Repeat("x", i%60) + string(rune('a'+i%26))}, 0)
		}
		n := testutil.CollectAndCount(m, "recruitscan_classify_ads_total")
		if n > 65 { // 64 languages + "other"
			t.Errorf("1000 distinct languages gave %d series, want at most 65", n)
		}
	})
}

func TestMiddleware(t *testing.T) {
	m := metrics.New(nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "missing" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Write([]byte("ok"))
	})
	srv := httptest.NewServer(m.Middleware(mux))
	defer srv.Close()
	for _, p := range []string{"/api/v1/items/a1", "/api/v1/items/b2", "/api/v1/items/missing", "/nowhere"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := `
# HELP recruitscan_http_requests_total HTTP requests served, by ServeMux route pattern and status class.
# TYPE recruitscan_http_requests_total counter
recruitscan_http_requests_total{route="GET /api/v1/items/{id}",status_class="2xx"} 2
recruitscan_http_requests_total{route="GET /api/v1/items/{id}",status_class="4xx"} 1
recruitscan_http_requests_total{route="unmatched",status_class="4xx"} 1
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "recruitscan_http_requests_total"); err != nil {
		t.Error(err)
	}
}

// An inner Middleware around a package's own mux, mounted under the outer
// mux's "/", gives its precise pattern to the outer one: counted once,
// even when a handler in between replaces the request (WithContext).
func TestMiddlewareNested(t *testing.T) {
	m := metrics.New(nil)
	inner := http.NewServeMux()
	inner.HandleFunc("POST /api/v1/items/{id}/decision", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
	})
	withSession := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(r.Context()))
		})
	}
	outer := http.NewServeMux()
	outer.HandleFunc("GET /healthz", func(http.ResponseWriter, *http.Request) {})
	outer.Handle("/", withSession(m.Middleware(inner)))
	h := m.Middleware(outer)
	for _, req := range []*http.Request{
		httptest.NewRequest("POST", "/api/v1/items/abc/decision", nil),
		httptest.NewRequest("GET", "/healthz", nil),
		httptest.NewRequest("GET", "/nope", nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	want := `
# HELP recruitscan_http_requests_total HTTP requests served, by ServeMux route pattern and status class.
# TYPE recruitscan_http_requests_total counter
recruitscan_http_requests_total{route="/",status_class="4xx"} 1
recruitscan_http_requests_total{route="GET /healthz",status_class="2xx"} 1
recruitscan_http_requests_total{route="POST /api/v1/items/{id}/decision",status_class="4xx"} 1
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "recruitscan_http_requests_total"); err != nil {
		t.Error(err)
	}
}

func TestBuildInfo(t *testing.T) {
	reg := prometheus.NewRegistry()
	if err := metrics.RegisterBuildInfo(reg, "v1.2.3"); err != nil {
		t.Fatal(err)
	}
	if err := metrics.RegisterBuildInfo(reg, "v1.2.3"); err == nil {
		t.Error("second RegisterBuildInfo on one registry: no error")
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(mfs) != 1 || mfs[0].GetName() != "recruitscan_build_info" {
		t.Fatalf("gathered %v, want recruitscan_build_info only", mfs)
	}
	got := map[string]string{}
	for _, l := range mfs[0].Metric[0].Label {
		got[l.GetName()] = l.GetValue()
	}
	if got["version"] != "v1.2.3" || !strings.HasPrefix(got["goversion"], "go") || got["revision"] == "" {
		t.Errorf("labels %v, want version v1.2.3, a goversion and a revision", got)
	}
	if v := mfs[0].Metric[0].GetGauge().GetValue(); v != 1 {
		t.Errorf("value %v, want 1", v)
	}
}
