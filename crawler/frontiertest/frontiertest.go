// Package frontiertest checks that a crawler.Frontier keeps the contract
// documented on the interface. Implementations run it from their tests:
//
//	func TestFrontierContract(t *testing.T) {
//		frontiertest.Test(t, func(t *testing.T, clk *clock.Fake) crawler.Frontier {
//			return newRedisFrontier(t, clk) // leases must expire by clk
//		})
//	}
package frontiertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/internal/clock"
)

// New returns an empty frontier whose leases expire by clk.
type New func(t *testing.T, clk *clock.Fake) crawler.Frontier

// Test runs the contract's cases, each on a fresh frontier.
func Test(t *testing.T, newFrontier New) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, f crawler.Frontier, clk *clock.Fake)
	}{
		{"PushDedupesWithinCycle", pushDedupes},
		{"PushLimit", pushLimit},
		{"LeaseFIFOAndExclusive", leaseExclusive},
		{"LeaseExpiry", leaseExpiry},
		{"DoneAndRelease", doneAndRelease},
		{"Pages", pages},
		{"ConcurrentLeases", concurrentLeases},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			tc.run(t, newFrontier(t, clk), clk)
		})
	}
}

func tasks(prefix string, n int) []crawler.Task {
	out := make([]crawler.Task, n)
	for i := range out {
		out[i] = crawler.Task{URL: fmt.Sprintf("https://example.org/%s/%d", prefix, i), Kind: crawler.KindDetail, Depth: 1}
	}
	return out
}

// h wraps the frontier's calls for tests: any error fails the test.
type h struct {
	t   *testing.T
	f   crawler.Frontier
	ctx context.Context
}

func (h h) push(c crawler.Cycle, limit int, ts ...crawler.Task) int {
	h.t.Helper()
	n, err := h.f.Push(h.ctx, c, limit, ts...)
	h.ok(err)
	return n
}

func (h h) lease(c crawler.Cycle, n int) []crawler.Task {
	h.t.Helper()
	ts, err := h.f.Lease(h.ctx, c, n, time.Minute)
	h.ok(err)
	return ts
}

func (h h) ok(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h h) page(source, url string) (crawler.PageMeta, bool) {
	h.t.Helper()
	m, ok, err := h.f.Page(h.ctx, source, url)
	h.ok(err)
	return m, ok
}

func wantLen(t *testing.T, f crawler.Frontier, c crawler.Cycle, pending, leased int) {
	t.Helper()
	p, l, err := f.Len(context.Background(), c)
	if err != nil || p != pending || l != leased {
		t.Errorf("Len(%v) = %d pending, %d leased, %v; want %d, %d", c, p, l, err, pending, leased)
	}
}

func pushDedupes(t *testing.T, f crawler.Frontier, _ *clock.Fake) {
	ctx := context.Background()
	hf := h{t: t, f: f, ctx: ctx}
	c := crawler.Cycle{Source: "s", N: 1}
	ts := tasks("a", 3)
	if n := hf.push(c, 0, append(ts, ts[0])...); n != 3 {
		t.Errorf("push 3 distinct + 1 dup = %d new, want 3", n)
	}
	got := hf.lease(c, 10)
	if len(got) != 3 || got[0] != ts[0] {
		t.Fatalf("lease = %+v, want the 3 tasks, oldest first, fields kept", got)
	}
	hf.ok(f.Done(ctx, c, ts[0].URL))
	if n := hf.push(c, 0, ts...); n != 0 {
		t.Errorf("re-push of pushed, leased and done URLs = %d new, want 0", n)
	}
	if n := hf.push(crawler.Cycle{Source: "s", N: 2}, 0, ts[0]); n != 1 {
		t.Errorf("push in the next cycle = %d new, want 1", n)
	}
	if n := hf.push(crawler.Cycle{Source: "other", N: 1}, 0, ts[0]); n != 1 {
		t.Errorf("push for another source = %d new, want 1", n)
	}
}

func pushLimit(t *testing.T, f crawler.Frontier, _ *clock.Fake) {
	ctx := context.Background()
	hf := h{t: t, f: f, ctx: ctx}
	c := crawler.Cycle{Source: "s", N: 1}
	ts := tasks("l", 8)
	if n := hf.push(c, 5, ts[:3]...); n != 3 {
		t.Errorf("push 3 under limit 5 = %d", n)
	}
	leased := hf.lease(c, 3)
	for _, l := range leased {
		hf.ok(f.Done(ctx, c, l.URL))
	}
	if n := hf.push(c, 5, ts[3:]...); n != 2 {
		t.Errorf("push 5 more with 3 done under limit 5 = %d new, want 2", n)
	}
	wantLen(t, f, c, 2, 0)
}

