package crawler

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"golang.org/x/text/encoding/charmap"
)

// okPage is the page every hostile test also crawls: the crawl must carry
// on past the trap and still read it.
var okPage = resp{body: `<h1>Fine job</h1><main>Honest work</main>`}

// hostile crawls entries (paths on s) with the given source tweaks and
// checks that /ok still yielded its ad.
func hostile(t *testing.T, s *httptest.Server, tweak func(*recruitscan.Source, *Config), paths ...string) (SourceStats, *memSink) {
	t.Helper()
	sink := &memSink{}
	src := recruitscan.Source{ID: "h", Type: recruitscan.SourceSitemap, AllowPrivate: true}
	for _, p := range append(paths, "/ok") {
		src.URLs = append(src.URLs, s.URL+p)
	}
	cfg, _ := testConfig(t, sink)
	cfg.MaxBodyBytes = 1 << 20
	if tweak != nil {
		tweak(&src, &cfg)
	}
	// Entry URLs of a sitemap source are sitemaps; read them as pages.
	src.Type = recruitscan.SourceHTML
	cfg.Sources = []recruitscan.Source{src}
	st := crawlOnce(t, cfg).Sources["h"]
	found := false
	for _, ad := range sink.byURL() {
		found = found || ad.Title == "Fine job"
	}
	if !found {
		t.Errorf("the crawl did not carry on: /ok's ad missing (stats %+v)", st)
	}
	return st, sink
}

func wantKind(t *testing.T, st SourceStats, kind string, n int) {
	t.Helper()
	if st.ErrorKinds[kind] != n {
		t.Errorf("error kinds = %v, want %d × %q", st.ErrorKinds, n, kind)
	}
}

func TestHostileRedirectLoop(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/a":    {status: 302, header: map[string]string{"Location": "/b"}},
		"/b":    {status: 301, header: map[string]string{"Location": "{{base}}/a#frag"}},
		"/self": {status: 307, header: map[string]string{"Location": "/self?utm_source=loop"}},
		"/long": {status: 302, header: map[string]string{"Location": "/r1"}},
		"/r1":   {status: 302, header: map[string]string{"Location": "/r2"}},
		"/r2":   {status: 302, header: map[string]string{"Location": "/r3"}},
		"/r3":   {status: 302, header: map[string]string{"Location": "/ok"}},
		"/ok":   okPage,
	})
	st, sink := hostile(t, s.Server, func(_ *recruitscan.Source, c *Config) { c.MaxRedirects = 2 }, "/a", "/self", "/long")
	wantKind(t, st, "redirect", 3)
	if s.hitCount("/a") != 1 || s.hitCount("/b") != 1 {
		t.Errorf("loop hits: /a %d, /b %d; want 1 each", s.hitCount("/a"), s.hitCount("/b"))
	}
	if len(sink.ads) != 1 {
		t.Errorf("ads = %d, want only /ok's", len(sink.ads))
	}
}

func TestHostileInfinitePagination(t *testing.T) {
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
			return
		case "/ok":
			fmt.Fprint(w, okPage.body)
			return
		}
		hits.Add(1)
		n := 0
		fmt.Sscan(r.URL.Query().Get("day"), &n)
		// A calendar: every page links the next day and a fresh session id.
		fmt.Fprintf(w, `<a class="next" href="/cal?day=%d&sid=%d">next</a><a class="next" href="/cal?day=%d#x">same</a>`, n+1, time.Now().UnixNano(), n+1)
	}))
	t.Cleanup(s.Close)
	st, _ := hostile(t, s, func(src *recruitscan.Source, _ *Config) {
		src.MaxPages = 25
		src.Selectors.NextPage = "a.next"
	}, "/cal?day=0")
	if got := hits.Load(); got != 24 {
		t.Errorf("calendar pages fetched = %d, want 24 (max_pages 25 minus /ok)", got)
	}
	if st.Pages != 25 {
		t.Errorf("pages = %d, want 25", st.Pages)
	}
}

