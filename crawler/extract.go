package crawler

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/recruitscan/recruitscan"
)

// extraction is what one page yields: ads and further pages to fetch.
type extraction struct {
	ads   []recruitscan.Ad
	links []Task
}

// extractor reads pages of one source.
type extractor struct {
	src *source
	sel matchers
}

// html reads an html page (listing or detail) of an html or sitemap source.
func (x *extractor) html(p *page, doc *goquery.Document) extraction {
	var out extraction
	base := baseURL(p, doc)
	next := p.Task.Depth + 1
	if x.sel.nextPage != nil {
		out.links = append(out.links, x.links(doc, base, x.sel.nextPage, KindListing, next)...)
	}
	switch {
	case x.sel.card != nil:
		doc.FindMatcher(x.sel.card).Each(func(i int, card *goquery.Selection) {
			if ad, ok := x.card(p, base, card, i); ok {
				out.ads = append(out.ads, ad)
			}
		})
	case p.Task.Kind == KindListing && x.sel.adLinks != nil:
		out.links = append(out.links, x.links(doc, base, x.sel.adLinks, KindDetail, next)...)
	default:
		// A detail page, or an entry page of a source with no listing
		// selectors: the page is one ad, unless its JSON-LD lists several.
		// Indeed's embedded job cards likewise.
		ld := x.jsonLD(p, base, doc)
		listing := p.Task.Kind == KindListing
		var cards []recruitscan.Ad
		if listing && len(ld) <= 1 {
			cards = x.indeed(p, base, doc)
		}
		switch {
		case listing && len(ld) > 1:
			out.ads = ld
		case len(cards) > 0:
			out.ads = cards
		default:
			if ad, ok := x.detail(p, doc, ld); ok {
				out.ads = append(out.ads, ad)
			}
		}
		return out
	}
	if len(out.ads) == 0 {
		out.ads = append(out.ads, x.jsonLD(p, base, doc)...)
	}
	if len(out.ads) == 0 {
		out.ads = append(out.ads, x.indeed(p, base, doc)...)
	}
	return out
}

// baseURL is the page's final URL, or its <base href>.
func baseURL(p *page, doc *goquery.Document) *url.URL {
	base := p.FinalURL
	if href, ok := doc.Find("base[href]").Attr("href"); ok {
		if u, err := base.Parse(strings.TrimSpace(href)); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			base = u
		}
	}
	return base
}

func (x *extractor) links(doc *goquery.Document, base *url.URL, sel goquery.Matcher, kind Kind, depth int) []Task {
	var out []Task
	seen := map[string]bool{}
	doc.FindMatcher(sel).Each(func(_ int, s *goquery.Selection) {
		href, ok := s.Attr("href")
		if !ok {
			href, ok = s.Find("a[href]").First().Attr("href")
		}
		if u := resolveRef(base, href); ok && u != "" && !seen[u] {
			seen[u] = true
			out = append(out, Task{URL: u, Kind: kind, Depth: depth})
		}
	})
	return out
}

// detail reads one ad from a detail page: the field selectors, filled in
// from JSON-LD, then from the page's generic title and main text.
func (x *extractor) detail(p *page, doc *goquery.Document, ld []recruitscan.Ad) (recruitscan.Ad, bool) {
	ad := x.newAd(p, p.Task.URL)
	x.fields(&ad, doc.Selection)
	if len(ld) > 0 {
		fillFrom(&ad, ld[0])
	}
	if ad.Title == "" && x.sel.title == nil {
		ad.Title = firstText(doc.Find("h1"), doc.Find("title"))
	}
	if ad.Body == "" && x.sel.body == nil {
		ad.Body = plainText(firstSel(doc.Find("main"), doc.Find("article"), doc.Find("body")))
	}
	return ad, ad.Title != "" || ad.Body != ""
}

// card reads one ad from a listing card.
func (x *extractor) card(p *page, base *url.URL, card *goquery.Selection, i int) (recruitscan.Ad, bool) {
	link := ""
	if x.sel.adLinks != nil {
		s := card.FindMatcher(x.sel.adLinks).AddSelection(card.FilterMatcher(x.sel.adLinks)).First()
		link = resolveRef(base, attrOr(s, "href", attrOr(s.Find("a[href]").First(), "href", "")))
	}
	if link == "" {
		link = resolveRef(base, attrOr(card.Find("a[href]").First(), "href", attrOr(card, "href", "")))
	}
	ad := x.newAd(p, link)
	x.fields(&ad, card)
	if ad.Title == "" && ad.Body == "" {
		return ad, false
	}
	if link == "" {
		// A card without a link: key it by page and content, so the same
		// card on the same page keeps its id.
		ad.URL = p.Task.URL
		ad.ID = recruitscan.AdID(x.src.ID, p.Task.URL+"#"+shortHash(ad.Title+"\x00"+ad.Body))
	}
	return ad, true
}

