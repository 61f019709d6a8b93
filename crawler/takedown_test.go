package crawler

import (
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
)

func TestRecheckDue(t *testing.T) {
	const k = 3
	for _, tc := range []struct {
		name string
		m    PageMeta
		n    int64
		want bool
	}{
		{"linked this cycle", PageMeta{Linked: 10}, 10, false},
		{"unlinked 2 cycles", PageMeta{Linked: 10}, 12, false},
		{"unlinked 3 cycles", PageMeta{Linked: 10}, 13, true},
		{"unlinked long ago, never re-checked", PageMeta{Linked: 10}, 99, true},
		{"re-checked before it was linked again", PageMeta{Linked: 20, Rechecked: 13}, 23, true},
		{"re-checked, back-off not over", PageMeta{Linked: 10, Rechecked: 13}, 15, false},
		{"re-checked, back-off over", PageMeta{Linked: 10, Rechecked: 13}, 16, true},
		{"second back-off doubles", PageMeta{Linked: 10, Rechecked: 16}, 21, false},
		{"second back-off over", PageMeta{Linked: 10, Rechecked: 16}, 22, true},
		{"back-off capped", PageMeta{Linked: 10, Rechecked: 1010}, 1010 + 32*k, true},
		{"removed", PageMeta{Linked: 10, Removed: true}, 20, false},
		{"never linked", PageMeta{}, 20, false},
	} {
		if got := recheckDue(tc.m, tc.n, k); got != tc.want {
			t.Errorf("%s: recheckDue(%+v, %d, %d) = %v, want %v", tc.name, tc.m, tc.n, k, got, tc.want)
		}
	}
}

// TestUnlinkedDetailPages: an ad dropped from its listing and deleted is
// marked removed once it has gone unlinked for UnlinkedCycles cycles, not
// before; one dropped but still online is kept, and re-checked with
// back-off, not every cycle.
func TestUnlinkedDetailPages(t *testing.T) {
	const list = `<a class="j" href="/stays">a</a><a class="j" href="/deleted">b</a><a class="j" href="/online">c</a>`
	s := newSite(t, map[string]resp{
		"/list":    {body: list},
		"/stays":   {body: `<h1>Stays listed</h1>`},
		"/deleted": {body: `<h1>Will be deleted</h1>`},
		"/online":  {header: map[string]string{"ETag": `"o1"`}, body: `<h1>Dropped but online</h1>`},
	})
	sink := &memSink{}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "td", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/list"},
		AllowPrivate: true, Interval: time.Hour, Selectors: recruitscan.Selectors{AdLinks: "a.j", Title: "h1"}})
	cfg.Clock = clk
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cycle := func() SourceStats {
		t.Helper()
		st, err := c.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return st.Sources["td"]
	}
	cycle() // cycle 1: all three linked
	if len(sink.ads) != 3 {
		t.Fatalf("first cycle: %d ads, want 3", len(sink.ads))
	}
	s.set("/list", resp{body: `<a class="j" href="/stays">a</a>`})
	s.set("/deleted", resp{status: 404, body: "gone"})
	deletedID := recruitscan.AdID("td", s.URL+"/deleted")
	onlineID := recruitscan.AdID("td", s.URL+"/online")
	// Cycles 2 and 3: unlinked for 1 and 2 cycles; nothing re-checked.
	for i := 2; i <= 3; i++ {
		clk.Advance(time.Hour)
		if st := cycle(); st.Removed != 0 || st.Rechecked != 0 {
			t.Errorf("cycle %d: %+v, want nothing removed or re-checked", i, st)
		}
		if len(sink.removed) != 0 || s.hitCount("/deleted") != 1 || s.hitCount("/online") != 1 {
			t.Fatalf("cycle %d: removed %v, deleted fetched %d, online fetched %d; want none, 1, 1",
				i, sink.removed, s.hitCount("/deleted"), s.hitCount("/online"))
		}
	}
	// Cycle 4: unlinked for 3 cycles: both re-checked.
	clk.Advance(time.Hour)
	st := cycle()
	if st.Removed != 1 || st.Rechecked != 1 || st.Unchanged != 1 || st.NotModified != 1 { // /online answers 304
		t.Errorf("cycle 4: %+v, want 1 removed, 1 re-checked, 1 unchanged, 1 not modified", st)
	}
	if at, ok := sink.removed[deletedID]; !ok || !at.Equal(clk.Now()) || len(sink.removed) != 1 {
		t.Errorf("cycle 4: removed %v, want only %s at %v", sink.removed, deletedID, clk.Now())
	}
	if _, ok := sink.removed[onlineID]; ok {
		t.Error("an ad dropped from its listing but still online was marked removed")
	}
	if n := s.hitCount("/online"); n != 2 {
		t.Errorf("cycle 4: online page fetched %d times, want 2", n)
	}
	// Back-off: the online page was linked in cycle 1 and re-checked in 4,
	// so next in 7; the removed one is never asked for again.
	for i := 5; i <= 7; i++ {
		clk.Advance(time.Hour)
		cycle()
		want := 2
		if i == 7 {
			want = 3
		}
		if n := s.hitCount("/online"); n != want {
			t.Errorf("cycle %d: online page fetched %d times, want %d", i, n, want)
		}
	}
	if n := s.hitCount("/deleted"); n != 2 {
		t.Errorf("deleted page fetched %d times, want 2 (linked, then re-checked once)", n)
	}
	if n := s.hitCount("/stays"); n != 7 {
		t.Errorf("linked page fetched %d times in 7 cycles, want 7", n)
	}
	if len(sink.removed) != 1 {
		t.Errorf("removed %v, want only %s", sink.removed, deletedID)
	}
	// Linked again: watched from scratch, not re-checked meanwhile.
	s.set("/list", resp{body: list})
	clk.Advance(time.Hour)
	if st := cycle(); st.Rechecked != 0 {
		t.Errorf("cycle 8 with all linked again: %d re-checked, want 0", st.Rechecked)
	}
}

