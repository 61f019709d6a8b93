package crawler

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/recruitscan/recruitscan"
	"golang.org/x/text/encoding/charmap"
)

// fields is what tests compare of an ad: everything but id and evidence.
func fields(ads []recruitscan.Ad) []recruitscan.Ad {
	out := make([]recruitscan.Ad, len(ads))
	for i, a := range ads {
		a.ID, a.Evidence = "", nil
		out[i] = a
	}
	return out
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

const detailTmpl = `<!doctype html><html><head><title>site</title><script>var x = "<b>not text</b>";</script></head>
<body><nav>menu</nav><h1 class="t">%s</h1>
<div class="desc"><p>%s</p><p>Second <b>paragraph</b>.</p><style>.a{}</style></div>
<span class="emp">%s</span><span class="loc">Riyadh</span><span class="sal">3000 SAR</span>
<span class="date">Posted : %s</span><div class="contact"><a href="tel:+966500000001">Apply now</a></div></body></html>`

func detailPage(title, body, emp, date string) resp {
	r := strings.NewReplacer("%s", "\x00")
	_ = r
	s := detailTmpl
	for _, v := range []string{title, body, emp, date} {
		s = strings.Replace(s, "%s", v, 1)
	}
	return resp{body: s}
}

var boardSelectors = recruitscan.Selectors{
	AdLinks: "a.job", NextPage: "a.next", Title: "h1.t", Body: ".desc", Employer: ".emp",
	Location: ".loc", Salary: ".sal", Posted: ".date", Contact: ".contact",
}

func TestHTMLListingAndDetailPages(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/jobs": {body: `<a class="job" href="/job/1?utm_source=x#top">one</a><a class="job" href="/job/2">two</a>
			<a class="job" href="/job/1">dup</a><a class="next" href="/jobs?page=2">next</a>`},
		"/jobs?page=2": {body: `<a class="job" href="job/3">three</a><a class="job" href="mailto:x@y.z">mail</a>`},
		"/job/1":       detailPage("Driver wanted", "Drive trucks.", "Acme", "2025-10-18"),
		"/job/2":       detailPage("Cook", "Cook food.", "Beta", "2025-10-17"),
		"/job/3":       detailPage("Nurse", "Care &amp; cure.", "Gamma", "2025-10-16"),
	})
	sink := &memSink{}
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "board", Type: recruitscan.SourceHTML,
		URLs: []string{s.URL + "/jobs"}, AllowPrivate: true, Selectors: boardSelectors})
	st := crawlOnce(t, cfg)

	want := []recruitscan.Ad{
		{SourceID: "board", URL: s.URL + "/job/1", Title: "Driver wanted", Body: "Drive trucks.\nSecond paragraph.",
			Employer: "Acme", Location: "Riyadh", Salary: "3000 SAR", Contact: "Apply now\n+966500000001", PostedAt: day("2025-10-18T00:00:00Z")},
		{SourceID: "board", URL: s.URL + "/job/2", Title: "Cook", Body: "Cook food.\nSecond paragraph.",
			Employer: "Beta", Location: "Riyadh", Salary: "3000 SAR", Contact: "Apply now\n+966500000001", PostedAt: day("2025-10-17T00:00:00Z")},
		{SourceID: "board", URL: s.URL + "/job/3", Title: "Nurse", Body: "Care & cure.\nSecond paragraph.",
			Employer: "Gamma", Location: "Riyadh", Salary: "3000 SAR", Contact: "Apply now\n+966500000001", PostedAt: day("2025-10-16T00:00:00Z")},
	}
	got := sink.byURL()
	if diff := cmp.Diff(want, fields(got)); diff != "" {
		t.Errorf("ads (-want +got):\n%s", diff)
	}
	if got := st.Sources["board"]; got.Pages != 5 || got.Ads != 3 || got.Errors != 0 {
		t.Errorf("stats = %+v, want 5 pages, 3 ads, 0 errors", got)
	}
	if n := s.hitCount("/job/1"); n != 1 {
		t.Errorf("/job/1 fetched %d times, want once (canonical URLs collapse)", n)
	}
	ev := got[0].Evidence
	if ev == nil || ev.Status != 200 || ev.RequestURL != s.URL+"/job/1" || ev.FinalURL != s.URL+"/job/1" ||
		ev.BodySHA256 == "" || !bytes.Contains(ev.RawBody, []byte("Driver wanted")) ||
		ev.Headers["Content-Type"] != "text/html; charset=utf-8" || ev.FetchedAt.IsZero() {
		t.Errorf("evidence = %+v", ev)
	}
	if got[0].ID != recruitscan.AdID("board", s.URL+"/job/1") {
		t.Errorf("id = %s, want AdID(source, canonical url)", got[0].ID)
	}
}

func TestListingCardsAndJSONLD(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/cards": {body: `<ul><li class="card"><a href="/ad/9">x</a><h3>Maid needed</h3><p class="b">Pay fee first</p><time datetime="2025-11-01T10:00:00Z">1 Nov</time></li>
			<li class="card"><h3>Welder</h3><p class="b">No link here</p></li><li class="card"></li></ul>`},
		"/ld": {body: `<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"Organization","name":"x"},
			{"@type":"JobPosting","title":"Electrician","description":"<p>Wire <b>houses</b></p>","datePosted":"2025-09-01",
			"hiringOrganization":{"@type":"Organization","name":"Volt Ltd"},
			"jobLocation":{"@type":"Place","address":{"addressLocality":"Dubai","addressCountry":"AE"}},
			"baseSalary":{"@type":"MonetaryAmount","currency":"AED","value":{"minValue":4000,"maxValue":5000,"unitText":"MONTH"}},
			"url":"/ld/job"}]}</script><script type="application/ld+json">{broken</script></head><body>hi</body></html>`},
	})
	sink := &memSink{}
	cfg, _ := testConfig(t, sink,
		recruitscan.Source{ID: "cards", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/cards"}, AllowPrivate: true,
			Selectors: recruitscan.Selectors{Card: "li.card", Title: "h3", Body: ".b", Posted: "time"}},
		recruitscan.Source{ID: "ld", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/ld"}, AllowPrivate: true})
	crawlOnce(t, cfg)
	want := []recruitscan.Ad{
		{SourceID: "cards", URL: s.URL + "/ad/9", Title: "Maid needed", Body: "Pay fee first", PostedAt: day("2025-11-01T10:00:00Z")},
		{SourceID: "cards", URL: s.URL + "/cards", Title: "Welder", Body: "No link here"},
		{SourceID: "ld", URL: s.URL + "/ld", Title: "Electrician", Body: "Wire houses", Employer: "Volt Ltd",
			Location: "Dubai, AE", Salary: "AED 4000-5000 per month", PostedAt: day("2025-09-01T00:00:00Z")},
	}
	if diff := cmp.Diff(want, fields(sink.byURL()), cmpopts.SortSlices(func(a, b recruitscan.Ad) bool { return a.Title < b.Title })); diff != "" {
		t.Errorf("ads (-want +got):\n%s", diff)
	}
}

const rssFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Jobs</title>
<item><title>Acme: Remote tester</title><link>{{base}}/r/1</link><guid>r1</guid><region>Anywhere</region>
<description>&lt;p&gt;Test &lt;b&gt;things&lt;/b&gt;&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<pubDate>Tue, 08 Nov 2022 14:44:01 +0000</pubDate><dc:creator>Acme</dc:creator></item>
<item><title>No link</title><guid>g-2</guid><description>plain</description></item>
</channel></rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Jobs</title>
<entry><title type="html">Welder &amp;amp; fitter</title><id>urn:1</id><link rel="alternate" href="/a/1"/>
<published>2024-05-01T08:00:00Z</published><summary type="html">&lt;p&gt;Weld&lt;/p&gt;</summary><author><name>Gulf Works</name></author></entry>
</feed>`

func TestFeeds(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/rss":  {header: map[string]string{"Content-Type": "application/rss+xml"}, body: rssFeed},
		"/atom": {header: map[string]string{"Content-Type": "application/atom+xml"}, body: atomFeed},
	})
	sink := &memSink{}
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "feeds", Type: recruitscan.SourceFeed,
		URLs: []string{s.URL + "/rss", s.URL + "/atom"}, AllowPrivate: true})
	crawlOnce(t, cfg)
	want := []recruitscan.Ad{
		{SourceID: "feeds", URL: s.URL + "/a/1", Title: "Welder & fitter", Body: "Weld", Employer: "Gulf Works", PostedAt: day("2024-05-01T08:00:00Z")},
		{SourceID: "feeds", URL: s.URL + "/r/1", Title: "Acme: Remote tester", Body: "Test things", Employer: "Acme", Location: "Anywhere", PostedAt: day("2022-11-08T14:44:01Z")},
		{SourceID: "feeds", URL: s.URL + "/rss#g-2", Title: "No link", Body: "plain"},
	}
	if diff := cmp.Diff(want, fields(sink.byURL())); diff != "" {
		t.Errorf("ads (-want +got):\n%s", diff)
	}
}

