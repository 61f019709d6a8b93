package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
)

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr         string
		allowPrivate bool
		blocked      bool
	}{
		{"93.184.215.14", false, false},
		{"2606:2800:220:1::", false, false},
		{"127.0.0.1", false, true}, {"127.0.0.1", true, false},
		{"::1", false, true}, {"::ffff:127.0.0.1", false, true},
		{"10.0.0.1", false, true}, {"172.16.5.4", false, true}, {"192.168.0.1", false, true}, {"192.168.0.1", true, false},
		{"fd12::1", false, true},
		{"169.254.1.1", false, true}, {"fe80::1", false, true},
		{"100.64.0.1", false, true}, {"100.127.255.254", true, false},
		{"169.254.169.254", true, true}, {"fd00:ec2::254", true, true}, {"100.100.100.200", true, true},
		{"0.0.0.0", true, true}, {"::", true, true},
		{"224.0.0.1", true, true}, {"ff02::1", true, true}, {"255.255.255.255", true, true},
		{"192.0.2.1", false, true}, {"240.0.0.1", true, true},
		{"64:ff9b::a9fe:a9fe", true, true}, {"64:ff9b::a00:1", false, true}, {"64:ff9b::a00:1", true, false},
		{"64:ff9b::5db8:d70e", false, false}, {"2002:7f00:1::1", false, true}, {"2002:5db8:d70e::1", false, false},
	} {
		err := checkAddr(netip.MustParseAddr(tc.addr), tc.allowPrivate)
		if got := errors.Is(err, ErrBlockedAddress); got != tc.blocked {
			t.Errorf("checkAddr(%s, allowPrivate=%v) = %v, want blocked=%v", tc.addr, tc.allowPrivate, err, tc.blocked)
		}
	}
}

// TestControlHook checks the dialer's last line of defence without
// dialling: the hook is called with the socket address before connect.
func TestControlHook(t *testing.T) {
	hook := controlHook(false)
	for addr, blocked := range map[string]bool{
		"10.0.0.1:80": true, "[::1]:443": true, "169.254.169.254:80": true, "93.184.215.14:80": false, "junk": true,
	} {
		if err := hook("tcp", addr, nil); (err != nil) != blocked {
			t.Errorf("hook(%s) = %v, want blocked=%v", addr, err, blocked)
		}
	}
	// The real dialer refuses loopback through the hook: no listener is
	// needed, the connect never happens.
	g := newGuard(nil, nil, time.Second, false)
	_, err := g.dial(t.Context(), "tcp", "127.0.0.1:6379")
	if !errors.Is(err, ErrBlockedAddress) {
		t.Errorf("dial 127.0.0.1:6379 = %v, want ErrBlockedAddress from the Control hook", err)
	}
}

func TestCanonicalize(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP://Example.COM:80/a?b=2&a=1#frag":                 "http://example.com/a?a=1&b=2",
		"https://example.com:443":                              "https://example.com/",
		"https://x.org/p;jsessionid=ABC123?utm_source=tw&id=7": "https://x.org/p?id=7",
		"https://x.org/p?PHPSESSID=1&fbclid=2&gclid=3&q=a+b":   "https://x.org/p?q=a+b",
		"https://x.org/p?":                                     "https://x.org/p",
		"https://user:pw@x.org/":                               "https://x.org/",
	} {
		got, err := Canonicalize(in)
		if err != nil || got != want {
			t.Errorf("Canonicalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ftp://x.org/", "javascript:alert(1)", "/relative", "http://"} {
		if _, err := Canonicalize(bad); !errors.Is(err, ErrBadURL) {
			t.Errorf("Canonicalize(%q) = %v, want ErrBadURL", bad, err)
		}
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	_, err := New(Config{Sources: []recruitscan.Source{
		{ID: "a", Type: "carrier-pigeon", URLs: []string{"gopher://x"}},
		{ID: "a", Type: recruitscan.SourceHTML, URLs: []string{"https://x.org/"}, Selectors: recruitscan.Selectors{Title: "h1[["}},
		{ID: "s", Type: recruitscan.SourceHTML, URLs: []string{"https://x.org/"}, SecretEnv: "NO_SUCH_SECRET"},
	}, Getenv: func(string) string { return "" }})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
	for _, want := range []string{"sink", `"a": type`, `"a": urls[0]`, `"a": id: `, "selectors.title", `"s": secret_env`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

func TestSecretHeaderSent(t *testing.T) {
	var got atomic.Value
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			got.Store(r.Header.Get("Authorization") + "|" + r.Header.Get("X-Extra") + "|" + r.UserAgent())
		}
		fmt.Fprint(w, okPage.body)
	}))
	t.Cleanup(s.Close)
	cfg, _ := testConfig(t, &memSink{}, recruitscan.Source{ID: "s", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/ok"},
		AllowPrivate: true, SecretEnv: "BOARD_TOKEN", Headers: map[string]string{"X-Extra": "1"}, UserAgent: "ua-test"})
	cfg.Getenv = func(k string) string { return map[string]string{"BOARD_TOKEN": "Authorization: Bearer s3cret"}[k] }
	crawlOnce(t, cfg)
	if g, _ := got.Load().(string); g != "Bearer s3cret|1|ua-test" {
		t.Errorf("request headers = %q", g)
	}
}

