package crawler

import (
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc"
	"github.com/recruitscan/recruitscan"
)

// warcRecords reads every record of the files in dir, keyed by type and
// target URI.
func warcRecords(t *testing.T, dir string) (map[string]gowarc.WarcRecord, []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	recs := map[string]gowarc.WarcRecord{}
	for _, f := range files {
		r, err := gowarc.NewWarcFileReader(f, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		for {
			rec, _, _, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			recs[rec.Type().String()+" "+rec.WarcHeader().Get(gowarc.WarcTargetURI)] = rec
		}
	}
	return recs, files
}

func TestWARC(t *testing.T) {
	const detail = `<h1>Welder</h1><p>Gulf Works hires welders</p>`
	s := newSite(t, map[string]resp{
		"/list":  {body: `<a class="j" href="/job/1">Welder</a><a class="j" href="/moved">x</a>`},
		"/job/1": {header: map[string]string{"Content-Type": "text/html; charset=utf-8"}, body: detail},
		"/moved": {status: 301, header: map[string]string{"Location": "{{base}}/job/1"}},
	})
	dir := filepath.Join(t.TempDir(), "warc")
	sink := &memSink{}
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "w/1", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/list"},
		AllowPrivate: true, Selectors: recruitscan.Selectors{AdLinks: "a.j", Title: "h1"}})
	cfg.WARCDir = dir
	crawlOnce(t, cfg)
	recs, files := warcRecords(t, dir)
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), "recruitscan-w_1-") || !strings.HasSuffix(f, ".warc.gz") {
			t.Errorf("file %s: want recruitscan-w_1-*.warc.gz, closed", f)
		}
	}
	resp, ok := recs["response "+s.URL+"/job/1"]
	if !ok {
		t.Fatalf("no response record for /job/1 among %d records", len(recs))
	}
	sum := sha1.Sum([]byte(detail))
	want := "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
	if got := resp.WarcHeader().Get(gowarc.WarcPayloadDigest); got != want {
		t.Errorf("payload digest %q, want %q", got, want)
	}
	if got := resp.WarcHeader().Get(gowarc.ContentType); got != "application/http;msgtype=response" {
		t.Errorf("content type %q", got)
	}
	if resp.Version() != gowarc.V1_1 {
		t.Errorf("version %v, want WARC/1.1", resp.Version())
	}
	hb, ok := resp.Block().(gowarc.HttpResponseBlock)
	if !ok {
		t.Fatalf("response block is %T, want an HTTP response", resp.Block())
	}
	if hb.HttpStatusCode() != 200 {
		t.Errorf("status %d, want 200", hb.HttpStatusCode())
	}
	req, ok := recs["request "+s.URL+"/job/1"]
	if !ok {
		t.Fatal("no request record for /job/1")
	}
	if got, want := req.WarcHeader().Get(gowarc.WarcConcurrentTo), resp.WarcHeader().Get(gowarc.WarcRecordID); got != want {
		t.Errorf("request concurrent to %q, want the response %q", got, want)
	}
	if r, ok := recs["response "+s.URL+"/moved"]; !ok {
		t.Error("no response record for the redirect /moved")
	} else if hb, ok := r.Block().(gowarc.HttpResponseBlock); !ok || hb.HttpStatusCode() != 301 {
		t.Errorf("redirect record block %T, want HTTP 301", r.Block())
	}
}

// TestWARCRotates: a small WARCMaxBytes spreads the exchanges over
// several files, each closed.
func TestWARCRotates(t *testing.T) {
	pages := map[string]resp{"/list": {}}
	var links strings.Builder
	for _, p := range []string{"/a", "/b", "/c", "/d", "/e", "/f"} {
		links.WriteString(`<a class="j" href="` + p + `">x</a>`)
		pages[p] = resp{body: "<h1>" + strings.Repeat("job ", 2000) + p + "</h1>"}
	}
	pages["/list"] = resp{body: links.String()}
	s := newSite(t, pages)
	dir := t.TempDir()
	cfg, _ := testConfig(t, &memSink{}, recruitscan.Source{ID: "rot", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/list"},
		AllowPrivate: true, Parallel: 1, Selectors: recruitscan.Selectors{AdLinks: "a.j", Title: "h1"}})
	cfg.WARCDir, cfg.WARCMaxBytes = dir, 1000
	crawlOnce(t, cfg)
	recs, files := warcRecords(t, dir)
	if len(files) < 3 {
		t.Errorf("%d files with a 1000-byte cap, want several", len(files))
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".open") {
			t.Errorf("file %s left open", f)
		}
	}
	for _, p := range []string{"/a", "/f"} {
		if _, ok := recs["response "+s.URL+p]; !ok {
			t.Errorf("no response record for %s", p)
		}
	}
}

func TestWARCDirUnusable(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _ := testConfig(t, &memSink{})
	cfg.WARCDir = filepath.Join(f, "sub")
	if _, err := New(cfg); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "warc_dir") {
		t.Errorf("New with a WARC dir under a file = %v, want ErrInvalidConfig naming warc_dir", err)
	}
}