// allocDuring reports the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestHostileHugeBody(t *testing.T) {
	const gib = 1 << 30
	var sent atomic.Int64
	chunk := bytes.Repeat([]byte("<p>spam</p>"), 6000)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
			return
		case "/ok":
			fmt.Fprint(w, okPage.body)
			return
		case "/declared":
			w.Header().Set("Content-Length", fmt.Sprint(gib))
		}
		w.Header().Set("Content-Type", "text/html")
		for n := 0; n < gib; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
	}))
	t.Cleanup(s.Close)
	var st SourceStats
	alloc := allocDuring(func() { st, _ = hostile(t, s, nil, "/streamed", "/declared") })
	wantKind(t, st, "too_large", 2)
	if alloc > 64<<20 {
		t.Errorf("allocated %d MiB for a 1 MiB cap: the body was not streamed under the cap", alloc>>20)
	}
	if sent.Load() > 256<<20 {
		t.Errorf("server sent %d MiB before the crawler hung up", sent.Load()>>20)
	}
}

// bomb is a gzip stream of n zero bytes (about n/1000 compressed): one
// compressed MiB repeated as gzip members, which readers concatenate.
func bomb(n int) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(b.Bytes(), n>>20)
}

func TestHostileGzipBomb(t *testing.T) {
	z := bomb(256 << 20)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			fmt.Fprint(w, okPage.body)
		case "/page":
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", "text/html")
			w.Write(z)
		case "/sitemap.xml.gz":
			w.Header().Set("Content-Type", "application/x-gzip")
			w.Write(z)
		}
	}))
	t.Cleanup(s.Close)
	var st SourceStats
	alloc := allocDuring(func() { st, _ = hostile(t, s, nil, "/page", "/sitemap.xml.gz") })
	wantKind(t, st, "too_large", 2)
	if alloc > 64<<20 {
		t.Errorf("allocated %d MiB inflating a 256 MiB bomb under a 1 MiB cap", alloc>>20)
	}
}

func TestHostileDrip(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
			return
		case "/ok":
			fmt.Fprint(w, okPage.body)
			return
		case "/slow-headers":
			select {
			case <-time.After(time.Minute):
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "text/html")
		for range 60 {
			if _, err := w.Write([]byte("a")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			}
		}
	}))
	t.Cleanup(s.Close)
	start := time.Now()
	st, _ := hostile(t, s, func(_ *recruitscan.Source, c *Config) {
		c.FetchTimeout = 1500 * time.Millisecond
		c.HeaderTimeout = 500 * time.Millisecond
	}, "/drip", "/slow-headers")
	wantKind(t, st, "timeout", 2)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v; the timeouts did not bound the drip", d)
	}
}

func TestHostileWrongCharset(t *testing.T) {
	arabic := "وظيفة سائق براتب 3000 ريال"
	s := newSite(t, map[string]resp{
		// Declared windows-1252, sent as UTF-8.
		"/says-1252": {header: map[string]string{"Content-Type": "text/html; charset=windows-1252"}, body: "<h1>" + arabic + "</h1>"},
		// Declared UTF-8 in the header, really windows-1256 as its <meta> says.
		"/says-utf8": {header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
			body: `<meta charset="windows-1256"><h1>` + encode(t, charmap.Windows1256, arabic) + "</h1>"},
		// Declared UTF-8 with one stray windows-1252 byte (as bdjobs.com).
		"/stray": {header: map[string]string{"Content-Type": "text/html; charset=utf-8"}, body: "<h1>It\x92s Audit – ok</h1>"},
		// An unknown label.
		"/bogus": {header: map[string]string{"Content-Type": "text/html; charset=x-no-such"}, body: "<h1>plain</h1>"},
		"/ok":    okPage,
	})
	_, sink := hostile(t, s.Server, func(src *recruitscan.Source, _ *Config) {
		src.Selectors = recruitscan.Selectors{Title: "h1"}
	}, "/says-1252", "/says-utf8", "/stray", "/bogus")
	got := map[string]bool{}
	for _, ad := range sink.ads {
		got[ad.Title] = true
	}
	for _, want := range []string{arabic, "It’s Audit – ok", "plain"} {
		if !got[want] {
			t.Errorf("no ad titled %q; got %v", want, got)
		}
	}
}

