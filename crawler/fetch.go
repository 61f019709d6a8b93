package crawler

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
)

// page is one fetched document, after redirects and retries.
type page struct {
	Task        Task
	RequestURL  string
	FinalURL    *url.URL
	Redirects   []string // each URL that redirected, in order
	FetchedAt   time.Time
	Status      int
	Header      http.Header
	ContentType string // as the server sent it
	Body        []byte // raw, as received (transfer-decoded, not charset-decoded)
	NotModified bool
	sum         string // hex SHA-256 of Body, once computed
}

// sha256 is the hex SHA-256 of the body (computed once: the frontier's
// content hash and every ad's evidence use it).
func (p *page) sha256() string {
	if p.sum == "" {
		p.sum = sha256hex(p.Body)
	}
	return p.sum
}

// hop is the outcome of one HTTP exchange, filled by Colly's callbacks.
type hop struct {
	status      int
	header      http.Header
	reqHeader   http.Header // as Colly sent them (cookies from the jar not included)
	contentType string
	body        []byte
}

const hopKey = "recruitscan.hop"

// fetcher fetches the pages of one source in one run through a Colly
// collector. Colly does the exchange, robots.txt and headers; redirects,
// retries, politeness and the checks around them are done here, because
// they need the run's context, the evidence chain and the frontier.
type fetcher struct {
	cfg    *Config
	src    *source
	c      *colly.Collector
	client *http.Client
	gates  *gates
	header http.Header
	warc   *warcWriter // nil: none
}

func newFetcher(ctx context.Context, cfg *Config, src *source) *fetcher {
	g := newGuard(cfg.Resolver, cfg.Dial, cfg.ConnectTimeout, src.AllowPrivate)
	rt := &capTransport{base: newTransport(g, cfg, src.parallel), ctx: ctx, maxBody: cfg.MaxBodyBytes}
	c := colly.NewCollector()
	c.UserAgent = src.userAgent
	c.IgnoreRobotsTxt = src.IgnoreRobots
	// Colly reads COLLY_* environment variables in NewCollector; reset
	// what they could turn on so that a stray variable cannot enable a
	// disk cache or change the limits.
	c.CacheDir, c.DetectCharset, c.TraceHTTP, c.CheckHead = "", false, false, false
	c.MaxDepth, c.MaxRequests, c.AllowedDomains, c.DisallowedDomains = 0, 0, nil, nil
	c.AllowURLRevisit = true // the frontier decides what is visited
	c.MaxBodySize = 0        // capped in capTransport, with an error instead of silent truncation
	c.ParseHTTPErrorResponse = true
	c.Context = ctx
	jar, _ := cookiejar.New(nil) // per source and run; New never fails without options
	client := &http.Client{
		Jar:           jar,
		Transport:     rt,
		Timeout:       cfg.FetchTimeout,
		CheckRedirect: checkRedirect,
	}
	c.SetClient(client)
	c.OnResponseHeaders(onHeaders)
	c.OnResponse(func(r *colly.Response) {
		h := r.Ctx.GetAny(hopKey).(*hop)
		h.body = r.Body
	})
	return &fetcher{cfg: cfg, src: src, c: c, client: client, gates: newGates(src.delay, src.parallel), header: src.header,
		warc: newWARC(cfg, src.ID)}
}

// checkRedirect leaves page redirects to fetch, which follows them hop by
// hop with its checks; Colly's robots.txt request may follow a few (many
// sites redirect it to https or www), every hop still through the guard.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if via[0].URL.Path == "/robots.txt" && len(via) < 5 {
		return nil
	}
	return http.ErrUseLastResponse
}

// onHeaders records the exchange, refuses bodies that are not documents,
// and hides the charset from Colly so that the body stays as received
// (charset decoding is done later, from header, BOM and meta).
func onHeaders(r *colly.Response) {
	h := r.Ctx.GetAny(hopKey).(*hop)
	h.status = r.StatusCode
	h.header = r.Headers.Clone()
	h.reqHeader = r.Request.Headers.Clone()
	h.contentType = r.Headers.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(h.contentType)
	if r.StatusCode >= 200 && r.StatusCode < 300 && !documentType(mt) {
		r.Request.Abort()
		return
	}
	if mt != "" {
		r.Headers.Set("Content-Type", mt)
	}
}

// documentType reports whether a declared media type may hold a page,
// feed or sitemap. An empty type is sniffed after the body arrives.
func documentType(mt string) bool {
	switch {
	case mt == "", mt == "text/html", mt == "application/xhtml+xml", mt == "text/plain":
		return true
	case strings.HasSuffix(mt, "/xml"), strings.HasSuffix(mt, "+xml"):
		return true
	case strings.Contains(mt, "gzip"): // a compressed sitemap, decompressed in capTransport
		return true
	}
	return false
}

// sniffDocument refuses bodies that look binary whatever their declared type.
func sniffDocument(body []byte) bool {
	st := http.DetectContentType(body)
	return strings.HasPrefix(st, "text/") || strings.Contains(st, "xml")
}

