package demoworld

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan"
)

// Source ids of the world, one per site style.
const (
	BoardSourceID    = "demo-board"
	SouqSourceID     = "demo-souq"
	LegacySourceID   = "demo-legacy"
	TelegramSourceID = "demo-telegram"
	FeedSourceID     = "demo-feed"
)

// modTime is the Last-Modified of every page: the world does not change.
var modTime = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

// World is the demo job world served on loopback. Its methods are safe for
// concurrent use; it is immutable once started.
type World struct {
	base      string
	srv       *http.Server
	done      chan error
	closeOnce sync.Once
	closeErr  error
	ads       []Ad
	pages     map[string]*page
	exp       Expected
}

// page is one rendered resource of the world.
type page struct {
	ctype string
	body  []byte
	// gz is body gzipped, served to clients that accept gzip; etag and
	// gzEtag are the two representations' entity tags.
	gz           []byte
	etag, gzEtag string
	// source is the id of the source whose complete crawl fetches this
	// page; "" for pages no crawl fetches (robots-denied, feed item pages).
	source string
}

// Expected holds the numbers a complete crawl of all Sources finds, derived
// from the ad data (not hard-coded), for end-to-end assertions.
type Expected struct {
	// Pages counts the pages a complete crawl fetches (listing, detail,
	// channel and feed pages), not robots.txt and not robots-denied pages.
	Pages         int
	PagesBySource map[string]int
	// RobotsDenied counts links a crawl finds (through the sources'
	// selectors) that robots.txt disallows.
	RobotsDenied int
	Ads          int
	AdsBySource  map[string]int
	AdsByLang    map[string]int
	// Risky counts ads labelled risky: the ground truth, not what a given
	// classifier flags (classify Ads() for that).
	Risky       int
	RiskyByLang map[string]int
	// LinkedPhones maps each phone number (E.164) written in two or more
	// ads to those ads' ids, sorted.
	LinkedPhones map[string][]string
}

// Start loads the embedded ads, renders every page and serves them on a
// free port of 127.0.0.1 until Close.
func Start() (*World, error) {
	ads, err := parseAds("ads.yaml", adsYAML)
	if err != nil {
		return nil, fmt.Errorf("demoworld start: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demoworld start: listen: %w", err)
	}
	w := &World{base: "http://" + ln.Addr().String(), ads: ads, done: make(chan error, 1)}
	if err := w.build(); err != nil {
		ln.Close()
		return nil, fmt.Errorf("demoworld start: %w", err)
	}
	w.srv = &http.Server{
		Handler:           http.HandlerFunc(w.serve),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       30 * time.Second,
	}
	go func() { w.done <- w.srv.Serve(ln) }()
	return w, nil
}

// build lays the ads out on the sites and renders every page.
func (w *World) build() error {
	r := newRenderer(w.base)
	pages, err := r.renderAll(w.ads)
	if err != nil {
		return err
	}
	for _, pg := range pages {
		if err := pg.compress(); err != nil {
			return err
		}
	}
	w.pages = pages
	w.exp = computeExpected(w.ads, pages, r.robotsDenied)
	return nil
}

// compress fills gz and the entity tags (each a hash of its bytes).
func (pg *page) compress() error {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	if _, err := zw.Write(pg.body); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	pg.gz = b.Bytes()
	pg.etag = etag(pg.body)
	pg.gzEtag = strings.TrimSuffix(pg.etag, `"`) + `-gzip"`
	return nil
}

// URL returns the world's base URL, "http://127.0.0.1:PORT".
func (w *World) URL() string { return w.base }

// Close stops the server, waiting up to five seconds for open requests.
// Later calls return the first call's result.
func (w *World) Close() error {
	w.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := w.srv.Shutdown(ctx)
		if serr := <-w.done; !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		if err != nil {
			w.closeErr = fmt.Errorf("demoworld close: %w", err)
		}
	})
	return w.closeErr
}

// Ads returns a copy of the world's ads with their URLs, in data order.
func (w *World) Ads() []Ad {
	out := make([]Ad, len(w.ads))
	copy(out, w.ads)
	for i := range out {
		out[i].Phones = append([]string(nil), out[i].Phones...)
		out[i].Indicators = append([]recruitscan.Indicator(nil), out[i].Indicators...)
	}
	return out
}

// Expected returns the numbers a complete crawl finds (a copy).
func (w *World) Expected() Expected {
	e := w.exp
	e.PagesBySource = cloneCounts(e.PagesBySource)
	e.AdsBySource = cloneCounts(e.AdsBySource)
	e.AdsByLang = cloneCounts(e.AdsByLang)
	e.RiskyByLang = cloneCounts(e.RiskyByLang)
	e.LinkedPhones = map[string][]string{}
	for k, v := range w.exp.LinkedPhones {
		e.LinkedPhones[k] = append([]string(nil), v...)
	}
	return e
}

