package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/recruitscan/recruitscan"
)

// nopObserver records nothing.
type nopObserver struct{}

func (nopObserver) CrawlRequest(string, int, time.Duration, int) {}
func (nopObserver) CrawlAd(string)                               {}
func (nopObserver) CrawlRobotsDenied(string)                     {}
func (nopObserver) CrawlError(string, string)                    {}
func (nopObserver) CrawlFrontier(string, int)                    {}
func (nopObserver) CrawlSucceeded(string, time.Time)             {}

func orNil(o Observer) Observer {
	if o == nil {
		return nopObserver{}
	}
	return o
}

// run is one source's cycle in this process.
type run struct {
	c     *Crawler
	src   *source
	cycle Cycle
	f     *fetcher
	x     *extractor
	log   interface {
		Warn(string, ...any)
		Debug(string, ...any)
	}

	mu       sync.Mutex
	stats    SourceStats
	queuedAt time.Time // last report of the frontier's size
	linked   []string  // detail pages this run reached from a listing and recorded
}

func (c *Crawler) runSource(ctx context.Context, src *source, cyc Cycle) (SourceStats, error) {
	r := &run{c: c, src: src, cycle: cyc, f: newFetcher(ctx, &c.cfg, src),
		x: &extractor{src: src, sel: src.sel}, log: c.cfg.Logger.With("source", src.ID)}
	r.stats.Started = c.cfg.Clock.Now()
	c.update(src.ID, func(s *SourceStats) { *s = SourceStats{Started: r.stats.Started} })
	defer r.f.close()
	if _, err := c.cfg.Frontier.Push(ctx, cyc, src.maxPages, src.entries...); err != nil {
		return r.stats, fmt.Errorf("crawl %s: %w", src.ID, err)
	}
	err := r.work(ctx)
	if err == nil && ctx.Err() == nil && r.watchesTakedowns() {
		// The cycle's listings are read: re-check the detail pages they
		// no longer link, in the same cycle (shared with other workers).
		if err = r.sweep(ctx); err == nil {
			err = r.work(ctx)
		}
	}
	if err == nil && ctx.Err() == nil {
		now := c.cfg.Clock.Now()
		c.cfg.Observer.CrawlSucceeded(src.ID, now)
		r.count(func(s *SourceStats) { s.Finished = now })
	}
	return r.snapshot(), err
}

