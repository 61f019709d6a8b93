package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/internal/clock"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/pipeline"
	"github.com/recruitscan/recruitscan/store"
)

// removals counts MarkRemoved calls per ad id.
type removals struct {
	mu sync.Mutex
	at map[string][]time.Time
}

func (r *removals) Emit(context.Context, recruitscan.Ad) error { return nil }

func (r *removals) MarkRemoved(_ context.Context, id string, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at[id] = append(r.at[id], at)
	return nil
}

// TestUnlinkedPagesTwoWorkersRedis: two workers sharing store's Redis
// frontier re-check each unlinked page once per due cycle between them,
// and mark exactly the deleted ones removed, once, after 3 unlinked
// cycles.
func TestUnlinkedPagesTwoWorkersRedis(t *testing.T) {
	const jobs = 20 // 0-9 stay linked, 10-14 dropped and deleted, 15-19 dropped and online
	var dropped atomic.Bool
	var mu sync.Mutex
	hits := map[int]int{}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var j int
		if _, err := fmt.Sscanf(r.URL.Path, "/j/%d", &j); err == nil {
			mu.Lock()
			hits[j]++
			mu.Unlock()
			if dropped.Load() && j >= 10 && j < 15 {
				http.NotFound(w, r)
				return
			}
			fmt.Fprintf(w, "<h1>Job %d</h1>", j)
			return
		}
		if r.URL.Path != "/list" {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		for j := range jobs {
			if !dropped.Load() || j < 10 {
				fmt.Fprintf(&b, `<a class="j" href="/j/%d">%d</a>`, j, j)
			}
		}
		fmt.Fprint(w, b.String())
	}))
	t.Cleanup(s.Close)
	rc, prefix := testredis.Client(t)
	st, err := store.New(store.Config{Client: rc, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	sink := &removals{at: map[string][]time.Time{}}
	var workers [2]*crawler.Crawler
	for i := range workers {
		workers[i], err = crawler.New(crawler.Config{
			Sources: []recruitscan.Source{{ID: "td", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/list"},
				AllowPrivate: true, Parallel: 2, Interval: time.Hour,
				Selectors: recruitscan.Selectors{AdLinks: "a.j", Title: "h1"}}},
			Sink: sink, Frontier: pipeline.CrawlFrontier(st.Frontier()), Clock: clk,
			DefaultDelay: -1, PollInterval: 10 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	cycle := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Go(func() {
				if _, err := w.RunOnce(t.Context()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	cycle()
	dropped.Store(true)
	for n := 2; n <= 4; n++ {
		clk.Advance(time.Hour)
		cycle()
		sink.mu.Lock()
		got := len(sink.at)
		sink.mu.Unlock()
		if want := map[bool]int{true: 5, false: 0}[n == 4]; got != want {
			t.Fatalf("after cycle %d: %d ads removed, want %d", n, got, want)
		}
	}
	for j := 10; j < 15; j++ {
		at := sink.at[recruitscan.AdID("td", fmt.Sprintf("%s/j/%d", s.URL, j))]
		if len(at) != 1 || !at[0].Equal(clk.Now()) {
			t.Errorf("job %d removed at %v, want once at %v", j, at, clk.Now())
		}
	}
	for j := range jobs {
		want := 4 // linked every cycle
		if j >= 10 {
			want = 2 // linked in cycle 1, re-checked in cycle 4
		}
		if hits[j] != want {
			t.Errorf("job %d fetched %d times, want %d", j, hits[j], want)
		}
	}
}