// CrawledPaths returns the path (with query) of every page a complete
// crawl fetches, sorted.
func (w *World) CrawledPaths() []string {
	var out []string
	for p, pg := range w.pages {
		if pg.source != "" {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// serve answers GET and HEAD from the rendered pages, with ETag and
// Last-Modified so that conditional re-crawls get 304.
func (w *World) serve(rw http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	key := req.URL.Path
	if req.URL.RawQuery != "" {
		key += "?" + req.URL.RawQuery
	}
	pg, ok := w.pages[key]
	if !ok {
		http.NotFound(rw, req)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", pg.ctype)
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	body, tag := pg.body, pg.etag
	if acceptsGzip(req.Header.Get("Accept-Encoding")) {
		body, tag = pg.gz, pg.gzEtag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", tag)
	http.ServeContent(rw, req, "", modTime, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip (a
// "gzip" token whose q is not zero).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if strings.TrimSpace(strings.ToLower(coding)) != "gzip" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(strings.ToLower(params)), "q="); ok {
			q, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
		return q > 0
	}
	return false
}

func computeExpected(ads []Ad, pages map[string]*page, robotsDenied int) Expected {
	e := Expected{
		PagesBySource: map[string]int{}, AdsBySource: map[string]int{},
		AdsByLang: map[string]int{}, RiskyByLang: map[string]int{},
		LinkedPhones: map[string][]string{}, RobotsDenied: robotsDenied,
	}
	for _, pg := range pages {
		if pg.source != "" {
			e.Pages++
			e.PagesBySource[pg.source]++
		}
	}
	phones := map[string][]string{}
	for _, a := range ads {
		e.Ads++
		e.AdsBySource[a.SourceID]++
		e.AdsByLang[a.Lang]++
		if a.Risky() {
			e.Risky++
			e.RiskyByLang[a.Lang]++
		}
		for _, p := range a.Phones {
			phones[p] = append(phones[p], a.ID)
		}
	}
	for p, ids := range phones {
		if len(ids) > 1 {
			sort.Strings(ids)
			e.LinkedPhones[p] = ids
		}
	}
	return e
}

func cloneCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func etag(b []byte) string {
	return fmt.Sprintf(`"%x"`, hashBytes(b))
}

// SourceDelay is the politeness delay of the world's sources: small, so a
// demo crawl takes about a second, but not zero (zero means the crawler's
// default).
const SourceDelay = 5 * time.Millisecond

// Sources returns the world's sources, one per site, ready for the crawler:
// loopback allowed, robots.txt honoured, a tiny delay, MaxPages above what
// a complete crawl needs but bounded.
//
// The html sources follow the Selectors contract: a source with Card reads
// its ads from listing cards (a card's AdLinks match is only the ad's URL,
// never fetched); one without Card follows AdLinks to detail pages.
func (w *World) Sources() []recruitscan.Source {
	src := func(id string, ty recruitscan.SourceType, name string, urls []string, sel recruitscan.Selectors) recruitscan.Source {
		return recruitscan.Source{
			ID: id, Type: ty, Name: name, URLs: urls, Selectors: sel,
			MaxPages: 2*w.exp.PagesBySource[id] + 10, Delay: SourceDelay, AllowPrivate: true,
		}
	}
	return []recruitscan.Source{
		src(BoardSourceID, recruitscan.SourceHTML, boardName, []string{w.base + "/board/jobs"}, boardSelectors),
		src(SouqSourceID, recruitscan.SourceHTML, souqName, []string{w.base + "/souq/c/jobs", w.base + "/souq/c/domestic"}, souqSelectors),
		src(LegacySourceID, recruitscan.SourceHTML, legacyName, []string{w.base + legacyRoot + "/list.php"}, legacySelectors),
		src(TelegramSourceID, recruitscan.SourceTelegram, "Telegram channel previews (demo)", w.channelURLs(), recruitscan.Selectors{}),
		src(FeedSourceID, recruitscan.SourceFeed, feedName, []string{w.base + feedPath}, recruitscan.Selectors{}),
	}
}

func (w *World) channelURLs() []string {
	var out []string
	for _, c := range channels(w.ads) {
		out = append(out, w.base+"/s/"+c)
	}
	return out
}

// channels returns the telegram channels of ads, sorted.
func channels(ads []Ad) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range ads {
		if a.Site == SiteTelegram && !seen[a.Channel] {
			seen[a.Channel] = true
			out = append(out, a.Channel)
		}
	}
	sort.Strings(out)
	return out
}

// The CSS selectors of the two html sites; they match the templates.
var (
	boardSelectors = recruitscan.Selectors{
		AdLinks:  "ul.job-list a.job-link",
		NextPage: "nav.pagination a[rel=next]",
		Title:    "h1.job-title",
		Body:     "div.job-description",
		Posted:   "time.job-posted",
		Employer: ".job-employer",
		Location: ".job-location",
		Salary:   ".job-salary",
		Contact:  ".job-contact",
	}
	souqSelectors = recruitscan.Selectors{
		AdLinks:  "a.ad-more",
		NextPage: "a.next-page",
		Card:     "article.ad-card",
		Title:    ".ad-title",
		Body:     ".ad-body",
		Posted:   "time.ad-date",
		Employer: ".ad-seller",
		Location: ".ad-city",
		Salary:   ".ad-price",
		Contact:  ".ad-contact",
	}
	legacySelectors = recruitscan.Selectors{
		AdLinks:  "table.joblist a.joblink",
		NextPage: "a.nextpage",
		Title:    "td.jobtitle",
		Body:     "td.jobdesc",
		Posted:   "span.jobdate",
		Employer: "td.jobcompany",
		Location: "td.jobcity",
		Salary:   "td.jobsalary",
		Contact:  "td.jobcontact",
	}
)
