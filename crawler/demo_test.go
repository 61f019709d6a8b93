package crawler

import (
	"strings"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/demoworld"
)

// TestDemoWorld crawls the bundled demo world (job board with pagination
// and detail pages, classifieds cards, a windows-1256 legacy site,
// Telegram previews, an RSS feed) and checks every ad against its data.
func TestDemoWorld(t *testing.T) {
	w, err := demoworld.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	sink := &memSink{}
	cfg, _ := testConfig(t, sink, w.Sources()...)
	st := crawlOnce(t, cfg)
	exp := w.Expected()
	for id, want := range exp.PagesBySource {
		got := st.Sources[id]
		if got.Pages != want || got.Ads != exp.AdsBySource[id] || got.Errors != 0 {
			t.Errorf("source %s: %+v; want %d pages, %d ads, no errors", id, got, want, exp.AdsBySource[id])
		}
		if got.Started.IsZero() || got.Finished.Before(got.Started) {
			t.Errorf("source %s: cycle started %v, finished %v", id, got.Started, got.Finished)
		}
	}
	if got := st.Total().RobotsDenied; got != exp.RobotsDenied {
		t.Errorf("robots denied = %d, want %d", got, exp.RobotsDenied)
	}
	crawled := map[string]recruitscan.Ad{}
	for _, ad := range sink.ads {
		crawled[ad.SourceID+" "+ad.URL+" "+ad.Title] = ad
	}
	for _, a := range w.Ads() {
		u, err := Canonicalize(a.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := crawled[a.SourceID+" "+u+" "+a.Title]
		if !ok {
			t.Errorf("ad %s (%s %q) not crawled", a.ID, u, a.Title)
			continue
		}
		want := a.Domain()
		checks := []struct{ name, got, want string }{{"body", got.Body, want.Body}}
		// Posts and feed items carry no fields but title, body and date.
		if a.Site != demoworld.SiteTelegram && a.Site != demoworld.SiteFeed {
			checks = append(checks, []struct{ name, got, want string }{{"employer", got.Employer, want.Employer},
				{"location", got.Location, want.Location}, {"salary", got.Salary, want.Salary}, {"contact", got.Contact, want.Contact}}...)
		}
		for _, f := range checks {
			if norm(f.got) != norm(f.want) {
				t.Errorf("ad %s %s = %q, want %q", a.ID, f.name, f.got, f.want)
			}
		}
		// A page date without a zone is read as UTC: compare the wall clock.
		const wall = "2006-01-02 15:04"
		if !want.PostedAt.IsZero() && !got.PostedAt.Equal(want.PostedAt) && got.PostedAt.Format(wall) != want.PostedAt.Format(wall) {
			t.Errorf("ad %s posted = %v, want %v", a.ID, got.PostedAt, want.PostedAt)
		}
	}
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }
