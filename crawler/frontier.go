package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan"
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
	// KindRecheck is a known detail page that no listing linked for
	// Config.UnlinkedCycles cycles, fetched again to see if it is gone.
	KindRecheck Kind = "recheck"
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
	// Linked is the last cycle (Cycle.N) in which the page was reached
	// from a listing or sitemap; Rechecked the last cycle in which a
	// re-check of the page, no longer linked, found it still online.
	// Together they say when an unlinked page is due for a re-check.
	Linked    int64 `json:"linked,omitempty"`
	Rechecked int64 `json:"rechecked,omitempty"`
	// Pages is only set in a source's index record (see IndexKey): the
	// detail pages of the source being watched for takedowns.
	Pages []string `json:"pages,omitempty"`
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
//
// It keeps URLs it has seen as 64-bit hashes and page records in a
// compact form, so its memory per page is a few dozen bytes (two URLs
// colliding in 64 bits, about one chance in 10^9 for a million pages,
// would make one page be skipped in a cycle).
type MemFrontier struct {
	clock  clock.Clock
	seed   maphash.Seed
	mu     sync.Mutex
	cycles map[Cycle]*memCycle
	pages  map[uint64]memPage // hash of source and url
}

type memCycle struct {
	seen    map[uint64]struct{} // every URL pushed this cycle
	pending []Task              // FIFO
	leased  map[string]leasedTask
}

type leasedTask struct {
	task  Task
	until time.Time
}

// memPage is a PageMeta stored compactly: most pages have only a hash,
// a time and the one ad whose id derives from the page's URL.
type memPage struct {
	sum       [sha256.Size]byte
	fetchedAt int64
	linked    int64
	rechecked int64
	extra     *memExtra // nil when all its fields are zero
}

type memExtra struct {
	etag, lastModified string
	otherSum           string // a BodySHA256 that is not 64 hex digits, kept as is
	adIDs              []string
	pages              []string
	removed            bool
}

// packPage compacts m; ownAd is the id an ad read from the page itself
// gets, so a page whose only ad is that one stores no ids.
func packPage(m PageMeta, ownAd string) memPage {
	p := memPage{fetchedAt: m.FetchedAt.UnixNano(), linked: m.Linked, rechecked: m.Rechecked}
	x := memExtra{etag: m.ETag, lastModified: m.LastModified, removed: m.Removed, pages: slices.Clone(m.Pages)}
	if !(len(m.AdIDs) == 1 && m.AdIDs[0] == ownAd) {
		x.adIDs = append([]string{}, m.AdIDs...) // non-nil, also when empty
	}
	if b, err := hex.DecodeString(m.BodySHA256); err == nil && len(b) == sha256.Size && hex.EncodeToString(b) == m.BodySHA256 {
		copy(p.sum[:], b)
	} else {
		x.otherSum = m.BodySHA256
	}
	if x.etag != "" || x.lastModified != "" || x.otherSum != "" || x.adIDs != nil || x.removed || len(x.pages) > 0 {
		p.extra = &x
	}
	return p
}

func (p memPage) unpack(ownAd string) PageMeta {
	m := PageMeta{FetchedAt: time.Unix(0, p.fetchedAt).UTC(), AdIDs: []string{ownAd},
		Linked: p.linked, Rechecked: p.rechecked}
	if p.sum != ([sha256.Size]byte{}) {
		m.BodySHA256 = hex.EncodeToString(p.sum[:])
	}
	if x := p.extra; x != nil {
		m.ETag, m.LastModified, m.Removed = x.etag, x.lastModified, x.removed
		if len(x.pages) > 0 {
			m.Pages = slices.Clone(x.pages)
		}
		if x.otherSum != "" {
			m.BodySHA256 = x.otherSum
		}
		if x.adIDs != nil {
			m.AdIDs = nil
			if len(x.adIDs) > 0 {
				m.AdIDs = slices.Clone(x.adIDs)
			}
		}
	}
	return m
}

var _ Frontier = (*MemFrontier)(nil)

// NewMemFrontier returns an empty in-memory frontier whose leases expire
// by clk (nil means the real clock).
func NewMemFrontier(clk clock.Clock) *MemFrontier {
	if clk == nil {
		clk = clock.Real{}
	}
	return &MemFrontier{clock: clk, seed: maphash.MakeSeed(), cycles: map[Cycle]*memCycle{}, pages: map[uint64]memPage{}}
}

func (f *MemFrontier) key(parts ...string) uint64 {
	var h maphash.Hash
	h.SetSeed(f.seed)
	for _, p := range parts {
		h.WriteString(p)
		h.WriteByte(0)
	}
	return h.Sum64()
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
		mc = &memCycle{seen: map[uint64]struct{}{}, leased: map[string]leasedTask{}}
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
		k := f.key(t.URL)
		if _, ok := mc.seen[k]; ok {
			continue
		}
		if limit > 0 && len(mc.seen) >= limit {
			break
		}
		mc.seen[k] = struct{}{}
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
	p, ok := f.pages[f.key(source, url)]
	if !ok {
		return PageMeta{}, false, nil
	}
	return p.unpack(recruitscan.AdID(source, url)), true, nil
}

// SetPage implements Frontier.
func (f *MemFrontier) SetPage(_ context.Context, source, url string, m PageMeta) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages[f.key(source, url)] = packPage(m, recruitscan.AdID(source, url))
	return nil
}