func gzipped(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestSitemapIndex(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/sitemap.xml": {header: map[string]string{"Content-Type": "application/xml"}, body: `<?xml version="1.0"?>
			<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{{base}}/sm1.xml</loc></sitemap>
			<sitemap><loc>{{base}}/sm2.xml.gz</loc></sitemap></sitemapindex>`},
		"/sm1.xml": {header: map[string]string{"Content-Type": "text/xml"}, body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
			<url><loc>{{base}}/job/1</loc></url><url><loc>{{base}}/about</loc></url></urlset>`},
		"/sm2.xml.gz": {header: map[string]string{"Content-Type": "application/x-gzip"}, body: gzipped(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
			<url><loc>/job/2</loc></url></urlset>`)},
		"/job/1": {body: `<html><head><title>T1 | site</title></head><body><h1>Job one</h1><main>Body one</main></body></html>`},
		"/job/2": {body: `<html><body><h1>Job two</h1><main>Body two</main></body></html>`},
		"/about": {body: `<h1>About</h1>`},
	})
	sink := &memSink{}
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "sm", Type: recruitscan.SourceSitemap,
		URLs: []string{s.URL + "/sitemap.xml"}, AllowPrivate: true, AdURLPattern: `/job/\d+$`})
	crawlOnce(t, cfg)
	want := []recruitscan.Ad{
		{SourceID: "sm", URL: s.URL + "/job/1", Title: "Job one", Body: "Body one"},
		{SourceID: "sm", URL: s.URL + "/job/2", Title: "Job two", Body: "Body two"},
	}
	if diff := cmp.Diff(want, fields(sink.byURL())); diff != "" {
		t.Errorf("ads (-want +got):\n%s", diff)
	}
	if n := s.hitCount("/about"); n != 0 {
		t.Errorf("/about fetched %d times; it does not match the ad pattern", n)
	}
}

const tgPage = `<html><head><link rel="prev" href="/s/chan?before=10"></head><body>
<div class="tgme_channel_info_header_title">Gulf Jobs Channel</div>
<section><a href="/s/chan?before=10" class="tme_messages_more js-messages_more" data-before="10"></a>
<div class="tgme_widget_message" data-post="chan/10"><div class="tgme_widget_message_owner_name">Gulf Jobs</div>
<div class="tgme_widget_message_text">Drivers needed in Riyadh<br>Visa free, pay 500 USD<br/>WhatsApp +966500000002</div>
<a class="tgme_widget_message_date" href="https://t.me/chan/10"><time datetime="2020-05-04T07:00:02+00:00">07:00</time></a></div>
<div class="tgme_widget_message" data-post="chan/11"><div class="tgme_widget_message_text">Cleaner wanted</div>
<a class="tgme_widget_message_date" href="https://t.me/chan/11"><time datetime="2020-05-05T07:00:00+00:00">07:00</time></a></div>
<div class="tgme_widget_message" data-post="chan/12"><div class="tgme_widget_message_photo">photo only</div></div>
</section></body></html>`

func TestTelegramPreview(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/s/chan": {body: tgPage},
		"/s/chan?before=10": {body: `<div class="tgme_widget_message" data-post="chan/9"><div class="tgme_widget_message_text">Older post</div>
			<a class="tgme_widget_message_date" href="https://t.me/chan/9"><time datetime="2020-05-01T00:00:00+00:00">x</time></a></div>
			<a class="tme_messages_more" data-before="1" href="/s/chan?before=1"></a>`},
		"/s/chan?before=1": {body: `never fetched: over the page limit`},
	})
	sink := &memSink{}
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "tg", Type: recruitscan.SourceTelegram,
		URLs: []string{s.URL + "/s/chan"}, AllowPrivate: true, MaxPages: 2})
	crawlOnce(t, cfg)
	want := []recruitscan.Ad{
		{SourceID: "tg", URL: "https://t.me/chan/10", Title: "Drivers needed in Riyadh",
			Body: "Visa free, pay 500 USD\nWhatsApp +966500000002", Employer: "Gulf Jobs", PostedAt: day("2020-05-04T07:00:02Z")},
		{SourceID: "tg", URL: "https://t.me/chan/11", Title: "Cleaner wanted", Body: "Cleaner wanted", Employer: "Gulf Jobs Channel", PostedAt: day("2020-05-05T07:00:00Z")},
		{SourceID: "tg", URL: "https://t.me/chan/9", Title: "Older post", Body: "Older post", PostedAt: day("2020-05-01T00:00:00Z")},
	}
	if diff := cmp.Diff(want, fields(sink.byURL())); diff != "" {
		t.Errorf("ads (-want +got):\n%s", diff)
	}
	if n := s.hitCount("/s/chan?before=1"); n != 0 {
		t.Errorf("third page fetched %d times with max_pages 2", n)
	}
}

func encode(t *testing.T, cm *charmap.Charmap, s string) string {
	t.Helper()
	b, err := cm.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCharsets(t *testing.T) {
	arabic := "مطلوب سائق خاص براتب 3000 ريال"
	french := "Offre d’emploi : café – été"
	s := newSite(t, map[string]resp{
		"/ar-header": {header: map[string]string{"Content-Type": "text/html; charset=windows-1256"},
			body: "<h1>" + encode(t, charmap.Windows1256, arabic) + "</h1>"},
		"/ar-meta": {header: map[string]string{"Content-Type": "text/html"},
			body: `<html><head><meta charset="windows-1256"></head><body><h1>` + encode(t, charmap.Windows1256, arabic) + "</h1></body></html>"},
		"/fr-http-equiv": {header: map[string]string{"Content-Type": "text/html"},
			body: `<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><h1>` + encode(t, charmap.Windows1252, french) + "</h1>"},
		"/fr-undeclared": {header: map[string]string{"Content-Type": "text/html"}, body: "<h1>" + encode(t, charmap.Windows1252, french) + "</h1>"},
		"/bom":           {header: map[string]string{"Content-Type": "text/html; charset=windows-1256"}, body: "\xEF\xBB\xBF<h1>" + arabic + "</h1>"},
	})
	for _, tc := range []struct{ path, want string }{
		{"/ar-header", arabic}, {"/ar-meta", arabic}, {"/fr-http-equiv", french}, {"/fr-undeclared", french}, {"/bom", arabic},
	} {
		t.Run(tc.path, func(t *testing.T) {
			sink := &memSink{}
			cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "cs", Type: recruitscan.SourceSitemap, URLs: []string{s.URL + "/sm"}, AllowPrivate: true})
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := c.Check(t.Context(), recruitscan.Source{ID: "cs", Type: recruitscan.SourceHTML, URLs: []string{s.URL + tc.path},
				AllowPrivate: true, Selectors: recruitscan.Selectors{Title: "h1"}})
			if err != nil {
				t.Fatal(err)
			}
			sel := rep.Pages[0].Selectors
			if len(sel) != 1 || len(sel[0].Samples) != 1 || sel[0].Samples[0] != tc.want {
				t.Errorf("title = %+v, want %q", sel, tc.want)
			}
		})
	}
}
