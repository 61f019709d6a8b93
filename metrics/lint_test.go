package metrics_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/metrics"
)

// world sizes a fully exercised registry.
type world struct {
	sources, languages int
}

var (
	crawlStatuses = []int{200, 301, 404, 429, 503, 0}
	crawlKinds    = []string{"timeout", "dns", "refused", "blocked_address", "too_large", "status", "parse", "robots"}
	languages     = []string{"ar", "en", "ur", "hi", "bn", "ne", "si", "ta", "tl", "id", "am", "sw", "fr", "ar-Latn"}
	routes        = func() []string {
		// As many as the reviewer UI and API have (40) plus /metrics,
		// /healthz and /readyz.
		rs := []string{"GET /metrics", "GET /healthz", "GET /readyz"}
		for i := range 40 {
			rs = append(rs, fmt.Sprintf("GET /r%02d/{id}", i))
		}
		return rs
	}()
)

// registry returns a registry holding every instrument and collector, each
// exercised with every label value a world of w's size produces.
func registry(t testing.TB, w world) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	m := metrics.New(reg)
	langs := languages
	for len(langs) < w.languages {
		langs = append(langs, fmt.Sprintf("x%d", len(langs)))
	}
	langs = langs[:w.languages]
	for i := range w.sources {
		s := fmt.Sprintf("source-%02d", i)
		m.CrawlSource(s, time.Hour)
		for _, st := range crawlStatuses {
			m.CrawlRequest(s, st, 300*time.Millisecond, 2048)
		}
		for _, k := range crawlKinds {
			m.CrawlError(s, k)
		}
		m.CrawlAd(s)
		m.CrawlRobotsDenied(s)
		m.CrawlFrontier(s, 10)
		m.CrawlSucceeded(s, time.Now())
	}
	depth := map[recruitscan.Level]map[string]int{}
	for _, l := range langs {
		for lvl := recruitscan.LevelNone; lvl <= recruitscan.LevelHigh; lvl++ {
			v := recruitscan.Verdict{Lang: l, Level: lvl, Flagged: lvl >= recruitscan.LevelMedium,
				Mitigations: []recruitscan.Hit{{Indicator: recruitscan.Mitigating}}}
			for _, ind := range recruitscan.Indicators() {
				v.Hits = append(v.Hits, recruitscan.Hit{Indicator: ind})
				v.Shadow = append(v.Shadow, recruitscan.Hit{Indicator: ind})
			}
			m.Classified(v, time.Millisecond)
			if lvl >= recruitscan.LevelLow {
				if depth[lvl] == nil {
					depth[lvl] = map[string]int{}
				}
				depth[lvl][l] = 5
			}
		}
	}
	m.DeadLettered()
	m.Claimed()
	m.LeasesExpired(1)
	for _, d := range []recruitscan.Decision{recruitscan.DecisionConfirm, recruitscan.DecisionDismiss, recruitscan.DecisionEscalate, recruitscan.DecisionSecondLook} {
		m.Decided(d, time.Hour)
	}
	exerciseRoutes(t, m)
	reg.MustRegister(
		metrics.NewQueueCollector(&fakeQueue{stats: recruitscan.QueueStats{Depth: depth, OldestPending: time.Now().Add(-time.Minute)}}),
		metrics.NewStreamCollector(&fakeStream{lag: 3, dead: 1}),
		metrics.NewRedisCollector(func(context.Context) error { return nil }, func() metrics.PoolStats { return metrics.PoolStats{TotalConns: 2} }),
	)
	if err := metrics.RegisterBuildInfo(reg, "test"); err != nil {
		t.Fatal(err)
	}
	return reg
}

func exerciseRoutes(t testing.TB, m *metrics.Metrics) {
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.HandleFunc(r, func(w http.ResponseWriter, r *http.Request) {})
	}
	h := m.Middleware(mux)
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		path = strings.ReplaceAll(path, "{id}", "x1")
		for _, code := range []int{200, 404} {
			req := httptest.NewRequest(method, path, nil)
			if code == 404 {
				req = httptest.NewRequest(method, "/no/such/path", nil)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	}
}