// fetch gets task's URL, following redirects (each hop checked for
// domain, robots and address, loops and the cap) and retrying 429 and
// 503 with backoff. cond, when set, makes the request conditional.
//
// The whole fetch ends within 9/10 of the lease (waits included), so a
// task is never still being fetched when its lease lets another worker
// take it.
func (f *fetcher) fetch(ctx context.Context, t Task, cond *PageMeta) (*page, error) {
	deadline := time.Now().Add(f.cfg.LeaseTTL * 9 / 10)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	p := &page{Task: t, RequestURL: t.URL}
	cur, err := url.Parse(t.URL)
	if err != nil {
		return p, fmt.Errorf("fetch %s: %w: %v", t.URL, ErrBadURL, err)
	}
	attempt, selfRetried := 1, false
	for {
		if err := f.src.allowed(cur); err != nil {
			return p, fmt.Errorf("fetch %s: %w", cur, err)
		}
		h, err := f.exchange(ctx, cur, cond, deadline)
		p.FetchedAt = f.cfg.Clock.Now()
		p.FinalURL, p.Status, p.Header, p.ContentType, p.Body = cur, h.status, h.header, h.contentType, h.body
		if err != nil {
			return p, err // with the status when headers came (a refused type, a body too large)
		}
		switch s := h.status; {
		case isRedirect(s):
			// A page that sets a cookie and redirects to itself (a session
			// check) is allowed once; any other return is a loop.
			selfOK := !selfRetried && len(h.header.Values("Set-Cookie")) > 0
			next, self, err := f.nextHop(p, cur, h, selfOK)
			if err != nil {
				return p, err
			}
			selfRetried = selfRetried || self
			p.Redirects = append(p.Redirects, cur.String())
			cur, cond = next, nil
		case s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable:
			if attempt > f.cfg.MaxRetries {
				return p, fmt.Errorf("fetch %s: %w %d after %d retries", cur, ErrStatus, s, f.cfg.MaxRetries)
			}
			f.gates.get(cur.Host).hold(backoff(attempt, f.cfg.BaseBackoff, f.cfg.MaxBackoff, h.header, time.Now()))
			attempt++
		case s == http.StatusNotModified:
			p.NotModified = true
			return p, nil
		case s == http.StatusNotFound || s == http.StatusGone:
			return p, fmt.Errorf("fetch %s: %w (%d)", cur, ErrGone, s)
		case s >= 200 && s < 300:
			if len(h.body) > 0 && !sniffDocument(h.body) {
				return p, fmt.Errorf("fetch %s: %w: sniffed %s", cur, ErrNotDocument, http.DetectContentType(h.body))
			}
			return p, nil
		default:
			return p, fmt.Errorf("fetch %s: %w %d", cur, ErrStatus, s)
		}
	}
}

func isRedirect(s int) bool {
	switch s {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// nextHop resolves a redirect's Location and refuses loops and long
// chains; self reports a redirect back to the current URL, allowed only
// with selfOK.
func (f *fetcher) nextHop(p *page, cur *url.URL, h *hop, selfOK bool) (next *url.URL, self bool, err error) {
	loc := h.header.Get("Location")
	if loc == "" {
		return nil, false, fmt.Errorf("fetch %s: %w %d without Location", cur, ErrStatus, h.status)
	}
	s := resolveRef(cur, loc)
	if s == "" {
		return nil, false, fmt.Errorf("fetch %s: %w: redirect to %q", cur, ErrBadURL, loc)
	}
	if len(p.Redirects) >= f.cfg.MaxRedirects {
		return nil, false, fmt.Errorf("fetch %s: %w (%d)", p.RequestURL, ErrTooManyRedirects, f.cfg.MaxRedirects)
	}
	self = s == mustCanon(cur)
	if (self && !selfOK) || (!self && (s == p.RequestURL || slices.Contains(p.Redirects, s))) {
		return nil, false, fmt.Errorf("fetch %s: %w via %s", p.RequestURL, ErrRedirectLoop, s)
	}
	next, err = url.Parse(s)
	return next, self, err
}

func mustCanon(u *url.URL) string {
	s, _ := canonURL(u)
	return s
}

// exchange does one HTTP GET under the host's politeness gate. The hop is
// never nil: on error it holds what arrived (the status, when headers came).
func (f *fetcher) exchange(ctx context.Context, u *url.URL, cond *PageMeta, deadline time.Time) (*hop, error) {
	g := f.gates.get(u.Host)
	if err := g.acquire(ctx); err != nil {
		return &hop{}, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer g.release()
	if time.Until(deadline) < f.cfg.FetchTimeout {
		return &hop{}, fmt.Errorf("fetch %s: %w: no time left in the task's lease for another request", u, context.DeadlineExceeded)
	}
	hdr := f.header.Clone()
	if cond != nil && cond.ETag != "" {
		hdr.Set("If-None-Match", cond.ETag)
	}
	if cond != nil && cond.LastModified != "" {
		hdr.Set("If-Modified-Since", cond.LastModified)
	}
	h := &hop{}
	cctx := colly.NewContext()
	cctx.Put(hopKey, h)
	if err := f.c.Request(http.MethodGet, u.String(), nil, cctx, hdr); err != nil {
		return h, fmt.Errorf("fetch %s: %w", u, collyErr(ctx, err))
	}
	f.warc.exchange(u, h.reqHeader, h, f.cfg.Clock.Now())
	return h, nil
}

// collyErr translates Colly's errors to this package's.
func collyErr(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return ErrRobots
	case errors.Is(err, colly.ErrAbortedAfterHeaders):
		return ErrNotDocument
	}
	return err
}

// close drops the idle connections of the run's transport
// and finishes its WARC file.
func (f *fetcher) close() {
	f.client.CloseIdleConnections()
	f.warc.close()
}
