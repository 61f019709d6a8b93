package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
)

// resp is a fixed response of a test site.
type resp struct {
	status int
	header map[string]string
	body   string
}

// site is an httptest server of fixed pages that counts requests.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]resp
	hits  map[string]int
}

func newSite(t *testing.T, pages map[string]resp) *site {
	t.Helper()
	s := &site{pages: pages, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	key := r.URL.RequestURI()
	s.mu.Lock()
	s.hits[key]++
	p, ok := s.pages[key]
	s.mu.Unlock()
	if !ok {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "no such page "+key, http.StatusNotFound)
		return
	}
	for k, v := range p.header {
		w.Header().Set(k, strings.ReplaceAll(v, "{{base}}", s.URL))
	}
	if etag := p.header["ETag"]; etag != "" && r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.WriteHeader(max(p.status, 200))
	fmt.Fprint(w, strings.ReplaceAll(p.body, "{{base}}", s.URL))
}

func (s *site) set(path string, r resp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = r
}

func (s *site) hitCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// memSink collects emitted ads and removals.
type memSink struct {
	mu      sync.Mutex
	ads     []recruitscan.Ad
	removed map[string]time.Time
}

func (m *memSink) Emit(_ context.Context, ad recruitscan.Ad) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ads = append(m.ads, ad)
	return nil
}

func (m *memSink) MarkRemoved(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.removed == nil {
		m.removed = map[string]time.Time{}
	}
	m.removed[id] = at
	return nil
}

// byURL returns the ads sorted by URL.
func (m *memSink) byURL() []recruitscan.Ad {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]recruitscan.Ad(nil), m.ads...)
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out
}

// netSeam is the test network: names resolve from a table only, and a
// dial to anything but loopback fails the test instead of connecting.
type netSeam struct {
	t     *testing.T
	mu    sync.Mutex
	names map[string][]netip.Addr
	dials []string
	// routes send a dial of a (public-looking) address to a local test
	// server; with strict set, every other dial fails the test.
	routes map[string]string
	strict bool
}

func newNetSeam(t *testing.T) *netSeam {
	return &netSeam{t: t, names: map[string][]netip.Addr{}, routes: map[string]string{}}
}

func (n *netSeam) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ips, ok := n.names[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host (test resolver)", Name: host, IsNotFound: true}
	}
	return ips, nil
}

func (n *netSeam) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dials = append(n.dials, addr)
	n.mu.Unlock()
	if to, ok := n.routes[addr]; ok {
		var d net.Dialer
		return d.DialContext(ctx, network, to)
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsLoopback() || n.strict {
		n.t.Errorf("guard let a dial through to %q: the test would have left the machine", addr)
		return nil, fmt.Errorf("test dialer refuses %s", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

func (n *netSeam) dialed() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dials...)
}

// testConfig is a Config for test sites: no delay, short timeouts, the
// network seam.
func testConfig(t *testing.T, sink Sink, sources ...recruitscan.Source) (Config, *netSeam) {
	n := newNetSeam(t)
	return Config{
		Sources:      sources,
		Sink:         sink,
		DefaultDelay: -1,
		FetchTimeout: 5 * time.Second,
		BaseBackoff:  10 * time.Millisecond,
		MaxBackoff:   50 * time.Millisecond,
		PollInterval: 10 * time.Millisecond,
		Resolver:     n,
		Dial:         n.Dial,
		Logger:       logTo(t),
	}, n
}

func crawlOnce(t *testing.T, cfg Config) Stats {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// logTo sends the crawler's log to the test log.
func logTo(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
