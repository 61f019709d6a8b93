package demoworld

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"

	"github.com/recruitscan/recruitscan"
)

func TestServesEveryPage(t *testing.T) {
	w := startWorld(t)
	paths := append(w.CrawledPaths(), "/robots.txt", "/", robotsTrap)
	for _, a := range w.Ads() {
		paths = append(paths, strings.TrimPrefix(a.URL, w.URL()))
	}
	for _, p := range paths {
		body, ctype := get(t, w.URL()+p)
		if len(body) == 0 || ctype == "" {
			t.Errorf("%s: empty body or no Content-Type", p)
		}
	}
}

func TestServerAnswers(t *testing.T) {
	w := startWorld(t)
	page := w.URL() + "/board/jobs"
	resp, err := http.Get(page) // as the tests below: the client asks for gzip
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	tests := []struct {
		name, method, url string
		header            map[string]string
		want              int
	}{
		{"unknown path", "GET", w.URL() + "/board/job/b-999", nil, http.StatusNotFound},
		{"unknown query", "GET", w.URL() + "/board/jobs?page=99", nil, http.StatusNotFound},
		{"post", "POST", page, nil, http.StatusMethodNotAllowed},
		{"etag match", "GET", page, map[string]string{"If-None-Match": etag}, http.StatusNotModified},
		{"etag stale", "GET", page, map[string]string{"If-None-Match": `"old"`}, http.StatusOK},
		{"not modified since", "GET", page, map[string]string{"If-Modified-Since": "Sun, 29 Nov 2026 00:00:00 GMT"}, http.StatusNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, tt.url, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	if etag == "" {
		t.Error("no ETag")
	}
}

// TestGzip checks both representations of a page: the gzip one decodes to
// the identity one, and each has its own entity tag.
func TestGzip(t *testing.T) {
	w := startWorld(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	fetch := func(enc string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", w.URL()+"/souq/c/jobs", nil)
		req.Header.Set("Accept-Encoding", enc)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	plain, body := fetch("identity")
	zipped, gz := fetch("br;q=1, gzip;q=0.8")
	if plain.Header.Get("Content-Encoding") != "" || zipped.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q and %q", plain.Header.Get("Content-Encoding"), zipped.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, body) || len(gz) >= len(body) {
		t.Errorf("gzip body (%d bytes) does not decode to the page (%d bytes): %v", len(gz), len(body), err)
	}
	if plain.Header.Get("ETag") == zipped.Header.Get("ETag") || zipped.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("ETags %q, %q; Vary %q", plain.Header.Get("ETag"), zipped.Header.Get("ETag"), zipped.Header.Get("Vary"))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip": true, "gzip;q=0": false,
		"gzip; q=0.000": false, "gzip;q=0.5": true, "br": false, "x-gzip": false, "gzip;q=1.0": true,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestCloseStopsServing(t *testing.T) {
	w, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if resp, err := http.Get(w.URL() + "/robots.txt"); err == nil {
		resp.Body.Close()
		t.Fatal("world still answers after Close")
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestWindows1256Pages checks that every page of the legacy site is
// really windows-1256 (not UTF-8), says so in its header and meta, and
// decodes to the ads' exact text.
func TestWindows1256Pages(t *testing.T) {
	w := startWorld(t)
	texts := map[string][]string{}
	for _, a := range w.Ads() {
		if a.Charset == "windows-1256" {
			list := w.URL() + "/wazaif/list.php"
			texts[a.URL] = append(texts[a.URL], a.Title, a.Body, a.Contact)
			texts[list] = nil // the listing: only the site's own text is checked
		}
	}
	if len(texts) < 2 {
		t.Fatal("no windows-1256 pages in the world")
	}
	for u, want := range texts {
		body, ctype := get(t, u)
		if ctype != "text/html; charset=windows-1256" || utf8.Valid(body) {
			t.Errorf("%s: Content-Type %q, valid UTF-8 %v: not really windows-1256", u, ctype, utf8.Valid(body))
		}
		dec, err := charmap.Windows1256.NewDecoder().Bytes(body)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, `content="text/html; charset=windows-1256"`, "وظائف العرب")
		for _, s := range want {
			if !bytes.Contains(dec, []byte(s)) {
				t.Errorf("%s: decoded page lacks %q", u, s)
			}
		}
	}
}

// TestHostileTextEscaped checks that the hostile ad's markup reaches every
// page it is on as text: no element or attribute of it exists in the
// parsed page, the parsed text equals the ad's text, and the page's JSON-LD
// (the only script) holds the exact text as JSON strings.
func TestHostileTextEscaped(t *testing.T) {
	w := startWorld(t)
	hostile := hostileAd(t, w.Ads())
	const ld = `<script type="application/ld+json">`
	for _, p := range []string{hostile.URL, w.URL() + "/board/jobs"} {
		body, _ := get(t, p)
		if bytes.Count(body, []byte("<script")) != bytes.Count(body, []byte(ld)) {
			t.Errorf("%s: a <script> other than JSON-LD in the page", p)
		}
		for _, raw := range []string{"<img", "<iframe", "<svg", "<style>body{display", `href="javascript`, "</script><"} {
			if bytes.Contains(body, []byte(raw)) {
				t.Errorf("%s: raw %q in the page", p, raw)
			}
		}
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		checkNoActiveContent(t, p, doc)
		if !strings.Contains(textOf(doc), hostile.Title) {
			t.Errorf("%s: parsed text lacks the exact hostile title", p)
		}
	}
	body, _ := get(t, hostile.URL)
	doc, _ := html.Parse(bytes.NewReader(body))
	if got := textOf(doc); !strings.Contains(got, hostile.Body) || !strings.Contains(got, hostile.Employer) {
		t.Errorf("detail page text lacks the exact hostile body or employer")
	}
	checkJSONLD(t, doc, hostile)
}

// checkJSONLD parses the page's JSON-LD and compares it with the ad.
func checkJSONLD(t *testing.T, doc *html.Node, a Ad) {
	var scripts []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" && n.FirstChild != nil {
			scripts = append(scripts, n.FirstChild.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(scripts) != 1 {
		t.Fatalf("%d scripts, want one JSON-LD", len(scripts))
	}
	var jp jobPosting
	if err := json.Unmarshal([]byte(scripts[0]), &jp); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, scripts[0])
	}
	if jp.Type != "JobPosting" || jp.Title != a.Title || jp.Description != a.Body || jp.Hiring == nil || jp.Hiring.Name != a.Employer {
		t.Errorf("JSON-LD %+v does not hold the ad's exact text", jp)
	}
}

func hostileAd(t *testing.T, ads []Ad) Ad {
	t.Helper()
	for _, a := range ads {
		text := a.Title + a.Body
		if strings.Contains(text, "<script>") && strings.Contains(text, "\u202e") {
			for _, s := range []string{"onerror=", "javascript:", "<iframe", "<style>"} {
				if !strings.Contains(text, s) {
					t.Fatalf("hostile ad %s lacks %q", a.ID, s)
				}
			}
			return a
		}
	}
	t.Fatal("no hostile ad in the data")
	return Ad{}
}

// checkNoActiveContent fails on script, style-less active elements, event
// handler attributes and javascript: URLs other than the page's own.
func checkNoActiveContent(t *testing.T, page string, n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "iframe", "img", "svg", "object", "embed":
			t.Errorf("%s: element <%s> in the page", page, n.Data)
		case "script":
			if attr(n, "type") != "application/ld+json" || n.Parent.Data != "head" {
				t.Errorf("%s: <script type=%q> in %s", page, attr(n, "type"), n.Parent.Data)
			}
		}
		if n.Data == "style" && n.Parent != nil && n.Parent.Data != "head" {
			t.Errorf("%s: <style> outside head", page)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
				t.Errorf("%s: attribute %s=%q", page, a.Key, a.Val)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		checkNoActiveContent(t, page, c)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of n's nodes, scripts left out.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestRobotsTxt(t *testing.T) {
	w := startWorld(t)
	body, ctype := get(t, w.URL()+"/robots.txt")
	if !strings.HasPrefix(ctype, "text/plain") || !strings.Contains(string(body), "Disallow: /admin/") {
		t.Errorf("robots.txt %q: %s", ctype, body)
	}
	if w.Expected().RobotsDenied == 0 {
		t.Error("no robots-denied link: the crawl would not exercise robots.txt")
	}
}

func TestSources(t *testing.T) {
	w := startWorld(t)
	types := map[recruitscan.SourceType]int{}
	for _, s := range w.Sources() {
		types[s.Type]++
		if !s.AllowPrivate || s.IgnoreRobots || s.Delay != SourceDelay || s.MaxPages <= w.Expected().PagesBySource[s.ID] {
			t.Errorf("source %s: AllowPrivate %v IgnoreRobots %v Delay %v MaxPages %d", s.ID, s.AllowPrivate, s.IgnoreRobots, s.Delay, s.MaxPages)
		}
		for _, u := range s.URLs {
			if !strings.HasPrefix(u, w.URL()+"/") {
				t.Errorf("source %s: URL %s outside the world", s.ID, u)
			}
		}
		if s.Type == recruitscan.SourceHTML && (s.Selectors.Title == "" || s.Selectors.Body == "" || s.Selectors.NextPage == "") {
			t.Errorf("source %s: selectors missing: %+v", s.ID, s.Selectors)
		}
	}
	for _, ty := range []recruitscan.SourceType{recruitscan.SourceHTML, recruitscan.SourceFeed, recruitscan.SourceTelegram} {
		if types[ty] == 0 {
			t.Errorf("no %s source", ty)
		}
	}
}

func TestExpectedIsACopy(t *testing.T) {
	w := startWorld(t)
	e := w.Expected()
	e.AdsByLang["ar"] = -1
	w.Ads()[0].Phones = nil
	if w.Expected().AdsByLang["ar"] == -1 {
		t.Error("Expected shares its maps with the caller")
	}
}

func TestParseAdsErrors(t *testing.T) {
	const good = `- id: b-001
  site: board
  lang: en
  title: "Cook"
  body: "Cook wanted, call 050 555 0101"
  posted: 2026-11-01T10:00:00Z
  phones: ["+966505550101"]
  label: benign
`
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", good + "  colour: red\n", []string{"x.yaml:9:", "colour"}},
		{"bad label", strings.Replace(good, "benign", "maybe", 1), []string{"x.yaml:1", `label "maybe"`}},
		{"risky without indicators", strings.Replace(good, "benign", "risky", 1), []string{"x.yaml:1", "needs at least one"}},
		{"phone not in text", strings.Replace(good, "+966505550101", "+966505550199", 1), []string{"x.yaml:1", "does not appear"}},
		{"duplicate id", good + good, []string{"x.yaml:9", "already used at line 1"}},
		{"bad site and lang", strings.NewReplacer("board", "forum", "lang: en", "lang: xx").Replace(good), []string{`site "forum"`, `lang "xx"`}},
		{"souq without category", strings.Replace(good, "board", "souq", 1), []string{"x.yaml:1", `category ""`}},
		{"channel on the board", good + "  channel: some_channel\n", []string{"x.yaml:1", "only for telegram"}},
		{"telegram without channel", strings.Replace(good, "board", "telegram", 1), []string{"x.yaml:1", `channel ""`}},
		{"benign with risk indicator", good + "  indicators: [visa_trading]\n", []string{"benign ad has"}},
		{"unknown indicator", strings.Replace(good, "benign", "risky", 1) + "  indicators: [free_lunch]\n", []string{"not a taxonomy id"}},
	}
	if _, err := parseAds("x.yaml", []byte(good)); err != nil {
		t.Fatalf("good data: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseAds("x.yaml", []byte(tt.yaml))
			if !errors.Is(err, ErrBadData) {
				t.Fatalf("err = %v, want ErrBadData", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestDataShape holds the embedded data to what the demo promises: enough
// ads, languages, a balance of labels, every indicator, linked phones
// across sites, Arabic-Indic digits and the special pages.
func TestDataShape(t *testing.T) {
	ads, err := parseAds("ads.yaml", adsYAML)
	if err != nil {
		t.Fatal(err)
	}
	langs, inds, risky := map[string]bool{}, map[recruitscan.Indicator]bool{}, 0
	var arabicIndic, cp1256 bool
	for _, a := range ads {
		langs[a.Lang] = true
		if a.Risky() {
			risky++
		}
		for _, in := range a.Indicators {
			inds[in] = true
		}
		arabicIndic = arabicIndic || strings.ContainsAny(a.Body, "٠١٢٣٤٥٦٧٨٩")
		cp1256 = cp1256 || a.Charset == "windows-1256"
	}
	if len(ads) < 60 || len(langs) < 8 || !arabicIndic || !cp1256 {
		t.Errorf("%d ads, %d languages, Arabic-Indic digits %v, windows-1256 %v", len(ads), len(langs), arabicIndic, cp1256)
	}
	for _, l := range []string{"ar", "ur", "hi", "bn", "tl", "en"} {
		if !langs[l] {
			t.Errorf("no ad in %s", l)
		}
	}
	if share := float64(risky) / float64(len(ads)); share < 0.4 || share > 0.65 {
		t.Errorf("risky share %.2f, want roughly half", share)
	}
	for _, in := range append(recruitscan.Indicators(), recruitscan.Mitigating) {
		if !inds[in] {
			t.Errorf("no ad with indicator %s", in)
		}
	}
	checkLinkedAcrossSites(t, ads)
}

func checkLinkedAcrossSites(t *testing.T, ads []Ad) {
	sites := map[string][]Site{}
	for _, a := range ads {
		for _, p := range a.Phones {
			if !slices.Contains(sites[p], a.Site) {
				sites[p] = append(sites[p], a.Site)
			}
		}
	}
	cross := 0
	for _, s := range sites {
		if len(s) >= 2 {
			cross++
		}
	}
	if cross < 3 {
		t.Errorf("%d phones shared across sites, want at least 3", cross)
	}
}

func FuzzParseAds(f *testing.F) {
	f.Add(adsYAML[:2000])
	f.Add([]byte("- id: b-001\n  site: board\n"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ads, err := parseAds("fuzz.yaml", data)
		if err == nil {
			for _, a := range ads {
				if p := validateAd(&a); len(p) > 0 {
					t.Errorf("accepted an invalid ad: %v", p)
				}
			}
		} else if !errors.Is(err, ErrBadData) {
			t.Errorf("error %v is not ErrBadData", err)
		}
	})
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		w, err := Start()
		if err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

func BenchmarkServePage(b *testing.B) {
	w, err := Start()
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	u := w.URL() + "/board/jobs"
	for b.Loop() {
		resp, err := http.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
