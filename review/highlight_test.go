package review

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/recruitscan/recruitscan"
)

func TestHighlight(t *testing.T) {
	h := func(rule string, start, end int) recruitscan.Hit {
		return recruitscan.Hit{Rule: rule, Indicator: recruitscan.JobScam, Field: "body", Start: start, End: end}
	}
	type seg struct {
		Text  string
		Rules string
		Bidi  string
	}
	ar := "تأشيرة حرة للبيع"
	tests := []struct {
		name    string
		text    string
		hits    []recruitscan.Hit
		want    []seg
		unplace int
		ents    []recruitscan.Entity
	}{
		{"no hits", "plain", nil, []seg{{"plain", "", ""}}, 0, nil},
		{"one hit", "pay the fee now", []recruitscan.Hit{h("r1", 4, 11)}, []seg{{"pay ", "", ""}, {"the fee", "r1", ""}, {" now", "", ""}}, 0, nil},
		{"overlap", "abcdef", []recruitscan.Hit{h("r1", 0, 4), h("r2", 2, 6)},
			[]seg{{"ab", "r1", ""}, {"cd", "r1 r2", ""}, {"ef", "r2", ""}}, 0, nil},
		{"arabic bytes", ar, []recruitscan.Hit{h("r1", 0, len("تأشيرة حرة"))}, []seg{{"تأشيرة حرة", "r1", ""}, {" للبيع", "", ""}}, 0, nil},
		{"mid-rune offset refused", ar, []recruitscan.Hit{h("r1", 1, 5)}, []seg{{ar, "", ""}}, 1, nil},
		{"out of range refused", "abc", []recruitscan.Hit{h("r1", 2, 9), h("r2", -1, 1), h("r3", 2, 2)}, []seg{{"abc", "", ""}}, 3, nil},
		{"other field ignored", "abc", []recruitscan.Hit{{Rule: "t", Field: "title", Start: 0, End: 1}}, []seg{{"abc", "", ""}}, 0, nil},
		{"bidi override labelled", "a\u202Eexe.txt\u202Cb", []recruitscan.Hit{h("r1", 0, 1)},
			[]seg{{"a", "r1", ""}, {"", "", "[U+202E RLO]"}, {"exe.txt", "", ""}, {"", "", "[U+202C PDF]"}, {"b", "", ""}}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			segs, bad := highlight(tc.text, "body", tc.hits, tc.ents)
			var got []seg
			for _, s := range segs {
				got = append(got, seg{s.Text, s.Rules(), s.Bidi})
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("segments (-want +got):\n%s", d)
			}
			if len(bad) != tc.unplace {
				t.Errorf("unplaced %d, want %d", len(bad), tc.unplace)
			}
		})
	}
}

func TestHighlightIsolatesContacts(t *testing.T) {
	text := "واتساب فقط +966501234567 الآن"
	i := strings.Index(text, "+966")
	ents := []recruitscan.Entity{
		{Kind: recruitscan.EntityPhone, Field: "body", Start: i, End: i + len("+966501234567")},
		{Kind: recruitscan.EntityMoney, Field: "body", Start: 0, End: 2},
	}
	hit := recruitscan.Hit{Rule: "r", Field: "body", Start: 0, End: i + 4}
	segs, _ := highlight(text, "body", []recruitscan.Hit{hit}, ents)
	var got []string
	for _, s := range segs {
		got = append(got, fmt.Sprintf("%s|%v|%d", s.Text, s.LTR, len(s.Hits)))
	}
	want := []string{"واتساب فقط |false|1", "+966|true|1", "501234567|true|0", " الآن|false|0"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("segments (-want +got):\n%s", d)
	}
}

