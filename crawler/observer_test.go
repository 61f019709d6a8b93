package crawler

import (
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/metrics"
)

// metrics' *Metrics is the Observer the program passes.
var _ Observer = (*metrics.Metrics)(nil)

// recorder is an Observer that counts calls.
type recorder struct {
	mu        sync.Mutex
	requests  map[int]int
	ads       int
	robots    int
	errors    map[string]int
	frontier  []int
	succeeded []time.Time
	sources   map[string]time.Duration
}

func (r *recorder) CrawlRequest(_ string, status int, _ time.Duration, _ int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[status]++
}
func (r *recorder) CrawlAd(string)            { r.mu.Lock(); r.ads++; r.mu.Unlock() }
func (r *recorder) CrawlRobotsDenied(string)  { r.mu.Lock(); r.robots++; r.mu.Unlock() }
func (r *recorder) CrawlError(_, kind string) { r.mu.Lock(); r.errors[kind]++; r.mu.Unlock() }
func (r *recorder) CrawlFrontier(_ string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frontier = append(r.frontier, n)
}
func (r *recorder) CrawlSucceeded(_ string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.succeeded = append(r.succeeded, at)
}
func (r *recorder) CrawlSource(id string, interval time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sources[id] = interval
}

func observedSite(t *testing.T) *site {
	return newSite(t, map[string]resp{
		"/robots.txt": {header: map[string]string{"Content-Type": "text/plain"}, body: "User-agent: *\nDisallow: /no\n"},
		"/l":          {body: `<a class="j" href="/1">1</a><a class="j" href="/2">2</a><a class="j" href="/no/3">3</a><a class="j" href="/gone">4</a>`},
		"/1":          okPage, "/2": okPage,
	})
}

func TestObserverRecordsPerSource(t *testing.T) {
	s := observedSite(t)
	rec := &recorder{requests: map[int]int{}, errors: map[string]int{}, sources: map[string]time.Duration{}}
	cfg, _ := testConfig(t, &memSink{}, recruitscan.Source{ID: "obs", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/l"},
		AllowPrivate: true, Interval: time.Hour, Selectors: recruitscan.Selectors{AdLinks: "a.j"}})
	cfg.Observer = rec
	crawlOnce(t, cfg)
	if rec.requests[200] != 3 || rec.requests[404] != 1 || rec.ads != 2 || rec.robots != 1 || rec.errors["gone"] != 1 {
		t.Errorf("recorded requests %v, ads %d, robots %d, errors %v", rec.requests, rec.ads, rec.robots, rec.errors)
	}
	if len(rec.succeeded) != 1 || len(rec.frontier) == 0 || rec.frontier[len(rec.frontier)-1] != 0 || rec.sources["obs"] != time.Hour {
		t.Errorf("succeeded %v, frontier %v, sources %v", rec.succeeded, rec.frontier, rec.sources)
	}
}

// TestObserverMetrics: the same crawl recorded into the real metrics.
func TestObserverMetrics(t *testing.T) {
	s := observedSite(t)
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	cfg, _ := testConfig(t, &memSink{}, recruitscan.Source{ID: "obs", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/l"},
		AllowPrivate: true, Selectors: recruitscan.Selectors{AdLinks: "a.j"}})
	cfg.Observer = m
	crawlOnce(t, cfg)
	n, err := testutil.GatherAndCount(reg, "recruitscan_crawl_ads_total", "recruitscan_crawl_robots_denied_total", "recruitscan_crawl_errors_total")
	if err != nil || n < 3 {
		t.Errorf("gathered %d crawl series (%v), want ads, robots and errors", n, err)
	}
	if lint, err := testutil.GatherAndLint(reg); err != nil || len(lint) > 0 {
		t.Errorf("lint: %v %v", lint, err)
	}
}