// fields applies the field selectors inside root.
func (x *extractor) fields(ad *recruitscan.Ad, root *goquery.Selection) {
	m := x.sel
	first := func(sel goquery.Matcher) string { return oneLine(plainText(root.FindMatcher(sel).First())) }
	if m.title != nil {
		ad.Title = first(m.title)
	}
	if m.body != nil {
		ad.Body = plainText(root.FindMatcher(m.body))
	}
	if m.employer != nil {
		ad.Employer = first(m.employer)
	}
	if m.location != nil {
		ad.Location = first(m.location)
	}
	if m.salary != nil {
		ad.Salary = first(m.salary)
	}
	if m.contact != nil {
		ad.Contact = contactText(root.FindMatcher(m.contact))
	}
	if m.posted != nil {
		ad.PostedAt = postedAt(root.FindMatcher(m.posted).First())
	}
}

// contactText is the text of the contact elements plus the targets of
// their tel:, mailto: and messenger links (buttons often say only "Apply").
func contactText(sel *goquery.Selection) string {
	text := plainText(sel)
	parts := []string{text}
	sel.Find("a[href]").AddSelection(sel.Filter("a[href]")).Each(func(_ int, a *goquery.Selection) {
		if v := contactTarget(attrOr(a, "href", "")); v != "" && !strings.Contains(text, v) {
			parts = append(parts, v)
		}
	})
	return tidy(strings.Join(parts, "\n"))
}

// contactTarget is what a contact link points at: the number or address
// of a tel:, mailto: or whatsapp: link, or a wa.me / t.me link as is.
func contactTarget(href string) string {
	lower := strings.ToLower(strings.TrimSpace(href))
	for _, scheme := range []string{"tel:", "mailto:", "whatsapp:"} {
		if strings.HasPrefix(lower, scheme) {
			v, _, _ := strings.Cut(strings.TrimSpace(href)[len(scheme):], "?")
			return v
		}
	}
	if strings.HasPrefix(lower, "https://wa.me/") || strings.HasPrefix(lower, "https://t.me/") {
		return strings.TrimSpace(href)
	}
	return ""
}

func (x *extractor) newAd(p *page, canonicalURL string) recruitscan.Ad {
	return recruitscan.Ad{
		ID:       recruitscan.AdID(x.src.ID, canonicalURL),
		SourceID: x.src.ID,
		URL:      canonicalURL,
		Evidence: evidence(p),
	}
}

// keptHeaders are the response headers kept as evidence.
var keptHeaders = []string{
	"Content-Type", "Content-Length", "Content-Language", "Date", "Last-Modified",
	"ETag", "Server", "Cache-Control", "X-Robots-Tag", "Location",
}

func evidence(p *page) *recruitscan.Evidence {
	h := map[string]string{}
	for _, k := range keptHeaders {
		if v := p.Header.Get(k); v != "" {
			h[k] = v
		}
	}
	return &recruitscan.Evidence{
		RequestURL:  p.RequestURL,
		FinalURL:    p.FinalURL.String(),
		Redirects:   p.Redirects,
		FetchedAt:   p.FetchedAt,
		Status:      p.Status,
		Headers:     h,
		ContentType: p.ContentType,
		BodySHA256:  p.sha256(),
		RawBody:     p.Body,
	}
}

func fillFrom(ad *recruitscan.Ad, o recruitscan.Ad) {
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&ad.Title, o.Title}, {&ad.Body, o.Body}, {&ad.Employer, o.Employer},
		{&ad.Location, o.Location}, {&ad.Salary, o.Salary},
	} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
	if ad.PostedAt.IsZero() {
		ad.PostedAt = o.PostedAt
	}
}

func attrOr(s *goquery.Selection, name, def string) string {
	if v, ok := s.Attr(name); ok {
		return v
	}
	return def
}

func firstSel(sels ...*goquery.Selection) *goquery.Selection {
	for _, s := range sels {
		if s.Length() > 0 {
			return s.First()
		}
	}
	return sels[len(sels)-1]
}

func firstText(sels ...*goquery.Selection) string {
	for _, s := range sels {
		if t := oneLine(plainText(s.First())); t != "" {
			return t
		}
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

// postedAt reads a date from an element: its datetime or content
// attribute, else a date found in its text.
func postedAt(s *goquery.Selection) time.Time {
	for _, a := range []string{"datetime", "content", "title"} {
		if v, ok := s.Attr(a); ok {
			if t := parseDate(v); !t.IsZero() {
				return t
			}
		}
	}
	if t := parseDate(attrOr(s.Find("time[datetime]").First(), "datetime", "")); !t.IsZero() {
		return t
	}
	return parseDate(plainText(s))
}

var dateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02",
	time.RFC1123Z, time.RFC1123, time.RFC822Z, time.RFC822, "Mon, 2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006", "02 Jan 2006", "Jan 2, 2006", "January 2, 2006", "2 January 2006",
}

var isoDate = regexp.MustCompile(`\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?`)

// parseDate understands the usual feed and page date forms, and finds an
// ISO date inside text such as "Posted : 2025-10-18"; zero when none.
func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	if m := isoDate.FindString(s); m != "" && m != s {
		return parseDate(m)
	}
	return time.Time{}
}
