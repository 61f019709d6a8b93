package main

import (
	"context"
	"sync/atomic"

	"github.com/gocolly/colly/v2"
	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
)

// countSink counts ads and drops them.
type countSink struct{ n atomic.Int64 }

func (s *countSink) Emit(context.Context, recruitscan.Ad) error {
	s.n.Add(1)
	return nil
}

// crawlRecruitscan crawls the site with the recruitscan crawler: robots.txt
// checked, guard, frontier, canonical URLs, evidence, plain-text fields.
func crawlRecruitscan(url string, pages, parallel int) (int, error) {
	c, err := crawler.New(crawler.Config{
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
