package main

import (
	"context"
	"fmt"
	"io"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
)

// fetchForScan fetches one page through the crawler, with all its safety
// (network guard: public addresses only; size, time and redirect caps;
// charset decoding; robots.txt) and reads it as ads: the page's schema.org
// JobPosting when it has one, else its heading and visible text. Each ad's
// id is its URL.
func fetchForScan(ctx context.Context, url string, allowPrivate bool) ([]recruitscan.Ad, error) {
	src := recruitscan.Source{ID: "scan", Type: recruitscan.SourceHTML, URLs: []string{url}, AllowPrivate: allowPrivate,
		Selectors: recruitscan.Selectors{Title: "h1, title", Body: "main, article, body"}}
	cr, err := crawler.New(crawler.Config{Sources: []recruitscan.Source{src}, Sink: discardSink{}, Logger: newLogger(io.Discard)})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", url, err)
	}
	rep, err := cr.Check(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", url, err)
	}
	var ads []recruitscan.Ad
	for _, p := range rep.Pages {
		if p.Error != "" {
			return nil, fmt.Errorf("scan %s: %s", p.URL, p.Error)
		}
		for _, ad := range p.Ads {
			ad.ID = ad.URL
			if ad.ID == "" {
				ad.ID = p.FinalURL
			}
			ads = append(ads, ad)
		}
	}
	if len(ads) == 0 {
		return nil, fmt.Errorf("scan %s: no ad text found on the page", url)
	}
	return ads, nil
}
