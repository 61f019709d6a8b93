package demoworld

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/temoto/robotstxt"
	"golang.org/x/net/html/charset"

	"github.com/recruitscan/recruitscan"
)

// refCrawl is a small reference crawler used to check that the world's
// markup, selectors and Expected numbers agree. It follows only what a
// Source says (entry URLs, NextPage, AdLinks, Card; the t.me "more" link;
// feed items), honours robots.txt and stops at MaxPages.
type refCrawl struct {
	t      *testing.T
	robots *robotstxt.RobotsData
	seen   map[string]bool
	pages  map[string]int // source id → pages fetched
	denied int
	ads    []found
}

var dateText = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)

// found is one ad as the reference crawl extracted it.
type found struct {
	source, url, title, body, employer, contact string
}

func newRefCrawl(t *testing.T, w *World) *refCrawl {
	t.Helper()
	body, _ := get(t, w.URL()+"/robots.txt")
	robots, err := robotstxt.FromBytes(body)
	if err != nil {
		t.Fatalf("parse robots.txt: %v", err)
	}
	return &refCrawl{t: t, robots: robots, seen: map[string]bool{}, pages: map[string]int{}}
}

// link is a URL to fetch and whether it is a detail page.
type link struct {
	url    string
	detail bool
}

// run crawls every source to the end.
func (c *refCrawl) run(srcs []recruitscan.Source) {
	for _, s := range srcs {
		var queue []link
		for _, u := range s.URLs {
			queue = append(queue, link{url: u})
		}
		for len(queue) > 0 {
			l := queue[0]
			queue = queue[1:]
			if c.seen[l.url] {
				continue
			}
			if c.pages[s.ID] >= s.MaxPages {
				c.t.Fatalf("source %s: more than MaxPages=%d pages: pagination does not terminate", s.ID, s.MaxPages)
			}
			c.seen[l.url] = true
			c.pages[s.ID]++
			queue = append(queue, c.visit(s, l)...)
		}
	}
}

// visit fetches one page of s and returns the links to follow.
func (c *refCrawl) visit(s recruitscan.Source, l link) []link {
	body, ctype := get(c.t, l.url)
	if s.Type == recruitscan.SourceFeed {
		c.feed(s, body)
		return nil
	}
	r, err := charset.NewReader(strings.NewReader(string(body)), ctype)
	if err != nil {
		c.t.Fatalf("%s: charset: %v", l.url, err)
	}
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		c.t.Fatalf("%s: parse: %v", l.url, err)
	}
	switch {
	case s.Type == recruitscan.SourceTelegram:
		return c.telegram(s, l.url, doc)
	case l.detail:
		c.ads = append(c.ads, c.fields(s, l.url, doc.Selection))
		return nil
	}
	return c.listing(s, l.url, doc)
}

// listing reads a listing page: cards when the source has Card (a card's
// AdLinks match is its URL), otherwise AdLinks to detail pages; and the
// next page.
func (c *refCrawl) listing(s recruitscan.Source, u string, doc *goquery.Document) []link {
	sel := s.Selectors
	var next []link
	if sel.Card != "" {
		doc.Find(sel.Card).Each(func(_ int, card *goquery.Selection) {
			adURL := u
			if href, ok := card.Find(sel.AdLinks).Attr("href"); ok {
				adURL = c.follow(u, href)
			}
			c.ads = append(c.ads, c.fields(s, adURL, card))
		})
	} else {
		doc.Find(sel.AdLinks).Each(func(_ int, a *goquery.Selection) {
			if v := c.follow(u, a.AttrOr("href", "")); v != "" {
				next = append(next, link{url: v, detail: true})
			}
		})
	}
	doc.Find(sel.NextPage).Each(func(_ int, a *goquery.Selection) {
		if v := c.follow(u, a.AttrOr("href", "")); v != "" {
			next = append(next, link{url: v})
		}
	})
	return next
}

// follow resolves href against page u; "" when robots.txt denies it.
func (c *refCrawl) follow(u, href string) string {
	base, _ := url.Parse(u)
	ref, err := base.Parse(href)
	if err != nil {
		c.t.Fatalf("%s: bad link %q: %v", u, href, err)
	}
	if !c.robots.TestAgent(ref.RequestURI(), "recruitscan") {
		if !c.seen["denied:"+ref.String()] {
			c.seen["denied:"+ref.String()] = true
			c.denied++
		}
		return ""
	}
	return ref.String()
}

func (c *refCrawl) fields(s recruitscan.Source, u string, sel *goquery.Selection) found {
	text := func(css string) string { return strings.TrimSpace(sel.Find(css).First().Text()) }
	f := found{source: s.ID, url: u, title: text(s.Selectors.Title), body: text(s.Selectors.Body),
		employer: text(s.Selectors.Employer), contact: text(s.Selectors.Contact)}
	if f.title == "" || f.body == "" {
		c.t.Errorf("%s: ad without title or body: %+v", u, f)
	}
	posted := sel.Find(s.Selectors.Posted).First()
	if _, ok := posted.Attr("datetime"); !ok && !dateText.MatchString(posted.Text()) {
		c.t.Errorf("%s: ad %q has no date", u, f.title)
	}
	return f
}