// Each collector on its own, as CollectAndLint sees it.
func TestCollectAndLint(t *testing.T) {
	m := metrics.New(nil)
	m.CrawlRequest("s", 200, time.Second, 10)
	m.Classified(recruitscan.Verdict{Lang: "ar", Hits: []recruitscan.Hit{{Indicator: recruitscan.JobScam}}}, time.Millisecond)
	collectors := map[string]prometheus.Collector{
		"metrics": m,
		"queue": metrics.NewQueueCollector(&fakeQueue{stats: recruitscan.QueueStats{
			Depth: map[recruitscan.Level]map[string]int{recruitscan.LevelHigh: {"ar": 1}}}}),
		"stream": metrics.NewStreamCollector(&fakeStream{lag: 1}),
		"redis":  metrics.NewRedisCollector(func(context.Context) error { return nil }, func() metrics.PoolStats { return metrics.PoolStats{} }),
	}
	for name, c := range collectors {
		problems, err := testutil.CollectAndLint(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s: %s", name, p.Metric, p.Text)
		}
	}
}

func TestLint(t *testing.T) {
	reg := registry(t, world{sources: 2, languages: 3})
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "recruitscan_") {
			t.Errorf("%s: missing the recruitscan_ prefix", mf.GetName())
		}
		for _, s := range mf.Metric {
			for _, l := range s.Label {
				switch l.GetName() {
				case "source", "language", "indicator", "level", "decision", "status_class", "kind", "route",
					"version", "goversion", "revision", "le":
				default:
					t.Errorf("%s: unexpected label %q", mf.GetName(), l.GetName())
				}
			}
		}
	}
}

// promtool check metrics, as an operator would run it on /metrics.
func TestPromtoolCheckMetrics(t *testing.T) {
	promtool := promtoolPath(t)
	reg := registry(t, world{sources: 2, languages: 3})
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// Series counts: `go test -run TestCardinality -v ./metrics` prints them.
func TestCardinality(t *testing.T) {
	for _, w := range []world{{sources: 1, languages: 1}, {sources: 20, languages: 14}} {
		reg := registry(t, w)
		n, err := testutil.GatherAndCount(reg)
		if err != nil {
			t.Fatal(err)
		}
		// GatherAndCount counts a histogram as one; count its series too.
		series := seriesCount(t, reg)
		t.Logf("%d sources × %d languages, %d routes: %d metrics, %d series; largest: %s",
			w.sources, w.languages, len(routes), n, series, largest(t, reg, 5))
		if w.sources == 20 && series > 5000 {
			t.Errorf("20 sources × 14 languages: %d series, want under 5000", series)
		}
	}
}

// largest names the n metric families with the most series.
func largest(t testing.TB, reg *prometheus.Registry, n int) string {
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	type fam struct {
		name   string
		series int
	}
	var fams []fam
	for _, mf := range mfs {
		c := 0
		for _, m := range mf.Metric {
			if h := m.GetHistogram(); h != nil {
				c += len(h.Bucket) + 3
				continue
			}
			c++
		}
		fams = append(fams, fam{mf.GetName(), c})
	}
	sort.Slice(fams, func(i, j int) bool { return fams[i].series > fams[j].series })
	var parts []string
	for _, f := range fams[:min(n, len(fams))] {
		parts = append(parts, fmt.Sprintf("%s %d", f.name, f.series))
	}
	return strings.Join(parts, ", ")
}

// seriesCount counts exposition lines as Prometheus stores them: one per
// sample, a histogram as its buckets plus _sum and _count.
func seriesCount(t testing.TB, reg *prometheus.Registry) int {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			if h := m.GetHistogram(); h != nil {
				n += len(h.Bucket) + 3 // buckets, +Inf, _sum, _count
				continue
			}
			n++
		}
	}
	return n
}

// promtoolPath finds promtool in $PROMTOOL or on PATH; it fails the test,
// never skips, when there is none.
func promtoolPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PROMTOOL"); p != "" {
		return p
	}
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: install it with 'sudo apt-get install -y prometheus' (Debian) or set PROMTOOL; make test does this")
	}
	return p
}

func BenchmarkClassified(b *testing.B) {
	m := metrics.New(prometheus.NewRegistry())
	v := recruitscan.Verdict{Lang: "ar", Level: recruitscan.LevelHigh, Flagged: true,
		Hits: []recruitscan.Hit{{Indicator: recruitscan.WorkerPaysFees}, {Indicator: recruitscan.VisaTrading}}}
	b.ReportAllocs()
	for b.Loop() {
		m.Classified(v, time.Millisecond)
	}
}

func BenchmarkCrawlRequest(b *testing.B) {
	m := metrics.New(prometheus.NewRegistry())
	b.ReportAllocs()
	for b.Loop() {
		m.CrawlRequest("gulf-jobs", 200, 100*time.Millisecond, 4096)
	}
}

func BenchmarkScrape(b *testing.B) {
	reg := registry(b, world{sources: 20, languages: 14})
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