// work runs the source's workers until the cycle has no task left.
func (r *run) work(ctx context.Context) error {
	var (
		wg   sync.WaitGroup
		errs = make([]error, r.src.parallel)
	)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i := range r.src.parallel {
		wg.Go(func() {
			if errs[i] = r.worker(wctx); errs[i] != nil {
				cancel() // a sink or frontier failure stops the source's run
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (r *run) snapshot() SourceStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

func (r *run) count(f func(*SourceStats)) {
	r.mu.Lock()
	if r.stats.ErrorKinds == nil {
		r.stats.ErrorKinds = map[string]int{}
	}
	f(&r.stats)
	s := r.stats
	r.mu.Unlock()
	r.c.update(r.src.ID, func(live *SourceStats) { *live = s })
}

// worker leases tasks one at a time until the cycle is complete.
func (r *run) worker(ctx context.Context) error {
	fr := r.c.cfg.Frontier
	for {
		tasks, err := fr.Lease(ctx, r.cycle, 1, r.c.cfg.LeaseTTL)
		if err != nil {
			return ctxOr(ctx, fmt.Errorf("crawl %s: %w", r.src.ID, err))
		}
		if len(tasks) == 0 {
			n, err := r.measureQueue(ctx)
			switch {
			case err != nil:
				return ctxOr(ctx, err)
			case n == 0:
				return nil
			}
			if err := sleep(ctx, r.c.cfg.PollInterval); err != nil {
				return nil
			}
			continue
		}
		if err := r.one(ctx, tasks[0]); err != nil {
			return err
		}
		if r.queueDue() {
			if _, err := r.measureQueue(ctx); err != nil {
				return ctxOr(ctx, err)
			}
		}
	}
}

// one processes a leased task and marks it done, or hands it back.
func (r *run) one(ctx context.Context, t Task) error {
	fr := r.c.cfg.Frontier
	if err := r.process(ctx, t); err != nil || ctx.Err() != nil {
		// Hand the task back so that this or another worker fetches it
		// again; the context may be cancelled, so use a short one.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		relErr := fr.Release(rctx, r.cycle, t.URL)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		return errors.Join(err, relErr)
	}
	if err := fr.Done(ctx, r.cycle, t.URL); err != nil {
		return ctxOr(ctx, fmt.Errorf("crawl %s: %w", r.src.ID, err))
	}
	return nil
}

// queueDue says whether a second has passed since the frontier's size
// was last reported.
func (r *run) queueDue() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.queuedAt) < time.Second {
		return false
	}
	r.queuedAt = time.Now()
	return true
}

// measureQueue reads and reports the cycle's pending+leased count.
func (r *run) measureQueue(ctx context.Context) (int, error) {
	pending, leased, err := r.c.cfg.Frontier.Len(ctx, r.cycle)
	if err != nil {
		return 0, fmt.Errorf("crawl %s: %w", r.src.ID, err)
	}
	n := pending + leased
	r.count(func(s *SourceStats) { s.Queue = n })
	r.c.cfg.Observer.CrawlFrontier(r.src.ID, n)
	return n, nil
}

// ctxOr hides errors caused by cancellation: stopping is not a failure.
func ctxOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// process fetches one task and hands on what it yields. Fetch and parse
// failures are counted and end the task; the returned error is for
// failures of the sink or frontier, after which the task is retried.
//
// Detail pages are remembered across cycles: they are asked for
// conditionally, not handed on again when their content hash is the
// same, and their ads are marked removed when they answer 404 or 410;
// each records the cycle it was last linked in, or re-checked in (see
// takedown.go). Listing pages, feeds and sitemaps are read afresh every cycle (a
// listing page that disappears says nothing about its ads).
func (r *run) process(ctx context.Context, t Task) error {
	meta, known, err := r.remembered(ctx, t)
	if err != nil {
		return err
	}
	var cond *PageMeta
	if known && !meta.Removed {
		cond = &meta
	}
	ft := t
	if t.Kind == KindRecheck {
		ft.Kind = KindDetail // fetched and read as the detail page it is
	}
	start := time.Now()
	p, ferr := r.f.fetch(ctx, ft, cond)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if !errors.Is(ferr, ErrRobots) {
		r.c.cfg.Observer.CrawlRequest(r.src.ID, p.Status, time.Since(start), len(p.Body)) // status 0: no response
	}
	switch {
	case ferr != nil:
		return r.failed(ctx, t, meta, known, ferr)
	case p.NotModified:
		r.count(func(s *SourceStats) { s.NotModified++ })
		return r.touch(ctx, t, meta)
	}
	r.count(func(s *SourceStats) { s.Pages++ })
	m := PageMeta{ETag: p.Header.Get("ETag"), LastModified: p.Header.Get("Last-Modified"),
		BodySHA256: p.sha256(), FetchedAt: p.FetchedAt}
	if known && !meta.Removed && meta.BodySHA256 == m.BodySHA256 {
		r.count(func(s *SourceStats) { s.Unchanged++ })
		if meta.ETag == m.ETag && meta.LastModified == m.LastModified {
			return r.touch(ctx, t, meta)
		}
		m.AdIDs = meta.AdIDs
		return r.remember(ctx, t, r.seen(t, m, meta)) // new validators for the same content
	}
	ex, perr := r.extract(p)
	if perr != nil {
		r.fail(perr)
	}
	if t.Kind != KindRecheck { // a page no longer linked leads nowhere new
		if err := r.push(ctx, ex.links); err != nil {
			return err
		}
	}
	if m.AdIDs, err = r.emit(ctx, ex.ads); err != nil {
		return err
	}
	return r.remember(ctx, t, r.seen(t, m, meta))
}

func sha256hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// remembered returns what the frontier holds of a detail page.
func (r *run) remembered(ctx context.Context, t Task) (PageMeta, bool, error) {
	if t.Kind != KindDetail && t.Kind != KindRecheck {
		return PageMeta{}, false, nil
	}
	m, ok, err := r.c.cfg.Frontier.Page(ctx, r.src.ID, t.URL)
	if err != nil {
		return m, ok, fmt.Errorf("crawl %s: %w", r.src.ID, err)
	}
	return m, ok, nil
}

func (r *run) remember(ctx context.Context, t Task, m PageMeta) error {
	if t.Kind != KindDetail && t.Kind != KindRecheck {
		return nil
	}
	if err := r.c.cfg.Frontier.SetPage(ctx, r.src.ID, t.URL, m); err != nil {
		return fmt.Errorf("crawl %s: %w", r.src.ID, err)
	}
	if t.Kind == KindDetail {
		r.mu.Lock()
		r.linked = append(r.linked, t.URL)
		r.mu.Unlock()
	}
	return nil
}

// failed counts a failed fetch; a page that is gone has its ads marked
// removed when the sink can record it.
func (r *run) failed(ctx context.Context, t Task, meta PageMeta, known bool, err error) error {
	switch {
	case errors.Is(err, ErrRobots):
		r.count(func(s *SourceStats) { s.RobotsDenied++ })
		r.c.cfg.Observer.CrawlRobotsDenied(r.src.ID)
		return nil
	case errors.Is(err, ErrGone) && known && !meta.Removed:
		return r.removed(ctx, t, meta)
	}
	r.fail(err)
	return nil
}

func (r *run) fail(err error) {
	kind := ErrorKind(err)
	r.count(func(s *SourceStats) { s.Errors++; s.ErrorKinds[kind]++ })
	r.c.cfg.Observer.CrawlError(r.src.ID, kind)
	switch kind {
	case "gone", "not_document", "domain":
		// The ordinary noise of a crawl: counted, logged quietly.
		r.log.Debug("crawl skip", "kind", kind, "err", err)
	default:
		r.log.Warn("crawl error", "kind", kind, "err", err)
	}
}

func (r *run) removed(ctx context.Context, t Task, meta PageMeta) error {
	now := r.c.cfg.Clock.Now()
	if rm, ok := r.c.cfg.Sink.(Remover); ok {
		for _, id := range meta.AdIDs {
			if err := rm.MarkRemoved(ctx, id, now); err != nil && !errors.Is(err, recruitscan.ErrNotFound) {
				return fmt.Errorf("crawl %s: mark removed %s: %w", r.src.ID, id, err)
			}
		}
	}
	meta.Removed, meta.FetchedAt = true, now
	if err := r.c.cfg.Frontier.SetPage(ctx, r.src.ID, t.URL, meta); err != nil {
		return fmt.Errorf("crawl %s: %w", r.src.ID, err)
	}
	r.count(func(s *SourceStats) { s.Removed++ })
	return nil
}

// push queues the links that are within the source's depth and domains.
func (r *run) push(ctx context.Context, links []Task) error {
	keep := links[:0]
	for _, l := range links {
		u, err := url.Parse(l.URL)
		if err != nil || l.Depth > r.src.maxDepth || r.src.allowed(u) != nil {
			continue
		}
		keep = append(keep, l)
	}
	if len(keep) == 0 {
		return nil
	}
	if _, err := r.c.cfg.Frontier.Push(ctx, r.cycle, r.src.maxPages, keep...); err != nil {
		return fmt.Errorf("crawl %s: %w", r.src.ID, err)
	}
	return nil
}

func (r *run) emit(ctx context.Context, ads []recruitscan.Ad) ([]string, error) {
	ids := make([]string, 0, len(ads))
	for _, ad := range ads {
		if err := r.c.cfg.Sink.Emit(ctx, ad); err != nil {
			return nil, fmt.Errorf("crawl %s: emit %s: %w", r.src.ID, ad.URL, err)
		}
		ids = append(ids, ad.ID)
		r.count(func(s *SourceStats) { s.Ads++ })
		r.c.cfg.Observer.CrawlAd(r.src.ID)
	}
	return ids, nil
}

// extract reads a fetched page according to its kind and source type.
func (r *run) extract(p *page) (extraction, error) {
	return r.x.page(p)
}

func (x *extractor) page(p *page) (extraction, error) {
	text := decode(p.Body, p.ContentType)
	switch {
	case p.Task.Kind == KindFeed || (p.Task.Kind == KindSitemap && looksLikeFeed(p.Body)):
		return x.feed(p, text)
	case p.Task.Kind == KindSitemap:
		return x.sitemap(p, text)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return extraction{}, fmt.Errorf("parse %s: %w", p.FinalURL, err)
	}
	if x.src.Type == recruitscan.SourceTelegram {
		return x.telegram(p, doc), nil
	}
	return x.html(p, doc), nil
}
