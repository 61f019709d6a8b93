package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
)

// bigSite serves lists listing pages of per detail links each (plus a
// next link): lists*(per+1) pages in all, counting every request.
func bigSite(t testing.TB, lists, per int) (*httptest.Server, *sync.Map) {
	var hits sync.Map // path → *atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := hits.LoadOrStore(r.URL.RequestURI(), new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		var list, job int
		switch {
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case strings.HasPrefix(r.URL.Path, "/list/"):
			fmt.Sscanf(r.URL.Path, "/list/%d", &list)
			var b strings.Builder
			for i := range per {
				fmt.Fprintf(&b, `<a class="j" href="/job/%d/%d">job</a>`, list, i)
			}
			if list+1 < lists {
				fmt.Fprintf(&b, `<a class="next" href="/list/%d">next</a>`, list+1)
			}
			fmt.Fprint(w, b.String())
		default:
			fmt.Sscanf(r.URL.Path, "/job/%d/%d", &list, &job)
			fmt.Fprintf(w, `<html><body><h1>Job %d-%d</h1><div class="d">Work %d at list %d, apply now.</div></body></html>`, list, job, job, list)
		}
	}))
	t.Cleanup(s.Close)
	return s, &hits
}

func bigSource(url string, parallel, maxPages int) recruitscan.Source {
	return recruitscan.Source{ID: "big", Type: recruitscan.SourceHTML, URLs: []string{url + "/list/0"}, AllowPrivate: true,
		Parallel: parallel, MaxPages: maxPages, MaxDepth: 1000,
		Selectors: recruitscan.Selectors{AdLinks: "a.j", NextPage: "a.next", Title: "h1", Body: ".d"}}
}

// dyingFrontier stops answering after a number of Done calls, as a killed
// worker would: its in-flight leases stay leased, nothing is released.
type dyingFrontier struct {
	Frontier
	after int64
	done  atomic.Int64
	dead  atomic.Bool
	kill  context.CancelFunc
}

var errKilled = errors.New("worker killed")

func (d *dyingFrontier) Done(ctx context.Context, c Cycle, url string) error {
	if d.dead.Load() || d.done.Add(1) > d.after {
		d.dead.Store(true)
		d.kill()
		return errKilled
	}
	return d.Frontier.Done(ctx, c, url)
}

func (d *dyingFrontier) Lease(ctx context.Context, c Cycle, n int, ttl time.Duration) ([]Task, error) {
	if d.dead.Load() {
		return nil, errKilled
	}
	return d.Frontier.Lease(ctx, c, n, ttl)
}

func (d *dyingFrontier) Release(context.Context, Cycle, string) error {
	if d.dead.Load() {
		return errKilled
	}
	return nil
}

func (d *dyingFrontier) Push(ctx context.Context, c Cycle, limit int, ts ...Task) (int, error) {
	if d.dead.Load() {
		return 0, errKilled
	}
	return d.Frontier.Push(ctx, c, limit, ts...)
}

// TestTwoWorkersShareAFrontier: two crawlers on one frontier fetch a
// 2,000-page site, every page exactly once, and together emit every ad.
// Then the same with one worker killed halfway and a replacement started:
// the killed worker's leases expire and are taken up, and the union is
// still complete.
func TestTwoWorkersShareAFrontier(t *testing.T) {
	const lists, per = 100, 19 // 2,000 pages, 1,900 ads
	for _, kill := range []bool{false, true} {
		t.Run(fmt.Sprintf("kill=%v", kill), func(t *testing.T) {
			s, hits := bigSite(t, lists, per)
			shared := NewMemFrontier(nil)
			sink := &memSink{}
			// The lease must outlast any fetch (else a slow fetch is taken
			// over); short when a worker is killed so that its leases come
			// back soon, but with room for a loaded machine under -race.
			lease := time.Minute
			if kill {
				lease = 6 * time.Second
			}
			newWorker := func(fr Frontier) *Crawler {
				cfg, _ := testConfig(t, sink, bigSource(s.URL, 4, 5000))
				cfg.Frontier, cfg.LeaseTTL, cfg.FetchTimeout, cfg.Logger = fr, lease, lease/2, nil
				c, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			var wg sync.WaitGroup
			run := func(c *Crawler, ctx context.Context) {
				wg.Go(func() {
					if _, err := c.RunOnce(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, errKilled) {
						t.Error(err)
					}
				})
			}
			run(newWorker(shared), t.Context())
			if kill {
				ctx, cancel := context.WithCancel(t.Context())
				dying := &dyingFrontier{Frontier: shared, after: 400, kill: cancel}
				run(newWorker(dying), ctx)
				wg.Wait()
				if !dying.dead.Load() {
					t.Fatal("the second worker finished before it was killed")
				}
				run(newWorker(shared), t.Context()) // the restarted worker
			} else {
				run(newWorker(shared), t.Context())
			}
			wg.Wait()
			pages, dup := 0, 0
			hits.Range(func(k, v any) bool {
				if k.(string) == "/robots.txt" {
					return true
				}
				pages++
				if n := v.(*atomic.Int64).Load(); n > 1 {
					dup += int(n - 1)
				}
				return true
			})
			if pages != lists*(per+1) {
				t.Errorf("%d distinct pages fetched, want %d", pages, lists*(per+1))
			}
			maxDup := 0
			if kill {
				maxDup = 4 // at most the killed worker's in-flight fetches
			}
			if dup > maxDup {
				t.Errorf("%d repeated fetches, want at most %d", dup, maxDup)
			}
			ads := map[string]bool{}
			for _, a := range sink.ads {
				ads[a.ID] = true
			}
			if len(ads) != lists*per {
				t.Errorf("%d distinct ads, want %d", len(ads), lists*per)
			}
		})
	}
}
