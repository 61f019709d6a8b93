package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/store"
)

// CrawlFrontier is the crawler's frontier kept in Redis by the store, so
// that any number of crawl processes split one crawl: a URL is fetched
// once per cycle across all of them and a killed worker's leases are
// taken up again. It adapts *store.Frontier, which cannot import crawler.
func CrawlFrontier(f *store.Frontier) crawler.Frontier { return redisFrontier{f} }

type redisFrontier struct{ f *store.Frontier }

func (a redisFrontier) Push(ctx context.Context, c crawler.Cycle, limit int, ts ...crawler.Task) (int, error) {
	in := make([]store.CrawlTask, len(ts))
	for i, t := range ts {
		in[i] = store.CrawlTask{URL: t.URL, Kind: string(t.Kind), Depth: t.Depth}
	}
	return a.f.Push(ctx, c.Source, c.N, limit, in...)
}

func (a redisFrontier) Lease(ctx context.Context, c crawler.Cycle, n int, ttl time.Duration) ([]crawler.Task, error) {
	got, err := a.f.Lease(ctx, c.Source, c.N, n, ttl)
	if err != nil {
		return nil, err
	}
	out := make([]crawler.Task, len(got))
	for i, t := range got {
		out[i] = crawler.Task{URL: t.URL, Kind: crawler.Kind(t.Kind), Depth: t.Depth}
	}
	return out, nil
}

func (a redisFrontier) Done(ctx context.Context, c crawler.Cycle, url string) error {
	return a.f.Done(ctx, c.Source, c.N, url)
}

func (a redisFrontier) Release(ctx context.Context, c crawler.Cycle, url string) error {
	return a.f.Release(ctx, c.Source, c.N, url)
}

func (a redisFrontier) Len(ctx context.Context, c crawler.Cycle) (int, int, error) {
	return a.f.Len(ctx, c.Source, c.N)
}

func (a redisFrontier) Page(ctx context.Context, source, url string) (crawler.PageMeta, bool, error) {
	var m crawler.PageMeta
	b, ok, err := a.f.Page(ctx, source, url)
	if !ok || err != nil {
		return m, ok, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, false, fmt.Errorf("frontier page record %s %s: %w", source, url, err)
	}
	return m, true, nil
}

func (a redisFrontier) SetPage(ctx context.Context, source, url string, m crawler.PageMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return a.f.SetPage(ctx, source, url, b)
}

var (
	_ crawler.Sink    = (*StoreSink)(nil)
	_ crawler.Remover = (*StoreSink)(nil)
)