// TestFeedItemsNeverRechecked: items that age out of a feed or a telegram
// preview are not takedowns; their pages are never fetched or removed.
func TestFeedItemsNeverRechecked(t *testing.T) {
	for _, tc := range []struct {
		name      string
		src       recruitscan.Source
		path      string
		full, cut resp
	}{
		{"feed", recruitscan.Source{Type: recruitscan.SourceFeed}, "/rss",
			resp{header: map[string]string{"Content-Type": "application/rss+xml"}, body: rssFeed},
			resp{header: map[string]string{"Content-Type": "application/rss+xml"}, body: `<rss version="2.0"><channel><title>x</title></channel></rss>`}},
		{"telegram", recruitscan.Source{Type: recruitscan.SourceTelegram}, "/s/chan",
			resp{body: tgPage}, resp{body: `<div class="tgme_channel_info">empty</div>`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, map[string]resp{tc.path: tc.full})
			sink := &memSink{}
			clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			src := tc.src
			src.ID, src.URLs, src.AllowPrivate, src.Interval, src.MaxPages = "f", []string{s.URL + tc.path}, true, time.Hour, 1
			cfg, _ := testConfig(t, sink, src)
			cfg.Clock, cfg.Frontier = clk, NewMemFrontier(clk)
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
			if len(sink.ads) == 0 {
				t.Fatal("first cycle read no ads")
			}
			s.set(tc.path, tc.cut)
			for range 8 {
				clk.Advance(time.Hour)
				st, err := c.RunOnce(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if got := st.Sources["f"]; got.Removed != 0 || got.Rechecked != 0 || got.Pages != 1 {
					t.Errorf("later cycle %+v, want 1 page, nothing removed or re-checked", got)
				}
			}
			if len(sink.removed) != 0 {
				t.Errorf("removed %v, want none", sink.removed)
			}
			if _, ok, _ := cfg.Frontier.Page(t.Context(), "f", IndexKey); ok {
				t.Error("a takedown index was kept for a feed or telegram source")
			}
		})
	}
}

// TestUnlinkedPagesOtherWorker: pages linked only by a worker that has
// since stopped are still watched by the workers that go on, and index
// records list each page once.
func TestUnlinkedPagesOtherWorker(t *testing.T) {
	s := newSite(t, map[string]resp{
		"/list": {body: `<a class="j" href="/a">a</a><a class="j" href="/b">b</a>`},
		"/a":    {body: `<h1>A</h1>`},
		"/b":    {body: `<h1>B</h1>`},
	})
	sink := &memSink{}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, _ := testConfig(t, sink, recruitscan.Source{ID: "ow", Type: recruitscan.SourceHTML, URLs: []string{s.URL + "/list"},
		AllowPrivate: true, Interval: time.Hour, Selectors: recruitscan.Selectors{AdLinks: "a.j", Title: "h1"}})
	cfg.Clock, cfg.Frontier = clk, NewMemFrontier(clk)
	first, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.set("/list", resp{body: `<a class="j" href="/a">a</a>`})
	s.set("/b", resp{status: 410})
	for n := 2; n <= 4; n++ {
		clk.Advance(time.Hour)
		if _, err := second.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got, want := len(sink.removed), map[bool]int{true: 1, false: 0}[n == 4]; got != want {
			t.Fatalf("after cycle %d: removed %v, want %d", n, sink.removed, want)
		}
	}
	if _, ok := sink.removed[recruitscan.AdID("ow", s.URL+"/b")]; !ok {
		t.Errorf("removed %v, want /b", sink.removed)
	}
	reg, _, _ := cfg.Frontier.Page(t.Context(), "ow", IndexKey)
	if len(reg.Pages) != 2 {
		t.Fatalf("registry %v, want both workers' records", reg.Pages)
	}
	for _, key := range reg.Pages {
		rec, _, _ := cfg.Frontier.Page(t.Context(), "ow", key)
		seen := map[string]bool{}
		for _, u := range rec.Pages {
			if seen[u] {
				t.Errorf("record %s lists %s twice: %v", key, u, rec.Pages)
			}
			seen[u] = true
		}
	}
}