func TestRetryAfterAndBackoff(t *testing.T) {
	var busy, always atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/busy":
			if busy.Add(1) == 1 {
				w.Header().Set("Retry-After", "3600") // capped by MaxBackoff
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, `<h1>After the wait</h1>`)
		case "/always":
			always.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	sink := &memSink{}
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "r", Type: recruitscan.SourceHTML,
		URLs: []string{s.URL + "/busy", s.URL + "/always"}, AllowPrivate: true})
	cfg.MaxRetries = 2
	start := time.Now()
	st := crawlOnce(t, cfg).Sources["r"]
	if busy.Load() != 2 || always.Load() != 3 {
		t.Errorf("requests: /busy %d (want 2), /always %d (want 1 + 2 retries)", busy.Load(), always.Load())
	}
	if len(sink.ads) != 1 || st.ErrorKinds["status"] != 1 {
		t.Errorf("ads %d, error kinds %v; want 1 ad and 1 status error", len(sink.ads), st.ErrorKinds)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: Retry-After was not capped", d)
	}
}

// TestCancelWithLongDelay: Ctrl-C during a 30s per-host delay stops the
// crawl within 2s and leaves the unfetched URLs pending in the frontier.
func TestCancelWithLongDelay(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/l": {body: `<a class="j" href="/1">1</a><a class="j" href="/2">2</a><a class="j" href="/3">3</a>`},
		"/1": okPage, "/2": okPage, "/3": okPage,
	})
	fr := NewMemFrontier(nil)
	cfg, _ := testConfig(t, &memSink{}, recruitscan.Source{ID: "slow", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/l"},
		AllowPrivate: true, Delay: 30 * time.Second, Selectors: recruitscan.Selectors{AdLinks: "a.j"}})
	cfg.Frontier = fr
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.RunOnce(ctx)
	}()
	for s.hitCount("/l") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // now waiting out the delay before /1
	cancel()
	start := time.Now()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("RunOnce still running 2s after cancel")
	}
	t.Logf("stopped %v after cancel", time.Since(start))
	pending, leased, err := fr.Len(t.Context(), c.cycle(c.sources[0]))
	if err != nil || pending != 3 || leased != 0 {
		t.Errorf("frontier after cancel: pending %d leased %d (%v); want 3 pending, 0 leased", pending, leased, err)
	}
}