func TestHostileRobotsDisallow(t *testing.T) {
	pages := map[string]resp{
		"/robots.txt":  {header: map[string]string{"Content-Type": "text/plain"}, body: "User-agent: *\nDisallow: /private\n"},
		"/private/job": {body: `<h1>Secret</h1>`},
		"/ok":          okPage,
	}
	for _, tc := range []struct {
		name   string
		ignore bool
		hits   int
	}{{"honoured", false, 0}, {"ignored", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, pages)
			st, _ := hostile(t, s.Server, func(src *recruitscan.Source, _ *Config) { src.IgnoreRobots = tc.ignore }, "/private/job")
			if n := s.hitCount("/private/job"); n != tc.hits {
				t.Errorf("/private/job fetched %d times, want %d", n, tc.hits)
			}
			if want := 1 - tc.hits; st.RobotsDenied != want {
				t.Errorf("robots denied = %d, want %d", st.RobotsDenied, want)
			}
		})
	}
}

func TestSessionCookieRedirect(t *testing.T) {
	var cookieSeen atomic.Bool
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			fmt.Fprint(w, okPage.body)
		case "/gate":
			if _, err := r.Cookie("sess"); err == nil {
				cookieSeen.Store(true)
				fmt.Fprint(w, `<h1>Behind the session check</h1>`)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: "sess", Value: "1", Path: "/"})
			http.Redirect(w, r, "/gate", http.StatusFound)
		case "/nocookie":
			http.Redirect(w, r, "/nocookie", http.StatusFound) // a plain loop
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	st, sink := hostile(t, s, nil, "/gate", "/nocookie")
	if !cookieSeen.Load() || len(sink.ads) != 2 {
		t.Errorf("session redirect not followed with its cookie: %d ads", len(sink.ads))
	}
	wantKind(t, st, "redirect", 1)
}

func TestRobotsRedirected(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/robots.txt":      {status: 301, header: map[string]string{"Location": "/site-robots.txt"}},
		"/site-robots.txt": {header: map[string]string{"Content-Type": "text/plain"}, body: "User-agent: *\nDisallow: /private\n"},
		"/private/job":     {body: `<h1>Secret</h1>`},
		"/ok":              okPage,
	})
	st, _ := hostile(t, s.Server, nil, "/private/job")
	if st.RobotsDenied != 1 || s.hitCount("/private/job") != 0 || st.Errors != 0 {
		t.Errorf("stats %+v, private hits %d: want the redirected robots.txt honoured", st, s.hitCount("/private/job"))
	}
}

func TestHostileNotDocument(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/photo.png": {header: map[string]string{"Content-Type": "image/png"}, body: "\x89PNG\r\n\x1a\n...."},
		"/file":      {header: map[string]string{"Content-Type": "text/html"}, body: "\x00\x01\x02\x03binary\x00\x00"},
		"/broken":    {body: `<html><body><div><h1>Broken <b>markup<table><tr><td>cell</div></p></span>`},
		"/ok":        okPage,
	})
	st, sink := hostile(t, s.Server, nil, "/photo.png", "/file", "/broken")
	wantKind(t, st, "not_document", 2)
	found := false
	for _, ad := range sink.ads {
		found = found || strings.HasPrefix(ad.Title, "Broken markup")
	}
	if !found {
		t.Errorf("malformed page lost; ads %+v", fields(sink.ads))
	}
}

