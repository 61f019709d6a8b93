package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/pipeline"
	"github.com/recruitscan/recruitscan/store"
	"github.com/redis/go-redis/v9"
)

// setSink records ad ids in a Redis set, so the union over processes can
// be read back.
type setSink struct {
	c   redis.UniversalClient
	key string
}

func (s setSink) Emit(ctx context.Context, ad recruitscan.Ad) error {
	return s.c.SAdd(ctx, s.key, ad.ID).Err()
}

// Environment of a worker process (see TestWorkerProcess).
const (
	envSite   = "RECRUITSCAN_TEST_WORKER_SITE"
	envPrefix = "RECRUITSCAN_TEST_WORKER_PREFIX"
	envLease  = "RECRUITSCAN_TEST_WORKER_LEASE"
)

// TestWorkerProcess is not a test: it is the body of the crawl worker
// processes that TestRedisWorkers starts (and kills). Run directly, with
// no worker environment, it returns at once.
func TestWorkerProcess(t *testing.T) {
	site := os.Getenv(envSite)
	if site == "" {
		return
	}
	opt, err := redis.ParseURL(testredis.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	prefix := os.Getenv(envPrefix)
	st, err := store.New(store.Config{Client: rc, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	lease, err := time.ParseDuration(os.Getenv(envLease))
	if err != nil {
		t.Fatal(err)
	}
	c, err := crawler.New(crawler.Config{
		Sources: []recruitscan.Source{{ID: "big", Type: recruitscan.SourceHTML, URLs: []string{site + "/list/0"},
			AllowPrivate: true, Parallel: 4, MaxPages: 5000, MaxDepth: 1000, Interval: 10000 * time.Hour,
			Selectors: recruitscan.Selectors{AdLinks: "a.j", NextPage: "a.next", Title: "h1", Body: ".d"}}},
		Sink:         setSink{c: rc, key: prefix + "ads"},
		Frontier:     pipeline.CrawlFrontier(st.Frontier()),
		DefaultDelay: -1,
		LeaseTTL:     lease,
		FetchTimeout: lease / 2,
		PollInterval: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// countingSite serves a site of lists listing pages with per job links
// each, counting requests per path.
func countingSite(t testing.TB, lists, per int) (*httptest.Server, func() map[string]int, *atomic.Int64) {
	var mu sync.Mutex
	hits := map[string]int{}
	var total atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		total.Add(1)
		var list, job int
		if strings.HasPrefix(r.URL.Path, "/list/") {
			fmt.Sscanf(r.URL.Path, "/list/%d", &list)
			for i := range per {
				fmt.Fprintf(w, `<a class="j" href="/job/%d/%d">job</a>`, list, i)
			}
			if list+1 < lists {
				fmt.Fprintf(w, `<a class="next" href="/list/%d">next</a>`, list+1)
			}
			return
		}
		fmt.Sscanf(r.URL.Path, "/job/%d/%d", &list, &job)
		fmt.Fprintf(w, `<h1>Job %d-%d</h1><div class="d">Work at list %d.</div>`, list, job, list)
	}))
	t.Cleanup(s.Close)
	snapshot := func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := make(map[string]int, len(hits))
		for k, v := range hits {
			out[k] = v
		}
		return out
	}
	return s, snapshot, &total
}

// TestRedisWorkers: two crawl worker processes share store's Redis
// frontier over a 2,000-page site: every page is fetched exactly once and
// the union of their ads is complete. Then one worker is SIGKILLed
// halfway and restarted: the crawl still completes, repeating at most the
// killed worker's in-flight fetches.
func TestRedisWorkers(t *testing.T) {
	const lists, per = 100, 19 // 2,000 pages, 1,900 ads
	for _, kill := range []bool{false, true} {
		t.Run(fmt.Sprintf("kill=%v", kill), func(t *testing.T) {
			rc, prefix := testredis.Client(t)
			site, hits, total := countingSite(t, lists, per)
			lease := "30s"
			if kill {
				lease = "4s" // the killed worker's leases come back after this
			}
			start := func() *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), envSite+"="+site.URL, envPrefix+"="+prefix, envLease+"="+lease,
					"REDIS_URL="+testredis.URL(t))
				cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}
			a, b := start(), start()
			if kill {
				for total.Load() < 1000 {
					time.Sleep(5 * time.Millisecond)
				}
				if err := a.Process.Kill(); err != nil { // SIGKILL: no Release, no cleanup
					t.Fatal(err)
				}
				a.Wait()
				a = start()
			}
			for _, w := range []*exec.Cmd{a, b} {
				if err := w.Wait(); err != nil {
					t.Fatalf("worker: %v", err)
				}
			}
			got := hits()
			dup := 0
			for _, n := range got {
				dup += n - 1
			}
			if len(got) != lists*(per+1) {
				t.Errorf("%d distinct pages fetched, want %d", len(got), lists*(per+1))
			}
			maxDup := 0
			if kill {
				maxDup = 4 // the killed worker's parallelism
			}
			if dup > maxDup {
				t.Errorf("%d repeated fetches, want at most %d", dup, maxDup)
			}
			if n, err := rc.SCard(t.Context(), prefix+"ads").Result(); err != nil || n != lists*per {
				t.Errorf("%d distinct ads in the union (%v), want %d", n, err, lists*per)
			}
		})
	}
}

// BenchmarkCrawlRedisFrontier is BenchmarkCrawl's 1,000 pages with store's
// Redis frontier: the cost of sharing the crawl between processes.
func BenchmarkCrawlRedisFrontier(b *testing.B) {
	rc, prefix := testredis.Client(b)
	st, err := store.New(store.Config{Client: rc, Prefix: prefix})
	if err != nil {
		b.Fatal(err)
	}
	site, _, _ := countingSite(b, 50, 19)
	pages := 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c, err := crawler.New(crawler.Config{
			Sources: []recruitscan.Source{{ID: fmt.Sprint("b", i), Type: recruitscan.SourceHTML, URLs: []string{site.URL + "/list/0"},
				AllowPrivate: true, Parallel: 8, MaxPages: 5000, MaxDepth: 1000,
				Selectors: recruitscan.Selectors{AdLinks: "a.j", NextPage: "a.next", Title: "h1", Body: ".d"}}},
			Sink: setSink{c: rc, key: prefix + "ads"}, Frontier: pipeline.CrawlFrontier(st.Frontier()), DefaultDelay: -1,
		})
		if err != nil {
			b.Fatal(err)
		}
		s, err := c.RunOnce(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		pages += s.Sources[fmt.Sprint("b", i)].Pages
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