// TestRecrawl: a later cycle re-fetches the listing, asks for detail
// pages conditionally, emits only what changed and records takedowns.
func TestRecrawl(t *testing.T) {
	var etagHits, lmHits, hashHits, changedHits atomic.Int64
	changed := atomic.Bool{}
	gone := atomic.Bool{}
	lm := "Mon, 02 Jan 2006 15:04:05 GMT"
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/list":
			fmt.Fprint(w, `<a class="j" href="/etag">a</a><a class="j" href="/lm">b</a><a class="j" href="/hash">c</a><a class="j" href="/changes">d</a><a class="j" href="/gone">e</a>`)
		case "/etag":
			etagHits.Add(1)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			fmt.Fprint(w, `<h1>ETag job</h1>`)
		case "/lm":
			lmHits.Add(1)
			if r.Header.Get("If-Modified-Since") == lm {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Last-Modified", lm)
			fmt.Fprint(w, `<h1>LM job</h1>`)
		case "/hash":
			hashHits.Add(1)
			fmt.Fprint(w, `<h1>Hash job</h1>`)
		case "/changes":
			changedHits.Add(1)
			if changed.Load() {
				fmt.Fprint(w, `<h1>Changed job v2</h1>`)
				return
			}
			fmt.Fprint(w, `<h1>Changed job v1</h1>`)
		case "/gone":
			if gone.Load() {
				w.WriteHeader(http.StatusGone)
				return
			}
			fmt.Fprint(w, `<h1>Soon gone</h1>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	sink := &memSink{}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "re", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/list"},
		AllowPrivate: true, Interval: time.Hour, Selectors: recruitscan.Selectors{AdLinks: "a.j", Title: "h1"}})
	cfg.Clock = clk
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(sink.ads) != 5 {
		t.Fatalf("first cycle: %d ads, want 5", len(sink.ads))
	}
	// Same cycle again: already complete, nothing is fetched.
	st, _ := c.RunOnce(t.Context())
	if st.Sources["re"].Pages != 0 {
		t.Errorf("re-run of a complete cycle fetched %d pages", st.Sources["re"].Pages)
	}
	changed.Store(true)
	gone.Store(true)
	clk.Advance(time.Hour)
	sink.ads = nil
	st, err = c.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := st.Sources["re"]
	if len(sink.ads) != 1 || sink.ads[0].Title != "Changed job v2" {
		t.Errorf("second cycle emitted %+v, want only the changed ad", fields(sink.ads))
	}
	if got.NotModified != 2 || got.Unchanged != 1 || got.Removed != 1 {
		t.Errorf("second cycle stats %+v: want 2 not modified, 1 unchanged, 1 removed", got)
	}
	goneID := recruitscan.AdID("re", s.URL+"/gone")
	if at, ok := sink.removed[goneID]; !ok || !at.Equal(clk.Now()) {
		t.Errorf("removed = %v, want %s at %v", sink.removed, goneID, clk.Now())
	}
	if etagHits.Load() != 2 || lmHits.Load() != 2 || hashHits.Load() != 2 || changedHits.Load() != 2 {
		t.Errorf("hits etag %d lm %d hash %d changed %d; want 2 each", etagHits.Load(), lmHits.Load(), hashHits.Load(), changedHits.Load())
	}
}

// TestFetchEndsWithinLease: retries and waits stop before the task's lease
// would let another worker take it.
func TestFetchEndsWithinLease(t *testing.T) {
	busy := newSite(t, map[string]resp{"/busy": {status: 503, header: map[string]string{"Retry-After": "1"}}})
	// Another host: Retry-After holds back the whole busy host.
	ok := newSite(t, map[string]resp{"/ok": okPage})
	cfg, _ := testConfig(t, &memSink{}, recruitscan.Source{ID: "l", Type: recruitscan.SourceHTML,
		URLs: []string{busy.URL + "/busy", ok.URL + "/ok"}, AllowPrivate: true, Parallel: 2,
		Domains: []string{"127.0.0.1"}})
	cfg.LeaseTTL, cfg.FetchTimeout, cfg.MaxRetries, cfg.MaxBackoff = 3*time.Second, 1500*time.Millisecond, 100, time.Second
	start := time.Now()
	st := crawlOnce(t, cfg).Sources["l"]
	if d := time.Since(start); d > 2900*time.Millisecond {
		t.Errorf("fetch took %v, past 9/10 of the 3s lease", d)
	}
	if st.ErrorKinds["timeout"] != 1 || st.Ads != 1 {
		t.Errorf("stats %+v: want one timeout and /ok's ad", st)
	}
}

// TestRunSchedules: Run crawls each source once per interval until the
// context ends, then returns nil promptly.
func TestRunSchedules(t *testing.T) {
	s := newSite(t, map[string]resp{"/ok": okPage})
	cfg, _ := testConfig(t, &memSink{}, recruitscan.Source{ID: "run", Type: recruitscan.SourceHTML,
		URLs: []string{s.URL + "/ok"}, AllowPrivate: true, Interval: 300 * time.Millisecond})
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 1000*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Run(ctx); err != nil {
		t.Errorf("Run = %v, want nil after the context ends", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("Run returned %v after start, want soon after the 1s context", d)
	}
	// Cycles start on multiples of the interval: 3 or 4 in 1s, one fewer
	// if the machine is slow.
	if n := s.hitCount("/ok"); n < 2 || n > 5 {
		t.Errorf("/ok fetched %d times in 1s at a 300ms interval, want 3 or 4", n)
	}
	if _, ok := c.Progress()["run"]; !ok {
		t.Errorf("no progress for source run: %v", c.Progress())
	}
}
