package main

import (
	"context"
	"sort"

	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/review"
)

// sourceStatus feeds the operator view from the crawler's live counters.
func sourceStatus(cr *crawler.Crawler) func(context.Context) ([]review.SourceStatus, error) {
	return func(context.Context) ([]review.SourceStatus, error) {
		p := cr.Progress()
		out := make([]review.SourceStatus, 0, len(p))
		for id, s := range p {
			out = append(out, review.SourceStatus{ID: id, LastCrawl: s.Finished, Pages: s.Pages, Ads: s.Ads, Errors: s.Errors, ErrorKinds: s.ErrorKinds})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out, nil
	}
}
