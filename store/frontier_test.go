package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/crawler/frontiertest"
	"github.com/recruitscan/recruitscan/internal/clock"
)

// crawlFrontier adapts *Frontier to crawler.Frontier, as
// pipeline.CrawlFrontier does for the program. This internal test cannot
// import pipeline (pipeline imports store), and it runs the contract on all
// three backends, so it keeps this small copy.
type crawlFrontier struct{ f *Frontier }

var _ crawler.Frontier = crawlFrontier{}

func (a crawlFrontier) Push(ctx context.Context, c crawler.Cycle, limit int, ts ...crawler.Task) (int, error) {
	in := make([]CrawlTask, len(ts))
	for i, t := range ts {
		in[i] = CrawlTask{URL: t.URL, Kind: string(t.Kind), Depth: t.Depth}
	}
	return a.f.Push(ctx, c.Source, c.N, limit, in...)
}

func (a crawlFrontier) Lease(ctx context.Context, c crawler.Cycle, n int, ttl time.Duration) ([]crawler.Task, error) {
	got, err := a.f.Lease(ctx, c.Source, c.N, n, ttl)
	out := make([]crawler.Task, len(got))
	for i, t := range got {
		out[i] = crawler.Task{URL: t.URL, Kind: crawler.Kind(t.Kind), Depth: t.Depth}
	}
	return out, err
}

func (a crawlFrontier) Done(ctx context.Context, c crawler.Cycle, url string) error {
	return a.f.Done(ctx, c.Source, c.N, url)
}

func (a crawlFrontier) Release(ctx context.Context, c crawler.Cycle, url string) error {
	return a.f.Release(ctx, c.Source, c.N, url)
}

func (a crawlFrontier) Len(ctx context.Context, c crawler.Cycle) (int, int, error) {
	return a.f.Len(ctx, c.Source, c.N)
}

func (a crawlFrontier) Page(ctx context.Context, source, url string) (crawler.PageMeta, bool, error) {
	var m crawler.PageMeta
	b, ok, err := a.f.Page(ctx, source, url)
	if !ok || err != nil {
		return m, ok, err
	}
	return m, true, json.Unmarshal(b, &m)
}

func (a crawlFrontier) SetPage(ctx context.Context, source, url string, m crawler.PageMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return a.f.SetPage(ctx, source, url, b)
}

func TestFrontierContract(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			frontiertest.Test(t, func(t *testing.T, clk *clock.Fake) crawler.Frontier {
				e := newEnv(t, b, func(c *Config) { c.Clock = clk })
				return crawlFrontier{e.s.Frontier()}
			})
		})
	}
}

func TestFrontierDropsOldCycles(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		f := e.s.Frontier()
		f.Push(ctx, "src{odd}", 1, 0, CrawlTask{URL: "https://a.example/1"})
		f.Push(ctx, "src{odd}", 2, 0, CrawlTask{URL: "https://a.example/1"})
		if p, _, _ := f.Len(ctx, "src{odd}", 1); p != 0 {
			t.Errorf("cycle 1 still holds %d pending after cycle 2 started", p)
		}
		if p, _, _ := f.Len(ctx, "src{odd}", 2); p != 1 {
			t.Errorf("cycle 2 holds %d pending, want 1", p)
		}
	})
}
