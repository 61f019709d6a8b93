package crawler

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
)

// realDir holds the real saved pages (../shared/data/real relative to the
// repository root). They are read in place, not copied: they hold real
// contact details that must not be republished.
const realDir = "../../shared/data/real"

func realFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(realDir, name))
	if err != nil {
		t.Fatalf("real page %s: %v (the tests need ../shared/data/real beside the repository)", name, err)
	}
	return b
}

// realSite serves real files: routes maps a path, or path?jobid=N, to a
// file under realDir.
func realSite(t *testing.T, contentType string, routes map[string]string) *httptest.Server {
	t.Helper()
	files := map[string][]byte{}
	for k, name := range routes {
		files[k] = realFile(t, name)
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.RequestURI()
		if id := r.URL.Query().Get("jobid"); id != "" {
			key = r.URL.Path + "?jobid=" + id
		}
		b, ok := files[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func crawlReal(t *testing.T, src recruitscan.Source) ([]recruitscan.Ad, SourceStats) {
	t.Helper()
	sink := &memSink{}
	src.AllowPrivate, src.IgnoreRobots = true, true
	cfg, _ := testConfig(t, sink, src)
	st := crawlOnce(t, cfg)
	return sink.byURL(), st.Sources[src.ID]
}

func adByTitle(t *testing.T, ads []recruitscan.Ad, prefix string) recruitscan.Ad {
	t.Helper()
	for _, a := range ads {
		if strings.HasPrefix(a.Title, prefix) {
			return a
		}
	}
	t.Fatalf("no ad titled %q among %d", prefix, len(ads))
	return recruitscan.Ad{}
}

func TestRealSaudiJobs(t *testing.T) {
	s := realSite(t, "text/html; charset=UTF-8", map[string]string{
		"/index":                   "saudijobs-in/list-001.html",
		"/job-details?jobid=59864": "saudijobs-in/job-001-001-001.html",
		"/job-details?jobid=59862": "saudijobs-in/job-001-003-001.html",
		"/job-details?jobid=59861": "saudijobs-in/job-001-004-001.html",
		"/job-details?jobid=59852": "saudijobs-in/job-001-013-001.html",
	})
	ads, st := crawlReal(t, recruitscan.Source{ID: "saudijobs", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/index"},
		Selectors: recruitscan.Selectors{
			AdLinks: `h5 a[href*="job-details"]`, Title: ".col-lg-8 h3.mb-3", Body: ".col-lg-8 .mb-0 p",
			Location: `.col-lg-4 p:contains("Job Location")`, Contact: `.datenone a[href^="tel:"]`,
		}})
	if len(ads) != 4 || st.Pages != 5 || st.ErrorKinds["gone"] != 11 {
		t.Errorf("%d ads, stats %+v; want 4 ads from 5 pages and 11 unserved detail pages", len(ads), st)
	}
	a := adByTitle(t, ads, "long term project Civil Supervisor")
	if a.Title != "long term project Civil Supervisor" || !strings.Contains(a.Body, "Drop your cv:0511438371(whatsapp)") ||
		!strings.Contains(a.Body, "payment policy : 30 Days") || strings.Contains(a.Body, "<p>") ||
		a.Location != "Job Location : Jubail,Saudi Arabia" || a.Contact != "Apply Now\n0511438371" {
		t.Errorf("civil supervisor ad = %+v", fields([]recruitscan.Ad{a}))
	}
	if !strings.HasSuffix(a.URL, "/job-details?jobid=59864&jobtitle=long-term-project-Civil-Supervisor-") {
		t.Errorf("url = %s", a.URL)
	}
	b := adByTitle(t, ads, "Civil Engineer Required in Saudi")
	if !strings.Contains(b.Body, "Muqeem") {
		t.Errorf("civil engineer body = %q", b.Body)
	}
}

func TestRealLinkedInCards(t *testing.T) {
	s := realSite(t, "text/html", map[string]string{"/jobs": "remoteok-linkedin/linkedin_jobs.html"})
	ads, _ := crawlReal(t, recruitscan.Source{ID: "li", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/jobs"},
		Selectors: recruitscan.Selectors{Card: ".base-search-card", AdLinks: "a.base-card__full-link", Title: ".base-search-card__title",
			Employer: ".base-search-card__subtitle", Location: ".job-search-card__location", Posted: "time"}})
	if len(ads) != 10 {
		t.Fatalf("%d ads, want 10 cards", len(ads))
	}
	a := adByTitle(t, ads, "Software Developer")
	want := recruitscan.Ad{SourceID: "li", Title: "Software Developer", Employer: "CAMMA Corporate Learning and Development Center",
		Location: "Phnom Penh, Phnom Penh, Cambodia",
		URL:      "https://kh.linkedin.com/jobs/view/software-developer-at-camma-corporate-learning-and-development-center-4338002768?pageNum=0&position=1"}
	got := fields([]recruitscan.Ad{a})[0]
	got.PostedAt = time.Time{}
	if got != want {
		t.Errorf("card = %+v\nwant %+v", got, want)
	}
	if a.PostedAt.Year() != 2025 {
		t.Errorf("posted = %v, want a 2025 date", a.PostedAt)
	}
}

func TestRealWeWorkRemotelyFeed(t *testing.T) {
	s := realSite(t, "application/rss+xml; charset=utf-8", map[string]string{"/remote-jobs.rss": "weworkremotely/remote-jobs.rss"})
	ads, _ := crawlReal(t, recruitscan.Source{ID: "wwr", Type: recruitscan.SourceFeed, URLs: []string{s.URL + "/remote-jobs.rss"}})
	if len(ads) != 100 {
		t.Fatalf("%d ads, want 100 items", len(ads))
	}
	a := adByTitle(t, ads, "G2i Inc.: Fullstack Developer")
	if a.URL != "https://weworkremotely.com/remote-jobs/g2i-inc-fullstack-developer-react-react-native-node-js-remote" ||
		a.Location != "Americas Only" || !a.PostedAt.Equal(time.Date(2022, 11, 8, 0, 8, 24, 0, time.UTC)) ||
		a.Body == "" || strings.Contains(a.Body, "<img") {
		t.Errorf("first item = %+v", fields([]recruitscan.Ad{a}))
	}
}

func TestRealTelegramPreview(t *testing.T) {
	s := realSite(t, "text/html; charset=utf-8", map[string]string{"/s/xCareers": "telegram-xcareers/xCareerHtml.html"})
	ads, st := crawlReal(t, recruitscan.Source{ID: "xc", Type: recruitscan.SourceTelegram, URLs: []string{s.URL + "/s/xCareers"}})
	if len(ads) != 3 {
		t.Fatalf("%d ads, want 3 posts", len(ads))
	}
	a := ads[0]
	if a.URL != "https://t.me/xCareers/1491" || a.Employer != "xCareers: Digital Jobs" ||
		!a.PostedAt.Equal(time.Date(2020, 4, 30, 17, 0, 4, 0, time.UTC)) ||
		!strings.HasPrefix(a.Title, "РАЗРАБОТЧИК IOS") || !strings.Contains(a.Body, "Зарплата: от 170 000 рублей в месяц") {
		t.Errorf("first post = %+v", fields([]recruitscan.Ad{a}))
	}
	if ads[2].URL != "https://t.me/xCareers/1511" {
		t.Errorf("last post url = %s", ads[2].URL)
	}
	// The "older posts" page was followed (and is not served here).
	if st.ErrorKinds["gone"] != 1 {
		t.Errorf("stats %+v: want the older page requested once", st)
	}
}

func TestRealIndeedEmbeddedJSON(t *testing.T) {
	s := realSite(t, "text/html; charset=utf-8", map[string]string{"/jobs": "indeed/indeed.html"})
	ads, _ := crawlReal(t, recruitscan.Source{ID: "indeed", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/jobs"}})
	if len(ads) != 15 {
		t.Fatalf("%d ads, want the 15 job cards", len(ads))
	}
	a := adByTitle(t, ads, "Laboratory Analyst")
	if a.URL != s.URL+"/viewjob?jk=0bb0c82f1ebd7121" || a.Employer != "US Sugar Savannah Refinery" ||
		a.Location != "Port Wentworth, GA 31407" || a.Salary != "From $22.38 an hour" ||
		!a.PostedAt.Equal(time.UnixMilli(1733119200000).UTC()) || !strings.Contains(a.Body, "Performing data entry") {
		t.Errorf("card = %+v", fields([]recruitscan.Ad{a}))
	}
}

func TestRealMixedEncoding(t *testing.T) {
	// bdjobs.com declares UTF-8 but carries one windows-1252 byte.
	b := realFile(t, "bdjobs/bdjobs.html")
	text := decode(b, "text/html; charset=utf-8")
	if !strings.Contains(text, "It’s Audit") {
		t.Error("stray windows-1252 apostrophe not recovered")
	}
	if strings.ContainsRune(text, '\uFFFD') {
		t.Error("replacement characters in decoded text")
	}
}
