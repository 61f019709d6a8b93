package crawler

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/recruitscan/recruitscan"
)

func FuzzTidy(f *testing.F) {
	for _, s := range []string{"", "a  b\n\n\nc", "\x00\x1b[31mred\u00a0x\u200b", "\xff\xfe bad", " \t\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := tidy(s)
		if !utf8.ValidString(out) {
			t.Fatalf("tidy(%q) = %q: invalid UTF-8", s, out)
		}
		if strings.ContainsFunc(out, func(r rune) bool { return r != '\n' && (isControl(r) || isSpace(r) && r != ' ') }) {
			t.Fatalf("tidy(%q) = %q: control or odd space left", s, out)
		}
		if again := tidy(out); again != out {
			t.Fatalf("tidy not idempotent: %q → %q → %q", s, out, again)
		}
	})
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{"https://X.org:443/a;jsessionid=1?b=2&a=1&utm_x=3#f", "http://[::1]:80/%7e?q=%20", "https://x.org/p?a=1;b=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Canonicalize(s)
		if err != nil {
			return
		}
		again, err := Canonicalize(c)
		if err != nil || again != c {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", s, c, again, err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=windows-1256>\xe3\xd8\xe1\xc8"), "text/html")
	f.Add([]byte("\xff\xfeh\x00i\x00"), "")
	f.Add([]byte("caf\xe9"), "text/html; charset=utf-8")
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>`), "application/xml")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		if out := decode(body, ct); !utf8.ValidString(out) {
			t.Fatalf("decode gave invalid UTF-8 for %q (%s)", body, ct)
		}
	})
}

// FuzzExtract: any page, of any kind, reads without panic into ads whose
// text is valid UTF-8 and whose links are canonical http(s) URLs.
func FuzzExtract(f *testing.F) {
	f.Add([]byte(`<a class="job" href="/j/1">x</a><h1 class="t">T</h1><div class="desc">B<script>x</script></div>`), uint8(0))
	f.Add([]byte(`<rss><channel><item><title>t</title><link>/x</link></item></channel></rss>`), uint8(2))
	f.Add([]byte(`<sitemapindex><sitemap><loc>/s.xml</loc></sitemap></sitemapindex>`), uint8(3))
	f.Add([]byte(`<script type="application/ld+json">[{"@type":"JobPosting","title":"x","jobLocation":[{"address":{"addressLocality":"y"}}]}]</script>`), uint8(1))
	f.Add([]byte(tgPage), uint8(4))
	kinds := []Kind{KindListing, KindDetail, KindFeed, KindSitemap, KindListing}
	f.Fuzz(func(t *testing.T, body []byte, k uint8) {
		kind := kinds[int(k)%len(kinds)]
		typ := recruitscan.SourceHTML
		if k%len8(kinds) == 4 {
			typ = recruitscan.SourceTelegram
		}
		src, errs := newSource(&Config{Getenv: func(string) string { return "" }}, recruitscan.Source{ID: "f", Type: typ,
			URLs: []string{"https://example.org/"}, Selectors: boardSelectors})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		u, _ := url.Parse("https://example.org/page")
		p := &page{Task: Task{URL: u.String(), Kind: kind}, RequestURL: u.String(), FinalURL: u, Status: 200, Body: body}
		ex, _ := (&extractor{src: src, sel: src.sel}).page(p)
		for _, ad := range ex.ads {
			for _, s := range []string{ad.Title, ad.Body, ad.Employer, ad.Location, ad.Salary, ad.Contact} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %+v", ad)
				}
			}
		}
		for _, l := range ex.links {
			if c, err := Canonicalize(l.URL); err != nil || c != l.URL {
				t.Fatalf("link %q not canonical (%q, %v)", l.URL, c, err)
			}
		}
	})
}

func len8[T any](s []T) uint8 { return uint8(len(s)) }