func TestInert(t *testing.T) {
	for in, want := range map[string]string{
		"ok":                  "ok",
		"a\u202Eb":            "a[U+202E RLO]b",
		"x\x00y\x1bz":         "xyz",
		"bad \xff utf8":       "bad \uFFFD utf8",
		"line\nbreak\ttab":    "line\nbreak\ttab",
		"\u2067isolate\u2069": "[U+2067 RLI]isolate[U+2069 PDI]",
	} {
		if got := inert(in); got != want {
			t.Errorf("inert(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestItemPageMarkup checks the server-side rendering of the ad view: hits
// are <mark>s with indicator, rule and description; ad text carries
// dir="auto" and lang; hostile markup arrives escaped and bidi controls
// as labels; the raw capture is text.
func TestItemPageMarkup(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	s := e.login("lead1")
	r := s.do("GET", "/items/"+idArabic, nil, "")
	if r.code != http.StatusOK {
		t.Fatalf("item page: %d", r.code)
	}
	for _, want := range []string{
		`<div class="adtext body" dir="auto" lang="ar" id="ad-body">`,
		`<mark tabindex="0" class="hit" data-indicator="visa_trading" data-rule="ar.visa_sale" title="visa_trading: rule ar.visa_sale explains visa_trading (rule ar.visa_sale)"`,
		`>تأشيرة حرة للبيع</mark>`,
		`>الجواز يبقى مع الكفيل</mark>`,
		`href="/entities?kind=phone&amp;value=%2b966501234567"`,
		`href="/items/` + idEnglish + `"`, // the ad sharing the phone
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("Arabic ad page lacks %s", want)
		}
	}

	r = s.do("GET", "/items/"+idXSS, nil, "")
	for _, bad := range []string{"<script>window", "<img src=x", "<iframe", "<style>", `href="javascript:`, "\u202E", "\u2067", "onerror=\"window"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("XSS ad page contains live %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;window.__xss=1&lt;/script&gt;", "202E RLO]", "2067 RLI]",
		`&lt;iframe src=&#34;http://foreign.invalid/frame&#34;&gt;</mark>`, `<pre class="raw" dir="ltr" id="raw">&lt;html&gt;`, "matches the capture record"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("XSS ad page lacks %s", want)
		}
	}
	if strings.Count(r.body, "<script") != 1 {
		t.Errorf("page has %d script tags, want only app.js", strings.Count(r.body, "<script"))
	}
}

// TestAdViewPageWeight keeps the ad view light: its HTML plus every asset
// it loads (one script, one stylesheet, no images or fonts) stays under
// 64 KiB. `go test -v -run PageWeight ./review` prints the figures.
func TestAdViewPageWeight(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	s := e.login("rev1")
	page := s.do("GET", "/items/"+idArabic, nil, "")
	total := len(page.body)
	parts := []string{fmt.Sprintf("html %d", len(page.body))}
	for _, asset := range []string{"/static/app.js", "/static/app.css"} {
		r := s.do("GET", asset, nil, "")
		if r.code != http.StatusOK {
			t.Fatalf("%s: %d", asset, r.code)
		}
		total += len(r.body)
		parts = append(parts, fmt.Sprintf("%s %d", asset, len(r.body)))
	}
	if n := strings.Count(page.body, "src=") + strings.Count(page.body, `rel="stylesheet"`); n != 2 {
		t.Errorf("ad view loads %d resources, want 2 (app.js, app.css)", n)
	}
	t.Logf("ad view weight: %d bytes uncompressed (%s)", total, strings.Join(parts, ", "))
	if total > 64<<10 {
		t.Errorf("ad view weighs %d bytes, budget 64 KiB", total)
	}
}

// FuzzHighlight: for any text and any (even nonsensical) offsets,
// highlight never panics, and its segments put back together are the
// original text, with every bidi control turned into a label.
func FuzzHighlight(f *testing.F) {
	f.Add("تأشيرة حرة للبيع", 0, 10, 3, 20)
	f.Add("a\u202Eb\u2066c", 1, 4, 0, 2)
	f.Add("pay the fee", 4, 11, 2, 6)
	f.Fuzz(func(t *testing.T, text string, s1, e1, s2, e2 int) {
		hits := []recruitscan.Hit{{Rule: "a", Field: "body", Start: s1, End: e1}, {Rule: "b", Field: "body", Start: s2, End: e2}}
		ents := []recruitscan.Entity{{Kind: recruitscan.EntityPhone, Field: "body", Start: s2, End: e1}}
		segs, bad := highlight(text, "body", hits, ents)
		var b strings.Builder
		for _, sg := range segs {
			if sg.Bidi != "" {
				if sg.Text != "" {
					t.Fatalf("bidi segment with text %q", sg.Text)
				}
				continue
			}
			b.WriteString(sg.Text)
		}
		want := strings.Map(func(r rune) rune {
			if _, ok := bidiNames[r]; ok {
				return -1
			}
			return r
		}, text)
		if utf8.ValidString(text) && b.String() != want {
			t.Fatalf("segments join to %q, want %q", b.String(), want)
		}
		for _, h := range bad {
			if validSpan(text, h.Start, h.End) {
				t.Fatalf("valid hit %d-%d reported unplaced", h.Start, h.End)
			}
		}
	})
}

func TestRawCaptureAsText(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	s := e.login("rev1")
	r := s.do("GET", "/items/"+idXSS+"/raw", nil, "")
	if r.code != http.StatusOK || r.header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.HasPrefix(r.header.Get("Content-Security-Policy"), "sandbox") || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("raw: %d %v", r.code, r.header)
	}
	if !strings.HasPrefix(r.body, "<html><body><script>window.__xss=7") || strings.Contains(r.body, "\u202E") || !strings.Contains(r.body, "[U+202E RLO]") {
		t.Errorf("raw body:\n%s", r.body)
	}
	if r := s.do("GET", "/items/"+idArabic+"/raw", nil, ""); r.code != http.StatusNotFound {
		t.Errorf("ad without a capture: %d, want 404", r.code)
	}
}
