package crawler

import (
	"context"
	"fmt"
	"slices"

	"github.com/recruitscan/recruitscan"
)

// IndexKey is the reserved page key of each html and sitemap source's
// takedown registry: a PageMeta whose Pages are the keys of the index
// records, IndexKey+"/"+<Crawler id>, each a PageMeta whose Pages are the
// detail pages that Crawler linked, watched for takedowns. These keys are
// not URLs, so no page shares them.
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

// sweep runs once the cycle's listings are read. It records the detail
// pages this run linked in this Crawler's own index record, makes sure
// that record is listed in the source's registry (IndexKey), and pushes
// every page of every listed record that is due for a re-check into the
// cycle as a KindRecheck task (beyond max_pages: they are bounded by the
// index). Push dedups per cycle, so workers sweeping at once push each
// page once.
//
// Only its owner writes an index record, so workers never overwrite each
// other's pages. The registry is shared: two Crawlers registering at the
// same moment may drop one registration, which its owner restores at its
// next sweep, before reading (only a Crawler that stops for good in that
// window leaves its pages unwatched).
func (r *run) sweep(ctx context.Context) error {
	r.c.indexMu.Lock()
	defer r.c.indexMu.Unlock()
	fr, src := r.c.cfg.Frontier, r.src.ID
	r.mu.Lock()
	linked := r.linked
	r.linked = nil
	r.mu.Unlock()
	ownKey := IndexKey + "/" + r.c.instance
	own, _, err := fr.Page(ctx, src, ownKey)
	if err != nil {
		return fmt.Errorf("crawl %s: takedown index: %w", src, err)
	}
	reg, _, err := fr.Page(ctx, src, IndexKey)
	if err != nil {
		return fmt.Errorf("crawl %s: takedown index: %w", src, err)
	}
	if !slices.Contains(reg.Pages, ownKey) {
		reg = PageMeta{Pages: append(reg.Pages, ownKey), FetchedAt: r.c.cfg.Clock.Now()}
		if err := fr.SetPage(ctx, src, IndexKey, reg); err != nil {
			return fmt.Errorf("crawl %s: takedown index: %w", src, err)
		}
	}
	w := watch{r: r, fresh: map[string]bool{}, seen: map[string]bool{}}
	for _, u := range linked {
		w.fresh[u] = true // linked and recorded this cycle: not due
	}
	keep, err := w.pages(ctx, append(slices.Clone(own.Pages), linked...))
	if err != nil {
		return err
	}
	if !slices.Equal(keep, own.Pages) {
		if err := fr.SetPage(ctx, src, ownKey, PageMeta{Pages: keep, FetchedAt: r.c.cfg.Clock.Now()}); err != nil {
			return fmt.Errorf("crawl %s: takedown index: %w", src, err)
		}
	}
	for _, key := range reg.Pages {
		if key == ownKey {
			continue
		}
		other, _, err := fr.Page(ctx, src, key)
		if err != nil {
			return fmt.Errorf("crawl %s: takedown index: %w", src, err)
		}
		if _, err := w.pages(ctx, other.Pages); err != nil {
			return err
		}
	}
	if len(w.due) == 0 {
		return nil
	}
	if _, err := fr.Push(ctx, r.cycle, 0, w.due...); err != nil {
		return fmt.Errorf("crawl %s: push re-checks: %w", src, err)
	}
	return nil
}

// watch collects the re-checks due among index records' pages.
type watch struct {
	r     *run
	fresh map[string]bool // linked by this run
	seen  map[string]bool // already looked at
	due   []Task
}

// pages looks at each page once and returns those still watched (not
// removed, recorded), each once, leaving out pages already looked at.
func (w *watch) pages(ctx context.Context, urls []string) ([]string, error) {
	var keep []string
	for _, u := range urls {
		if w.seen[u] {
			continue // listed twice, or by several records
		}
		w.seen[u] = true
		if w.fresh[u] {
			keep = append(keep, u)
			continue
		}
		m, ok, err := w.r.c.cfg.Frontier.Page(ctx, w.r.src.ID, u)
		if err != nil {
			return nil, fmt.Errorf("crawl %s: takedown index: %w", w.r.src.ID, err)
		}
		if !ok || m.Removed {
			continue // gone for good: no longer watched
		}
		keep = append(keep, u)
		if recheckDue(m, w.r.cycle.N, int64(w.r.c.cfg.UnlinkedCycles)) {
			w.due = append(w.due, Task{URL: u, Kind: KindRecheck})
		}
	}
	return keep, nil
}