// TestHostileNetwork: a public-looking site whose links and redirects
// lead to loopback services, private, link-local, CGNAT and metadata
// addresses. Names resolve from a table and dials go through a seam that
// fails the test on anything but the routed test site, so even a broken
// guard sends no packet off the machine.
func TestHostileNetwork(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/jobs": {body: `<a class="j" href="http://127.0.0.1:6379/">redis</a><a class="j" href="http://internal.test/">rfc1918</a>
			<a class="j" href="http://meta.test/latest/meta-data/">metadata</a><a class="j" href="http://ll.test/">link-local</a>
			<a class="j" href="http://cgnat.test/">cgnat</a><a class="j" href="http://v6.test/">v6 loopback</a>
			<a class="j" href="http://mapped.test/">v4-mapped</a><a class="j" href="http://zero.test/">unspecified</a>
			<a class="j" href="http://[fd00:ec2::254]/">aws v6</a><a class="j" href="http://jobs.test/go-redis">redirect</a>
			<a class="j" href="http://jobs.test/ok">ok</a><a class="j" href="http://mixed.test/">mixed</a>`},
		"/go-redis": {status: 302, header: map[string]string{"Location": "http://127.0.0.1:6379/"}},
		"/ok":       okPage,
	})
	sink := &memSink{}
	cfg, n := testConfig(t, sink)
	n.strict = true
	public := netip.MustParseAddr("93.184.215.14")
	n.routes["93.184.215.14:80"] = s.Listener.Addr().String()
	for name, ip := range map[string]string{
		"jobs.test": "93.184.215.14", "internal.test": "10.1.2.3", "meta.test": "169.254.169.254",
		"ll.test": "169.254.7.7", "cgnat.test": "100.64.0.9", "v6.test": "::1", "mapped.test": "::ffff:127.0.0.1",
		"zero.test": "0.0.0.0",
	} {
		n.names[name] = []netip.Addr{netip.MustParseAddr(ip)}
	}
	// A name with a private and a public address: only the public one is dialled.
	n.names["mixed.test"] = []netip.Addr{netip.MustParseAddr("192.168.1.1"), public}
	cfg.Sources = []recruitscan.Source{{ID: "net", Type: recruitscan.SourceHTML, URLs: []string{"http://jobs.test/jobs"},
		Domains:   []string{"jobs.test", "127.0.0.1", "internal.test", "meta.test", "ll.test", "cgnat.test", "v6.test", "mapped.test", "zero.test", "fd00:ec2::254", "mixed.test"},
		Selectors: recruitscan.Selectors{AdLinks: "a.j"}, IgnoreRobots: true}}
	st := crawlOnce(t, cfg).Sources["net"]
	wantKind(t, st, "blocked_address", 10)
	for _, d := range n.dialed() {
		if d != "93.184.215.14:80" {
			t.Errorf("dialled %s; only the routed public address may be dialled", d)
		}
	}
	// mixed.test was reached through its public address (the routed site
	// has no "/" page), and jobs.test/ok gave its ad.
	wantKind(t, st, "gone", 1)
	if len(sink.ads) != 1 {
		t.Errorf("ads = %+v, want only /ok's", fields(sink.ads))
	}
}

// TestHostileDomainFilter: with the default allowed domains (the entry
// hosts), off-site links are never even resolved.
func TestHostileDomainFilter(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/jobs":  {body: `<a class="j" href="http://127.0.0.1:6379/">redis</a><a class="j" href="/moved">moved</a><a class="j" href="/ok">ok</a>`},
		"/moved": {status: 301, header: map[string]string{"Location": "http://internal.test/"}},
		"/ok":    okPage,
	})
	sink := &memSink{}
	cfg, n := testConfig(t, sink)
	n.strict = true
	n.routes["93.184.215.14:80"] = s.Listener.Addr().String()
	n.names["jobs.test"] = []netip.Addr{netip.MustParseAddr("93.184.215.14")}
	n.names["internal.test"] = []netip.Addr{netip.MustParseAddr("10.0.0.1")}
	cfg.Sources = []recruitscan.Source{{ID: "d", Type: recruitscan.SourceHTML, URLs: []string{"http://jobs.test/jobs"},
		Selectors: recruitscan.Selectors{AdLinks: "a.j"}, IgnoreRobots: true}}
	st := crawlOnce(t, cfg).Sources["d"]
	wantKind(t, st, "domain", 1) // the redirect; the redis link is dropped before it is queued
	if len(sink.ads) != 1 || sink.ads[0].Title != "Fine job" {
		t.Errorf("ads = %+v, want /ok's", fields(sink.ads))
	}
}
