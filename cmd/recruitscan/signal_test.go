package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan/internal/testredis"
)

// TestMain lets a test run the real binary's main as a child process.
func TestMain(m *testing.M) {
	if os.Getenv("RECRUITSCAN_TEST_MAIN") == "1" {
		os.Args = append([]string{"recruitscan"}, strings.Fields(os.Getenv("RECRUITSCAN_TEST_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestCrawlStopsOnSIGTERM: a crawl waiting out a 30 s per-host delay stops
// within 2 s of SIGTERM, exiting cleanly.
func TestCrawlStopsOnSIGTERM(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		n := hits.Load()
		fmt.Fprintf(w, `<html><body><a class="ad" href="/ad/%d">ad</a><a rel="next" href="/list/%d">next</a><h1>t</h1><p>b</p></body></html>`, n, n)
	}))
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "recruitscan.yaml")
	warcDir := t.TempDir()
	os.WriteFile(cfg, []byte(fmt.Sprintf(`crawl:
  warc_dir: %s
sources:
  - id: slow
    type: html
    urls: ["%s/list/0"]
    delay: 30s
    allow_private: true
    max_pages: 1000
    selectors: {ad_links: "a.ad", next_page: "a[rel=next]", title: h1, body: p}
`, warcDir, srv.URL)), 0o600)
	_, prefix := testredis.Client(t) // removes the crawl's keys afterwards
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RECRUITSCAN_TEST_MAIN=1",
		"RECRUITSCAN_TEST_ARGS=crawl --config "+cfg+" --listen 127.0.0.1:0 --redis "+testredis.URL(t)+" --prefix "+strings.TrimSuffix(prefix, ":"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for hits.Load() == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the crawl fetched nothing in 20 s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // now inside the 30 s delay
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("stopped %s after SIGTERM; want within 2 s", d)
		}
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 10 s after SIGTERM:\n%s", out.String())
	}
	if n := hits.Load(); n > 2 {
		t.Errorf("%d pages fetched despite the 30 s delay", n)
	}
	// The exchanges made before the signal are in a closed WARC file.
	warcs, _ := filepath.Glob(filepath.Join(warcDir, "*.warc.gz"))
	if len(warcs) == 0 {
		t.Errorf("no WARC file in %s after the crawl", warcDir)
	}
	for _, w := range warcs {
		if fi, err := os.Stat(w); err != nil || fi.Size() == 0 {
			t.Errorf("WARC file %s empty or unreadable (%v)", w, err)
		}
	}
}
