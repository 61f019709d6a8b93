package crawler

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan/internal/clock"
)

// Kind says what a task's page is expected to be, which picks how it is
// read.
type Kind string

// Task kinds.
const (
	KindListing Kind = "listing" // html listing or telegram preview page: links, cards, posts
	KindDetail  Kind = "detail"  // html detail page: one ad
	KindFeed    Kind = "feed"    // RSS or Atom document
	KindSitemap Kind = "sitemap" // sitemap or sitemap index
)

// Task is one URL to fetch in a cycle.
type Task struct {
	// URL is canonical (see Canonicalize); it is the task's identity in
	// the frontier.
	URL   string `json:"url"`
	Kind  Kind   `json:"kind"`
	Depth int    `json:"depth"`
}

// Cycle names one crawl cycle of one source. N is derived from the clock
// and the source's interval (start time / interval), so every worker of
// a shared frontier agrees on it without talking, and a restarted worker
// resumes the same cycle.
type Cycle struct {
	Source string
	N      int64
}

func (c Cycle) String() string { return fmt.Sprintf("%s#%d", c.Source, c.N) }

// PageMeta is what the crawler remembers of a page across cycles, for
// conditional re-fetches and takedown detection.
type PageMeta struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	BodySHA256   string    `json:"body_sha256,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	// AdIDs are the ads read from the page at its last fetch.
	AdIDs []string `json:"ad_ids,omitempty"`
	// Removed is set once the page answered 404 or 410.
	Removed bool `json:"removed,omitempty"`
}

// Frontier is the crawl's shared to-do list: per source and cycle, the
// URLs to fetch, who is fetching them (a lease), and which are done; and,
// across cycles, what was last seen of each page. An in-memory Frontier
// (NewMemFrontier) is the default; package store provides one in Redis
// that any number of workers share.
//
// Contract, for every implementation:
//   - All methods are safe for concurrent use, also from several
//     processes when the implementation is shared.
//   - A URL is accepted at most once per cycle: Push ignores URLs already
//     pushed in that cycle, whether pending, leased or done.
//   - A leased task is given to no other Lease call until its lease
//     expires (then it is pending again) or it is Done or Released.
//   - Errors are only ever about the backing store (wrap
//     recruitscan.ErrUnavailable when it cannot be reached) or ctx; an
//     empty frontier is not an error. On error nothing is half-applied
//     for the task concerned.
type Frontier interface {
	// Push adds tasks as pending in cycle c and returns how many were new.
	// limit caps the number of distinct URLs the cycle may ever hold (the
	// source's max pages); tasks beyond it are dropped and not counted.
	// limit <= 0 means no cap.
	Push(ctx context.Context, c Cycle, limit int, tasks ...Task) (added int, err error)
	// Lease takes up to n pending tasks (oldest first) and leases them
	// until now+ttl. It returns an empty slice, not an error, when none is
	// pending.
	Lease(ctx context.Context, c Cycle, n int, ttl time.Duration) ([]Task, error)
	// Done marks a task finished for the cycle; it is never leased again
	// in c. Done of an unknown or already-done URL is not an error.
	Done(ctx context.Context, c Cycle, url string) error
	// Release returns a leased task to pending at once (a worker stopping
	// before it could finish). Release of a task not leased is a no-op.
	Release(ctx context.Context, c Cycle, url string) error
	// Len reports the cycle's pending and leased counts (leases already
	// expired count as pending). Both zero means the cycle is complete.
	Len(ctx context.Context, c Cycle) (pending, leased int, err error)
	// Page returns what was recorded of a page of the source; ok is false
	// when nothing was.
	Page(ctx context.Context, source, url string) (m PageMeta, ok bool, err error)
	// SetPage records m for the page, replacing what was there.
	SetPage(ctx context.Context, source, url string, m PageMeta) error
}

// MemFrontier is the in-memory Frontier of one process. Nothing survives
// a restart. The zero value is not usable: call NewMemFrontier.
type MemFrontier struct {
	clock  clock.Clock
	mu     sync.Mutex
	cycles map[Cycle]*memCycle
	pages  map[string]PageMeta // source + "\x00" + url
}

type memCycle struct {
	seen    map[string]bool // every URL pushed this cycle
	pending []Task          // FIFO
	leased  map[string]leasedTask
}

type leasedTask struct {
	task  Task
	until time.Time
}

var _ Frontier = (*MemFrontier)(nil)

// NewMemFrontier returns an empty in-memory frontier whose leases expire
// by clk (nil means the real clock).
func NewMemFrontier(clk clock.Clock) *MemFrontier {
	if clk == nil {
		clk = clock.Real{}
	}
	return &MemFrontier{clock: clk, cycles: map[Cycle]*memCycle{}, pages: map[string]PageMeta{}}
}

func (f *MemFrontier) cycle(c Cycle) *memCycle {
	mc := f.cycles[c]
	if mc == nil {
		// A new cycle of a source replaces the older ones: their state is
		// no longer needed and would otherwise grow without bound.
		for k := range f.cycles {
			if k.Source == c.Source && k.N < c.N {
				delete(f.cycles, k)
			}
		}
		mc = &memCycle{seen: map[string]bool{}, leased: map[string]leasedTask{}}
		f.cycles[c] = mc
	}
	return mc
}

// Push implements Frontier.
func (f *MemFrontier) Push(ctx context.Context, c Cycle, limit int, tasks ...Task) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("frontier push: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	mc := f.cycle(c)
	added := 0
	for _, t := range tasks {
		if mc.seen[t.URL] {
			continue
		}
		if limit > 0 && len(mc.seen) >= limit {
			break
		}
		mc.seen[t.URL] = true
		mc.pending = append(mc.pending, t)
		added++
	}
	return added, nil
}

// expire returns expired leases to the front of pending.
func (f *MemFrontier) expire(mc *memCycle) {
	now := f.clock.Now()
	for u, lt := range mc.leased {
		if !now.Before(lt.until) {
			delete(mc.leased, u)
			mc.pending = append([]Task{lt.task}, mc.pending...)
		}
	}
}

// Lease implements Frontier.
func (f *MemFrontier) Lease(ctx context.Context, c Cycle, n int, ttl time.Duration) ([]Task, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("frontier lease: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	mc := f.cycle(c)
	f.expire(mc)
	n = min(n, len(mc.pending))
	out := make([]Task, n)
	copy(out, mc.pending[:n])
	mc.pending = mc.pending[n:]
	until := f.clock.Now().Add(ttl)
	for _, t := range out {
		mc.leased[t.URL] = leasedTask{task: t, until: until}
	}
	return out, nil
}

// Done implements Frontier.
func (f *MemFrontier) Done(_ context.Context, c Cycle, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	mc := f.cycle(c)
	delete(mc.leased, url)
	return nil
}

// Release implements Frontier.
func (f *MemFrontier) Release(_ context.Context, c Cycle, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	mc := f.cycle(c)
	if lt, ok := mc.leased[url]; ok {
		delete(mc.leased, url)
		mc.pending = append([]Task{lt.task}, mc.pending...)
	}
	return nil
}

// Len implements Frontier.
func (f *MemFrontier) Len(ctx context.Context, c Cycle) (int, int, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, fmt.Errorf("frontier len: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	mc := f.cycle(c)
	f.expire(mc)
	return len(mc.pending), len(mc.leased), nil
}

// Page implements Frontier.
func (f *MemFrontier) Page(_ context.Context, source, url string) (PageMeta, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.pages[source+"\x00"+url]
	return m, ok, nil
}

// SetPage implements Frontier.
func (f *MemFrontier) SetPage(_ context.Context, source, url string, m PageMeta) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages[source+"\x00"+url] = m
	return nil
}
