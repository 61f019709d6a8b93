package demoworld

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"
)

//go:embed templates/*.html
var templateFS embed.FS

// Site names and layout constants.
const (
	boardName     = "Wazifa Board (demo)"
	souqName      = "Souq Dalal classifieds (demo)"
	feedName      = "Overseas Jobs Wire (demo)"
	feedPath      = "/feed/jobs.rss"
	legacyName    = "وظائف العرب (demo)"
	legacyRoot    = "/wazaif"
	legacyPerPage = 4
	boardPerPage  = 8
	souqPerPage   = 6
	tgPerPage     = 8
	robotsTrap    = "/admin/drafts/featured-job"
)

// souqCategories are the classifieds categories in their Arabic names, as
// on Haraj or OpenSooq.
var souqCategories = map[string]string{"jobs": "وظائف", "domestic": "خدمات منزلية"}

// reserved path segments that a telegram channel name must not take.
var reserved = []string{"admin", "board", "feed", "s", "souq", "wazaif", "robots.txt"}

const robotsTxt = `# Demo world: crawlers are welcome on the ad pages, not in the console.
User-agent: *
Disallow: /admin/
Disallow: /souq/search
Allow: /
`

// renderer lays the ads out and renders the pages of every site.
type renderer struct {
	base         string
	tmpl         *template.Template
	pages        map[string]*page
	robotsDenied int
}

func newRenderer(base string) *renderer {
	funcs := template.FuncMap{
		"lines":   func(s string) []string { return strings.Split(s, "\n") },
		"isodate": func(t time.Time) string { return t.Format(time.RFC3339) },
		"day":     func(t time.Time) string { return t.Format("2006-01-02") },
		"hhmm":    func(t time.Time) string { return t.Format("15:04") },
		"stamp":   func(t time.Time) string { return t.Format("2006-01-02 15:04:05") },
		"dir":     textDir,
		"catname": func(c string) string { return souqCategories[c] },
		"rel":     func(p string) string { return strings.TrimPrefix(p, legacyRoot+"/") },
		"jobpath": legacyJobPath,
	}
	t := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	return &renderer{base: base, tmpl: t, pages: map[string]*page{}}
}

// textDir is the dir attribute of a language's text.
func textDir(lang string) string {
	if lang == "ar" || lang == "ur" {
		return "rtl"
	}
	return "auto"
}

// renderAll fills in the ads' URLs and source ids and renders every page.
func (r *renderer) renderAll(ads []Ad) (map[string]*page, error) {
	r.add("/robots.txt", "text/plain; charset=utf-8", []byte(robotsTxt), "")
	steps := []func([]Ad) error{r.renderBoard, r.renderSouq, r.renderLegacy, r.renderTelegram, r.renderFeed, r.renderIndex}
	for _, step := range steps {
		if err := step(ads); err != nil {
			return nil, err
		}
	}
	return r.pages, nil
}

func (r *renderer) add(path, ctype string, body []byte, source string) {
	r.pages[path] = &page{ctype: ctype, body: body, source: source}
}

func (r *renderer) html(path, name string, data any, source string) error {
	var b bytes.Buffer
	if err := r.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	r.add(path, "text/html; charset=utf-8", b.Bytes(), source)
	return nil
}

