package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/pipeline"
	"github.com/recruitscan/recruitscan/store"
)

// countSink counts ads and drops them.
type countSink struct{ n atomic.Int64 }

func (s *countSink) Emit(context.Context, recruitscan.Ad) error {
	s.n.Add(1)
	return nil
}

// crawlRecruitscan crawls the site with the recruitscan crawler: robots.txt
// checked, guard, frontier, canonical URLs, evidence, plain-text fields.
// With redis set it keeps the frontier in Redis (REDIS_URL, default the
// local server), as crawl workers do in production: the process then holds
// no per-page state, so its memory stays flat as the site grows.
func crawlRecruitscan(url string, pages, parallel int, redis bool) (int, error) {
	var frontier crawler.Frontier
	if redis {
		f, cleanup, err := redisFrontier()
		if err != nil {
			return 0, err
		}
		defer cleanup()
		frontier = f
	}
	c, err := crawler.New(crawler.Config{
		Frontier: frontier,
		Sources: []recruitscan.Source{{
			ID: "bench", Type: recruitscan.SourceHTML, URLs: []string{url + "/list/0"}, AllowPrivate: true,
			Parallel: parallel, MaxPages: pages + 10, MaxDepth: pages,
			Selectors: recruitscan.Selectors{AdLinks: "a.j", NextPage: "a.next", Title: "h1.t", Body: ".d"},
		}},
		Sink:         &countSink{},
		DefaultDelay: -1,
	})
	if err != nil {
		return 0, err
	}
	st, err := c.RunOnce(context.Background())
	return st.Sources["bench"].Pages, err
}

// crawlColly is the baseline: a bare async Colly collector following the
// same links at the same parallelism and reading the same fields.
func crawlColly(url string, parallel int) (int, error) {
	c := colly.NewCollector(colly.Async(true))
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallel}); err != nil {
		return 0, err
	}
	var pages atomic.Int64
	var titles atomic.Int64
	c.OnResponse(func(*colly.Response) { pages.Add(1) })
	c.OnHTML("a.j[href], a.next[href]", func(e *colly.HTMLElement) { e.Request.Visit(e.Attr("href")) })
	c.OnHTML("h1.t", func(e *colly.HTMLElement) {
		if e.Text != "" && e.DOM.Parent().Find(".d").Text() != "" {
			titles.Add(1)
		}
	})
	if err := c.Visit(url + "/list/0"); err != nil {
		return 0, err
	}
	c.Wait()
	return int(pages.Load()), nil
}

// redisFrontier is the store's Redis frontier under a fresh key prefix,
// removed afterwards.
func redisFrontier() (crawler.Frontier, func(), error) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := store.Connect(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	prefix := fmt.Sprintf("crawlbench%d", time.Now().UnixNano())
	st, err := store.New(store.Config{Client: c, Prefix: prefix})
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, "*"+prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Unlink(ctx, iter.Val())
		}
		c.Close()
	}
	return pipeline.CrawlFrontier(st.Frontier()), cleanup, nil
}
