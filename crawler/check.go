package crawler

import (
	"context"
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/recruitscan/recruitscan"
)

// CheckReport shows what a source's selectors and readers extract from
// one page (and, for listing pages with ad links, from the first detail
// page), so that an analyst can write selectors without guessing.
type CheckReport struct {
	SourceID string       `json:"source_id"`
	Pages    []PageReport `json:"pages"`
}

// PageReport is one fetched page of a check.
type PageReport struct {
	URL         string           `json:"url"`
	FinalURL    string           `json:"final_url,omitempty"`
	Status      int              `json:"status,omitempty"`
	ContentType string           `json:"content_type,omitempty"`
	Bytes       int              `json:"bytes"`
	Kind        Kind             `json:"kind"`
	Error       string           `json:"error,omitempty"`
	Selectors   []SelectorReport `json:"selectors,omitempty"`
	Links       []Task           `json:"links,omitempty"`
	Ads         []recruitscan.Ad `json:"ads,omitempty"`
}

// SelectorReport is one selector's matches on a page.
type SelectorReport struct {
	Field    string   `json:"field"`
	Selector string   `json:"selector"`
	Matches  int      `json:"matches"`
	Samples  []string `json:"samples,omitempty"` // first matches' plain text, cut short
}

const checkSamples = 3

// Check fetches the first entry URL of src (which need not be one of the
// Crawler's sources) and reports what it yields, without touching the
// frontier or the sink. robots.txt, the network guard and the limits
// apply as in a crawl. The error is for an invalid source; fetch failures
// are reported in the page's Error.
func (c *Crawler) Check(ctx context.Context, s recruitscan.Source) (CheckReport, error) {
	src, errs := newSource(&c.cfg, s)
	if len(errs) > 0 {
		return CheckReport{}, fmt.Errorf("check %s: %w", s.ID, errs[0])
	}
	rep := CheckReport{SourceID: s.ID}
	f := newFetcher(ctx, &c.cfg, src)
	defer f.close()
	x := &extractor{src: src, sel: src.sel}
	pr, ex := c.checkPage(ctx, f, x, src.entries[0])
	rep.Pages = append(rep.Pages, pr)
	if src.Type == recruitscan.SourceHTML || src.Type == recruitscan.SourceSitemap {
		for _, l := range ex.links {
			if l.Kind == KindDetail {
				dr, _ := c.checkPage(ctx, f, x, l)
				rep.Pages = append(rep.Pages, dr)
				break
			}
		}
	}
	return rep, nil
}

func (c *Crawler) checkPage(ctx context.Context, f *fetcher, x *extractor, t Task) (PageReport, extraction) {
	pr := PageReport{URL: t.URL, Kind: t.Kind}
	p, err := f.fetch(ctx, t, nil)
	pr.Status, pr.ContentType, pr.Bytes = p.Status, p.ContentType, len(p.Body)
	if p.FinalURL != nil {
		pr.FinalURL = p.FinalURL.String()
	}
	if err != nil {
		pr.Error = err.Error()
		return pr, extraction{}
	}
	ex, err := x.page(p)
	if err != nil {
		pr.Error = err.Error()
	}
	pr.Links = ex.links
	for _, ad := range ex.ads {
		ad.Evidence = nil // the raw page is not what the analyst wants here
		pr.Ads = append(pr.Ads, ad)
	}
	if t.Kind == KindListing || t.Kind == KindDetail {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(decode(p.Body, p.ContentType)))
		if err == nil {
			pr.Selectors = selectorReports(x.src.Selectors, doc)
		}
	}
	return pr, ex
}

func selectorReports(sel recruitscan.Selectors, doc *goquery.Document) []SelectorReport {
	var out []SelectorReport
	for _, f := range []struct{ name, sel string }{
		{"card", sel.Card}, {"ad_links", sel.AdLinks}, {"next_page", sel.NextPage},
		{"title", sel.Title}, {"body", sel.Body}, {"posted", sel.Posted},
		{"employer", sel.Employer}, {"location", sel.Location}, {"salary", sel.Salary},
		{"contact", sel.Contact},
	} {
		if f.sel == "" {
			continue
		}
		m := doc.Find(f.sel)
		r := SelectorReport{Field: f.name, Selector: f.sel, Matches: m.Length()}
		m.EachWithBreak(func(i int, s *goquery.Selection) bool {
			text := oneLine(plainText(s))
			if href, ok := s.Attr("href"); ok && (f.name == "ad_links" || f.name == "next_page") {
				text = href
			}
			r.Samples = append(r.Samples, firstLine(text, 100))
			return i+1 < checkSamples
		})
		out = append(out, r)
	}
	return out
}