// pick returns pointers to the ads of one site that keep, sorted newest
// first (ties by id).
func pick(ads []Ad, keep func(*Ad) bool) []*Ad {
	var out []*Ad
	for i := range ads {
		if keep(&ads[i]) {
			out = append(out, &ads[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Posted.Equal(out[j].Posted) {
			return out[i].Posted.After(out[j].Posted)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// chunk splits ads into pages of n.
func chunk(ads []*Ad, n int) [][]*Ad {
	var out [][]*Ad
	for len(ads) > n {
		out = append(out, ads[:n])
		ads = ads[n:]
	}
	if len(ads) > 0 {
		out = append(out, ads)
	}
	return out
}

// listPath is the path of listing page n (1-based) under root.
func listPath(root string, n int) string {
	if n == 1 {
		return root
	}
	return fmt.Sprintf("%s?page=%d", root, n)
}

// pager is the pagination of a listing page.
type pager struct {
	Page, Pages int
	Prev, Next  string
	Links       []pageLink
}

type pageLink struct {
	N       int
	Href    string
	Current bool
}

func newPager(root string, n, total int) pager {
	p := pager{Page: n, Pages: total}
	if n > 1 {
		p.Prev = listPath(root, n-1)
	}
	if n < total {
		p.Next = listPath(root, n+1)
	}
	for i := 1; i <= total; i++ {
		p.Links = append(p.Links, pageLink{N: i, Href: listPath(root, i), Current: i == n})
	}
	return p
}

type boardList struct {
	Site  string
	Ads   []*Ad
	Pager pager
	Trap  string
}

func (r *renderer) renderBoard(ads []Ad) error {
	list := pick(ads, func(a *Ad) bool { return a.Site == SiteBoard })
	const root = "/board/jobs"
	pages := chunk(list, boardPerPage)
	for i, pg := range pages {
		data := boardList{Site: boardName, Ads: pg, Pager: newPager(root, i+1, len(pages))}
		if i == 0 {
			data.Trap = robotsTrap
			r.robotsDenied++
		}
		if err := r.html(listPath(root, i+1), "board_list.html", data, BoardSourceID); err != nil {
			return err
		}
	}
	for _, a := range list {
		path := "/board/job/" + a.ID
		a.URL, a.SourceID = r.base+path, BoardSourceID
		if err := r.detail(path, "board_job.html", a, BoardSourceID); err != nil {
			return err
		}
	}
	if err := r.html(robotsTrap, "admin.html", nil, ""); err != nil {
		return err
	}
	return r.html("/admin/", "admin.html", nil, "")
}

// detail renders an ad's detail page in its charset.
func (r *renderer) detail(path, name string, a *Ad, source string) error {
	data := struct {
		*Ad
		Charset string
		LD      jobPosting
	}{a, "utf-8", newJobPosting(a)}
	if a.Charset != "" {
		data.Charset = a.Charset
	}
	if err := r.html(path, name, data, source); err != nil {
		return err
	}
	return r.encode(path, a.Charset)
}

// jobPosting is the schema.org JobPosting that job boards embed as JSON-LD
// for search engines. html/template escapes it for the script context, so
// hostile text cannot close the script.
type jobPosting struct {
	Context     string `json:"@context"`
	Type        string `json:"@type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	DatePosted  string `json:"datePosted"`
	URL         string `json:"url"`
	Hiring      *org   `json:"hiringOrganization,omitempty"`
	Location    *place `json:"jobLocation,omitempty"`
}

type org struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type place struct {
	Type    string `json:"@type"`
	Address string `json:"address"`
}

func newJobPosting(a *Ad) jobPosting {
	jp := jobPosting{Context: "https://schema.org", Type: "JobPosting", Title: a.Title,
		Description: a.Body, DatePosted: a.Posted.Format(time.RFC3339), URL: a.URL}
	if a.Employer != "" {
		jp.Hiring = &org{Type: "Organization", Name: a.Employer}
	}
	if a.Location != "" {
		jp.Location = &place{Type: "Place", Address: a.Location}
	}
	return jp
}

// encode re-encodes a rendered page in charset ("" keeps UTF-8). Only
// windows-1256 is supported; a rune it lacks is an error naming the page.
func (r *renderer) encode(path, charset string) error {
	if charset == "" {
		return nil
	}
	pg := r.pages[path]
	enc, err := charmap.Windows1256.NewEncoder().Bytes(pg.body)
	if err != nil {
		return fmt.Errorf("render %s: encode %s: %w", path, charset, err)
	}
	pg.body, pg.ctype = enc, "text/html; charset="+charset
	return nil
}

type souqList struct {
	Site, Category, CategoryName string
	Ads                          []*Ad
	Pager                        pager
}

// renderSouq renders the classifieds: every ad is a card on its category's
// listing pages (the crawl reads cards, it fetches no detail page); an ad
// with Detail has a permalink to its own page, which is then its URL.
func (r *renderer) renderSouq(ads []Ad) error {
	for _, cat := range souqCat {
		list := pick(ads, func(a *Ad) bool { return a.Site == SiteSouq && a.Category == cat })
		root := "/souq/c/" + cat
		pages := chunk(list, souqPerPage)
		for i, pg := range pages {
			path := listPath(root, i+1)
			data := souqList{Site: souqName, Category: cat, CategoryName: souqCategories[cat], Ads: pg, Pager: newPager(root, i+1, len(pages))}
			if err := r.html(path, "souq_list.html", data, SouqSourceID); err != nil {
				return err
			}
			for _, a := range pg {
				a.URL, a.SourceID = r.base+path, SouqSourceID
			}
		}
		for _, a := range list {
			if !a.Detail {
				continue
			}
			path := "/souq/ad/" + a.ID
			a.URL = r.base + path
			if err := r.detail(path, "souq_ad.html", a, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// legacyJobPath is a legacy ad's detail page: job.php?id=<number>.
func legacyJobPath(a *Ad) string {
	return fmt.Sprintf("%s/job.php?id=%d", legacyRoot, 4800+atoiTail(a.ID))
}

// atoiTail is the number after the dash of an id like l-004.
func atoiTail(id string) int {
	_, num, _ := strings.Cut(id, "-")
	n, _ := strconv.Atoi(num)
	return n
}

type legacyList struct {
	Site  string
	Ads   []*Ad
	Pager pager
}

// renderLegacy renders the old Arabic site, every page in windows-1256,
// with relative links as such sites have.
func (r *renderer) renderLegacy(ads []Ad) error {
	list := pick(ads, func(a *Ad) bool { return a.Site == SiteLegacy })
	root := legacyRoot + "/list.php"
	pages := chunk(list, legacyPerPage)
	for i, pg := range pages {
		path := listPath(root, i+1)
		data := legacyList{Site: legacyName, Ads: pg, Pager: newPager(root, i+1, len(pages))}
		if err := r.html(path, "legacy_list.html", data, LegacySourceID); err != nil {
			return err
		}
		if err := r.encode(path, legacyCharset); err != nil {
			return err
		}
	}
	for _, a := range list {
		path := legacyJobPath(a)
		a.URL, a.SourceID = r.base+path, LegacySourceID
		if err := r.detail(path, "legacy_job.html", a, LegacySourceID); err != nil {
			return err
		}
	}
	return nil
}

type tgPage struct {
	Channel string
	Base    string
	Path    string // the page's own path and query
	Posts   []*Ad
	Before  int // the post number of the "more" link; 0 on the oldest page
}

func (r *renderer) renderTelegram(ads []Ad) error {
	for _, ch := range channels(ads) {
		for _, bad := range reserved {
			if ch == bad {
				return fmt.Errorf("render telegram: channel name %q is a reserved path", ch)
			}
		}
		if err := r.renderChannel(ch, ads); err != nil {
			return err
		}
	}
	return nil
}

// renderChannel numbers a channel's posts oldest first and renders its
// preview pages newest first: /s/<ch>, then /s/<ch>?before=<oldest shown>.
func (r *renderer) renderChannel(ch string, ads []Ad) error {
	posts := pick(ads, func(a *Ad) bool { return a.Site == SiteTelegram && a.Channel == ch })
	for i, j := 0, len(posts)-1; i < j; i, j = i+1, j-1 {
		posts[i], posts[j] = posts[j], posts[i]
	}
	for i, a := range posts {
		a.Post = 100 + 7*i
		a.URL, a.SourceID = fmt.Sprintf("%s/%s/%d", r.base, ch, a.Post), TelegramSourceID
		if err := r.html(fmt.Sprintf("/%s/%d", ch, a.Post), "tg_post.html", tgPage{Channel: ch, Base: r.base, Posts: []*Ad{a}}, ""); err != nil {
			return err
		}
	}
	path := "/s/" + ch
	for end := len(posts); end > 0; end -= tgPerPage {
		start := max(0, end-tgPerPage)
		data := tgPage{Channel: ch, Base: r.base, Path: path, Posts: posts[start:end]}
		if start > 0 {
			data.Before = posts[start].Post
		}
		if err := r.html(path, "tg_channel.html", data, TelegramSourceID); err != nil {
			return err
		}
		path = fmt.Sprintf("/s/%s?before=%d", ch, data.Before)
	}
	return nil
}

func (r *renderer) renderFeed(ads []Ad) error {
	items := pick(ads, func(a *Ad) bool { return a.Site == SiteFeed })
	feed := rss{Version: "2.0", Channel: rssChannel{
		Title: feedName, Link: r.base + "/feed/", Language: "mul",
		Description:   "Overseas job openings collected from agencies and employers (demo data, fictitious).",
		LastBuildDate: modTime.Format(time.RFC1123Z),
	}}
	for _, a := range items {
		path := "/feed/job/" + a.ID
		a.URL, a.SourceID = r.base+path, FeedSourceID
		feed.Channel.Items = append(feed.Channel.Items, rssItem{
			Title: a.Title, Link: a.URL, Description: a.Body,
			PubDate: a.Posted.Format(time.RFC1123Z), GUID: rssGUID{Value: a.URL, IsPermaLink: "true"},
			Category: a.Location,
		})
		if err := r.detail(path, "feed_item.html", a, ""); err != nil {
			return err
		}
	}
	b, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return fmt.Errorf("render %s: %w", feedPath, err)
	}
	r.add(feedPath, "application/rss+xml; charset=utf-8", append([]byte(xml.Header), b...), FeedSourceID)
	return nil
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	Description string  `xml:"description"`
	PubDate     string  `xml:"pubDate"`
	GUID        rssGUID `xml:"guid"`
	Category    string  `xml:"category,omitempty"`
}

type rssGUID struct {
	Value       string `xml:",chardata"`
	IsPermaLink string `xml:"isPermaLink,attr"`
}

// renderIndex renders the world's home page, linking every site.
func (r *renderer) renderIndex(ads []Ad) error {
	var chans []string
	for _, c := range channels(ads) {
		chans = append(chans, "/s/"+url.PathEscape(c))
	}
	data := struct {
		Board, Souq, Feed string
		Channels          []string
		Ads               int
	}{boardName, souqName, feedPath, chans, len(ads)}
	return r.html("/", "index.html", data, "")
}

func hashBytes(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:12]
}
