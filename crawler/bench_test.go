package crawler

import (
	"net/url"
	"strings"
	"testing"

	"github.com/recruitscan/recruitscan"
	"golang.org/x/text/encoding/charmap"
)

// BenchmarkCrawl is the crawl hot path end to end: 1,000 local pages at
// parallelism 8, no delay (fetch, robots, guard, frontier, parse, ads).
func BenchmarkCrawl(b *testing.B) {
	s, _ := bigSite(b, 50, 19)
	b.ReportAllocs()
	pages := 0
	for b.Loop() {
		cfg := Config{Sources: []recruitscan.Source{bigSource(s.URL, 8, 5000)}, Sink: &memSink{}, DefaultDelay: -1}
		c, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.RunOnce(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		pages += st.Sources["big"].Pages
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkExtractDetail reads one detail page into an ad.
func BenchmarkExtractDetail(b *testing.B) {
	body := []byte(strings.Replace(detailTmpl, "%s", "Warehouse worker", 1))
	body = []byte(strings.Replace(string(body), "%s", strings.Repeat("Load, sort and record goods. ", 60), 1))
	src, errs := newSource(&Config{Getenv: func(string) string { return "" }}, recruitscan.Source{ID: "b", Type: recruitscan.SourceHTML,
		URLs: []string{"https://example.org/"}, Selectors: boardSelectors})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	x := &extractor{src: src, sel: src.sel}
	u, _ := url.Parse("https://example.org/job/1")
	p := &page{Task: Task{URL: u.String(), Kind: KindDetail}, RequestURL: u.String(), FinalURL: u, Status: 200,
		ContentType: "text/html; charset=utf-8", Body: body}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ex, err := x.page(p)
		if err != nil || len(ex.ads) != 1 {
			b.Fatal(err, len(ex.ads))
		}
	}
}

func BenchmarkCanonicalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize("https://Jobs.Example.org:443/job/123;jsessionid=AB?utm_source=x&b=2&a=1&sid=9#top"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeWindows1256(b *testing.B) {
	text, _ := charmap.Windows1256.NewEncoder().String(strings.Repeat("مطلوب سائق خاص براتب 3000 ريال ", 200))
	body := []byte(`<meta charset="windows-1256">` + text)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if decode(body, "text/html") == "" {
			b.Fatal("empty")
		}
	}
}