func (c *refCrawl) telegram(s recruitscan.Source, u string, doc *goquery.Document) []link {
	doc.Find(".tgme_widget_message[data-post]").Each(func(_ int, m *goquery.Selection) {
		text := strings.TrimSpace(m.Find(".tgme_widget_message_text").Text())
		title, body, _ := strings.Cut(text, "\n")
		link, _ := m.Find("a.tgme_widget_message_date").Attr("href")
		if _, ok := m.Find("time[datetime]").Attr("datetime"); !ok {
			c.t.Errorf("%s: post %s has no time", u, m.AttrOr("data-post", ""))
		}
		c.ads = append(c.ads, found{source: s.ID, url: c.follow(u, link), title: title, body: body})
	})
	var next []link
	doc.Find("a.tme_messages_more[data-before]").Each(func(_ int, a *goquery.Selection) {
		if v := c.follow(u, a.AttrOr("href", "")); v != "" {
			next = append(next, link{url: v})
		}
	})
	return next
}

type rssDoc struct {
	Items []struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
		PubDate     string `xml:"pubDate"`
	} `xml:"channel>item"`
}

func (c *refCrawl) feed(s recruitscan.Source, body []byte) {
	var doc rssDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		c.t.Fatalf("feed: %v", err)
	}
	for _, it := range doc.Items {
		if it.PubDate == "" || it.Link == "" {
			c.t.Errorf("feed item %q: no pubDate or link", it.Title)
		}
		c.ads = append(c.ads, found{source: s.ID, url: it.Link, title: it.Title, body: it.Description})
	}
}

// get fetches u and fails the test unless it answers 200.
func get(t *testing.T, u string) ([]byte, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, %v", u, resp.StatusCode, err)
	}
	return body, resp.Header.Get("Content-Type")
}

func startWorld(t *testing.T) *World {
	t.Helper()
	w, err := Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w
}

// TestCrawlAgreesWithExpected crawls the world the way the Sources say and
// checks that pages, ads per source and language, risky counts and robots
// denials agree with Expected, and that every ad is found with its exact
// title, body and URL.
func TestCrawlAgreesWithExpected(t *testing.T) {
	w := startWorld(t)
	c := newRefCrawl(t, w)
	c.run(w.Sources())
	exp := w.Expected()

	total := 0
	for id, n := range c.pages {
		total += n
		if n != exp.PagesBySource[id] {
			t.Errorf("source %s: crawled %d pages, Expected says %d", id, n, exp.PagesBySource[id])
		}
	}
	if total != exp.Pages || c.denied != exp.RobotsDenied {
		t.Errorf("crawled %d pages, %d robots-denied; Expected says %d, %d", total, c.denied, exp.Pages, exp.RobotsDenied)
	}
	got := tally(t, w.Ads(), c.ads)
	want := fmt.Sprint(exp.Ads, exp.AdsBySource, exp.AdsByLang, exp.Risky, exp.RiskyByLang)
	if got != want {
		t.Errorf("crawl found (ads, by source, by lang, risky, risky by lang)\n%s\nExpected says\n%s", got, want)
	}
}

// tally matches crawled ads to the data by URL and title, checks their
// text, and returns the counts in Expected's shape.
func tally(t *testing.T, ads []Ad, crawled []found) string {
	byKey := map[string]Ad{}
	for _, a := range ads {
		byKey[a.URL+"\x00"+a.Title] = a
	}
	matched := map[string]bool{}
	n, bySrc, byLang, risky, riskyLang := 0, map[string]int{}, map[string]int{}, 0, map[string]int{}
	for _, f := range crawled {
		a, ok := byKey[f.url+"\x00"+f.title]
		if !ok {
			t.Errorf("%s: crawled ad %q is not in the data at that URL", f.url, f.title)
			continue
		}
		if matched[a.ID] {
			t.Errorf("ad %s found twice", a.ID)
		}
		matched[a.ID] = true
		if f.body != a.Body || f.source != a.SourceID {
			t.Errorf("ad %s: crawled body/source differ:\n got %q (%s)\nwant %q (%s)", a.ID, f.body, f.source, a.Body, a.SourceID)
		}
		if f.source != TelegramSourceID && f.source != FeedSourceID && (f.employer != a.Employer || f.contact != a.Contact) {
			t.Errorf("ad %s: employer/contact %q/%q, want %q/%q", a.ID, f.employer, f.contact, a.Employer, a.Contact)
		}
		n++
		bySrc[a.SourceID]++
		byLang[a.Lang]++
		if a.Risky() {
			risky++
			riskyLang[a.Lang]++
		}
	}
	return fmt.Sprint(n, bySrc, byLang, risky, riskyLang)
}