func leaseExclusive(t *testing.T, f crawler.Frontier, _ *clock.Fake) {
	ctx := context.Background()
	hf := h{t: t, f: f, ctx: ctx}
	c := crawler.Cycle{Source: "s", N: 1}
	ts := tasks("x", 5)
	hf.push(c, 0, ts...)
	a := hf.lease(c, 2)
	b := hf.lease(c, 2)
	if len(a) != 2 || len(b) != 2 || a[0] != ts[0] || a[1] != ts[1] || b[0] != ts[2] || b[1] != ts[3] {
		t.Errorf("leases = %v then %v; want FIFO without overlap", a, b)
	}
	wantLen(t, f, c, 1, 4)
	if empty := hf.lease(crawler.Cycle{Source: "s", N: 9}, 3); len(empty) != 0 {
		t.Errorf("lease from an empty cycle = %v, want none and no error", empty)
	}
}

func leaseExpiry(t *testing.T, f crawler.Frontier, clk *clock.Fake) {
	ctx := context.Background()
	hf := h{t: t, f: f, ctx: ctx}
	c := crawler.Cycle{Source: "s", N: 1}
	ts := tasks("e", 2)
	hf.push(c, 0, ts...)
	hf.lease(c, 2) // a worker that is then killed
	clk.Advance(59 * time.Second)
	if got := hf.lease(c, 2); len(got) != 0 {
		t.Errorf("lease before expiry = %v, want none", got)
	}
	clk.Advance(2 * time.Second)
	wantLen(t, f, c, 2, 0)
	got := hf.lease(c, 2)
	if len(got) != 2 {
		t.Errorf("lease after expiry = %v, want both tasks back", got)
	}
}

func doneAndRelease(t *testing.T, f crawler.Frontier, clk *clock.Fake) {
	ctx := context.Background()
	hf := h{t: t, f: f, ctx: ctx}
	c := crawler.Cycle{Source: "s", N: 1}
	ts := tasks("d", 2)
	hf.push(c, 0, ts...)
	got := hf.lease(c, 2)
	hf.ok(f.Done(ctx, c, got[0].URL))
	hf.ok(f.Release(ctx, c, got[1].URL))
	wantLen(t, f, c, 1, 0)
	again := hf.lease(c, 2)
	if len(again) != 1 || again[0] != got[1] {
		t.Errorf("lease after done+release = %v, want only the released task", again)
	}
	hf.ok(f.Done(ctx, c, again[0].URL))
	clk.Advance(time.Hour)
	wantLen(t, f, c, 0, 0)
	for _, u := range []string{"https://example.org/unknown", got[0].URL} {
		if err := f.Done(ctx, c, u); err != nil {
			t.Errorf("Done(%s) of unknown/done = %v, want nil", u, err)
		}
		if err := f.Release(ctx, c, u); err != nil {
			t.Errorf("Release(%s) of a task not leased = %v, want nil", u, err)
		}
	}
	wantLen(t, f, c, 0, 0)
}

func pages(t *testing.T, f crawler.Frontier, _ *clock.Fake) {
	ctx := context.Background()
	hf := h{t: t, f: f, ctx: ctx}
	u := "https://example.org/job/1"
	if _, ok := hf.page("s", u); ok {
		t.Error("page of an empty frontier found")
	}
	m := crawler.PageMeta{ETag: `"x"`, LastModified: "Mon, 02 Jan 2006 15:04:05 GMT", BodySHA256: "ab",
		FetchedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), AdIDs: []string{"a1", "a2"},
		Linked: 7, Rechecked: 9}
	hf.ok(f.SetPage(ctx, "s", u, m))
	got, ok := hf.page("s", u)
	if !ok || got.ETag != m.ETag || got.LastModified != m.LastModified || got.BodySHA256 != m.BodySHA256 ||
		!got.FetchedAt.Equal(m.FetchedAt) || len(got.AdIDs) != 2 || got.AdIDs[1] != "a2" || got.Removed ||
		got.Linked != 7 || got.Rechecked != 9 {
		t.Errorf("page = %+v, %v; want %+v", got, ok, m)
	}
	// A source's index record: a list of pages under a reserved key.
	idx := crawler.PageMeta{Pages: []string{u, "https://example.org/job/2"}}
	hf.ok(f.SetPage(ctx, "s", crawler.IndexKey, idx))
	if got, ok := hf.page("s", crawler.IndexKey); !ok || len(got.Pages) != 2 || got.Pages[1] != idx.Pages[1] {
		t.Errorf("index record = %+v, %v; want %+v", got, ok, idx)
	}
	if got, _ := hf.page("s", u); got.ETag != m.ETag {
		t.Errorf("page after setting the index = %+v, want %+v", got, m)
	}
	if _, ok := hf.page("other", u); ok {
		t.Error("page of source s visible to source other")
	}
}

// concurrentLeases: many workers leasing at once each get distinct tasks,
// and together all of them.
func concurrentLeases(t *testing.T, f crawler.Frontier, _ *clock.Fake) {
	ctx := context.Background()
	hf := h{t: t, f: f, ctx: ctx}
	c := crawler.Cycle{Source: "s", N: 1}
	ts := tasks("c", 200)
	hf.push(c, 0, ts...)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				got, err := f.Lease(ctx, c, 3, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, g := range got {
					seen[g.URL]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != len(ts) {
		t.Errorf("leased %d distinct tasks, want %d", len(seen), len(ts))
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("%s leased %d times", u, n)
		}
	}
}
