package crawler

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/recruitscan/recruitscan"
)

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	Description string `xml:"description"`
	Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	PubDate     string `xml:"pubDate"`
	Date        string `xml:"http://purl.org/dc/elements/1.1/ date"`
	Creator     string `xml:"http://purl.org/dc/elements/1.1/ creator"`
	Author      string `xml:"author"`
	Region      string `xml:"region"`
	Location    string `xml:"location"`
}

type atomEntry struct {
	Title string `xml:"title"`
	ID    string `xml:"id"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Published string `xml:"published"`
	Updated   string `xml:"updated"`
	Summary   string `xml:"summary"`
	Content   string `xml:"content"`
	Author    struct {
		Name string `xml:"name"`
	} `xml:"author"`
}

type feedDoc struct {
	XMLName xml.Name
	Channel struct {
		Items []rssItem `xml:"item"`
	} `xml:"channel"`
	Items   []rssItem   `xml:"item"`  // RSS 1.0 (RDF) puts items at the root
	Entries []atomEntry `xml:"entry"` // Atom
}

// xmlDecoder reads text already decoded to UTF-8 (see decode): the
// declaration's encoding label is accepted as is.
func xmlDecoder(text string) *xml.Decoder {
	d := xml.NewDecoder(strings.NewReader(text))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d
}

// feed reads an RSS or Atom document: each item is an ad.
func (x *extractor) feed(p *page, text string) (extraction, error) {
	var doc feedDoc
	if err := xmlDecoder(text).Decode(&doc); err != nil {
		return extraction{}, fmt.Errorf("parse feed %s: %w", p.FinalURL, err)
	}
	var out extraction
	for _, it := range append(doc.Channel.Items, doc.Items...) {
		body := orDefault(it.Content, it.Description)
		ad := x.itemAd(p, it.Link, it.GUID, it.Title, body)
		ad.PostedAt = parseDate(orDefault(it.PubDate, it.Date))
		ad.Employer = oneLine(orDefault(it.Creator, it.Author))
		ad.Location = oneLine(orDefault(it.Region, it.Location))
		out.ads = append(out.ads, ad)
	}
	for _, e := range doc.Entries {
		link := ""
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				link = l.Href
				break
			}
		}
		ad := x.itemAd(p, link, e.ID, e.Title, orDefault(e.Content, e.Summary))
		ad.PostedAt = parseDate(orDefault(e.Published, e.Updated))
		ad.Employer = oneLine(e.Author.Name)
		out.ads = append(out.ads, ad)
	}
	return out, nil
}

func (x *extractor) itemAd(p *page, link, guid, title, body string) recruitscan.Ad {
	key := resolveRef(p.FinalURL, link)
	if key == "" {
		key = p.Task.URL + "#" + strings.TrimSpace(orDefault(guid, shortHash(title+"\x00"+body)))
	}
	ad := x.newAd(p, key)
	ad.Title = oneLine(htmlText(title))
	ad.Body = htmlText(body)
	return ad
}

type sitemapDoc struct {
	XMLName  xml.Name
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
	URLs []struct {
		Loc string `xml:"loc"`
	} `xml:"url"`
}

// sitemap reads a sitemap index (more sitemaps) or a urlset (ad pages,
// those matching the source's AdURLPattern when it has one).
func (x *extractor) sitemap(p *page, text string) (extraction, error) {
	var doc sitemapDoc
	if err := xmlDecoder(text).Decode(&doc); err != nil {
		return extraction{}, fmt.Errorf("parse sitemap %s: %w", p.FinalURL, err)
	}
	var out extraction
	for _, s := range doc.Sitemaps {
		if u := resolveRef(p.FinalURL, s.Loc); u != "" {
			out.links = append(out.links, Task{URL: u, Kind: KindSitemap, Depth: p.Task.Depth + 1})
		}
	}
	for _, s := range doc.URLs {
		u := resolveRef(p.FinalURL, s.Loc)
		if u == "" || (x.src.adURL != nil && !x.src.adURL.MatchString(u)) {
			continue
		}
		out.links = append(out.links, Task{URL: u, Kind: KindDetail, Depth: p.Task.Depth + 1})
	}
	return out, nil
}

// telegram reads a channel's web preview (t.me/s/<channel>): each post is
// an ad keyed by its post URL; the "older posts" link is the next page.
func (x *extractor) telegram(p *page, doc *goquery.Document) extraction {
	var out extraction
	base := baseURL(p, doc)
	channel := oneLine(plainText(doc.Find(".tgme_channel_info_header_title").First()))
	doc.Find(".tgme_widget_message[data-post]").Each(func(_ int, m *goquery.Selection) {
		post, _ := m.Attr("data-post")
		link := resolveRef(base, attrOr(m.Find("a.tgme_widget_message_date").First(), "href", ""))
		if link == "" {
			link = resolveRef(base, "https://t.me/"+post)
		}
		ad := x.newAd(p, link)
		text := plainText(m.Find(".tgme_widget_message_text").First())
		ad.Title, ad.Body = splitPost(text)
		ad.Employer = orDefault(oneLine(plainText(m.Find(".tgme_widget_message_owner_name").First())), channel)
		ad.PostedAt = parseDate(attrOr(m.Find(".tgme_widget_message_date time[datetime]").First(), "datetime", ""))
		if ad.Body != "" {
			out.ads = append(out.ads, ad)
		}
	})
	more := attrOr(doc.Find("a.tme_messages_more[data-before]").First(), "href", "")
	if more == "" {
		more = attrOr(doc.Find(`link[rel="prev"]`).First(), "href", "")
	}
	if u := resolveRef(base, more); u != "" {
		out.links = append(out.links, Task{URL: u, Kind: KindListing, Depth: p.Task.Depth + 1})
	}
	return out
}

// splitPost makes a post's first line its title and the rest its body
// (all of it when it is one line).
func splitPost(text string) (title, body string) {
	title = firstLine(text, 120)
	first, rest, ok := strings.Cut(text, "\n")
	if !ok || title != first {
		return title, text
	}
	return title, strings.TrimSpace(rest)
}

// firstLine is the first line of s, cut at n runes on a word boundary.
func firstLine(s string, n int) string {
	line, _, _ := strings.Cut(s, "\n")
	r := []rune(line)
	if len(r) <= n {
		return line
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

var feedRoot = regexp.MustCompile(`<(rss|feed|rdf:RDF|RDF)[\s>]`)

// looksLikeFeed tells a feed from a sitemap or page by its root element.
func looksLikeFeed(body []byte) bool {
	return feedRoot.Match(body[:min(len(body), 4096)])
}
