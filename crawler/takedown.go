package crawler

import (
	"context"
	"fmt"
	"slices"

	"github.com/recruitscan/recruitscan"
)

// IndexKey is the reserved page key under which each html and sitemap
// source keeps its index record: a PageMeta whose Pages lists the detail
// pages watched for takedowns. It is not a URL, so no page shares it.
const IndexKey = "recruitscan:detail-index"

// Re-check back-off: an unlinked page still online is re-checked after
// twice as long since it was last linked, at most this many times
// Config.UnlinkedCycles cycles apart.
const maxRecheckFactor = 32

// watchesTakedowns says whether the source has detail pages whose
// disappearance from its listings is worth a re-check. Feed items and
// telegram posts age out of their window normally and are never
// re-checked.
func (r *run) watchesTakedowns() bool {
	t := r.src.Type
	return r.c.cfg.UnlinkedCycles > 0 && (t == recruitscan.SourceHTML || t == recruitscan.SourceSitemap)
}

// seen returns m, a page's new record, with the cycles of meta, its old
// one, carried over and the current one set: Linked for a page reached
// from a listing, Rechecked for a re-check.
func (r *run) seen(t Task, m, meta PageMeta) PageMeta {
	m.Linked, m.Rechecked = meta.Linked, meta.Rechecked
	switch t.Kind {
	case KindDetail:
		m.Linked = r.cycle.N
	case KindRecheck:
		m.Rechecked = r.cycle.N
		r.count(func(s *SourceStats) { s.Rechecked++ })
	}
	return m
}

// touch records that an unchanged page was linked or re-checked in this
// cycle, writing only when that changes its record.
func (r *run) touch(ctx context.Context, t Task, meta PageMeta) error {
	m := r.seen(t, meta, meta)
	if m.Linked == meta.Linked && m.Rechecked == meta.Rechecked {
		return nil
	}
	return r.remember(ctx, t, m)
}

// recheckDue says whether a page, last linked in cycle m.Linked, is due
// for a re-check in cycle n: after k consecutive cycles unlinked, then
// each time its unlinked span has doubled since the last re-check (at
// most maxRecheckFactor*k cycles apart).
func recheckDue(m PageMeta, n, k int64) bool {
	if m.Removed || m.Linked == 0 || n-m.Linked < k {
		return false
	}
	if m.Rechecked <= m.Linked {
		return true
	}
	gap := min(max(m.Rechecked-m.Linked, k), maxRecheckFactor*k)
	return n-m.Rechecked >= gap
}

// sweep runs once the cycle's listings are read. It adds the detail pages
// this run recorded to the source's index, drops pages already removed,
// and pushes the pages due for a re-check into the cycle as KindRecheck
// tasks (beyond max_pages: they are few and bounded by the index). Push
// dedups per cycle, so several workers sweeping push each page once.
//
// Workers sweeping at the same moment each write the index; one may
// overwrite another's additions, which are then added again the next
// cycle their pages are linked (a page dropped from its listing in the
// very cycle its index entry was lost goes unwatched).
func (r *run) sweep(ctx context.Context) error {
	fr, k := r.c.cfg.Frontier, int64(r.c.cfg.UnlinkedCycles)
	idx, _, err := fr.Page(ctx, r.src.ID, IndexKey)
	if err != nil {
		return fmt.Errorf("crawl %s: takedown index: %w", r.src.ID, err)
	}
	r.mu.Lock()
	all := append(slices.Clone(idx.Pages), r.linked...)
	r.linked = nil
	r.mu.Unlock()
	var (
		keep []string
		due  []Task
		have = make(map[string]struct{}, len(all))
	)
	for _, u := range all {
		if _, dup := have[u]; dup {
			continue
		}
		have[u] = struct{}{}
		m, ok, err := fr.Page(ctx, r.src.ID, u)
		if err != nil {
			return fmt.Errorf("crawl %s: takedown index: %w", r.src.ID, err)
		}
		if !ok || m.Removed {
			continue // gone for good: no longer watched
		}
		keep = append(keep, u)
		if recheckDue(m, r.cycle.N, k) {
			due = append(due, Task{URL: u, Kind: KindRecheck})
		}
	}
	if !slices.Equal(keep, idx.Pages) {
		rec := PageMeta{Pages: keep, FetchedAt: r.c.cfg.Clock.Now()}
		if err := fr.SetPage(ctx, r.src.ID, IndexKey, rec); err != nil {
			return fmt.Errorf("crawl %s: takedown index: %w", r.src.ID, err)
		}
	}
	if len(due) == 0 {
		return nil
	}
	if _, err := fr.Push(ctx, r.cycle, 0, due...); err != nil {
		return fmt.Errorf("crawl %s: push re-checks: %w", r.src.ID, err)
	}
	return nil
}
