package crawler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/recruitscan/recruitscan"

	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/crawler/frontiertest"
	"github.com/recruitscan/recruitscan/internal/clock"
)

func TestMemFrontierContract(t *testing.T) {
	frontiertest.Test(t, func(_ *testing.T, clk *clock.Fake) crawler.Frontier { return crawler.NewMemFrontier(clk) })
}

func TestMemFrontierPageRoundTrip(t *testing.T) {
	f := crawler.NewMemFrontier(nil)
	u := "https://example.org/job/1"
	own := recruitscan.AdID("s", u)
	for _, m := range []crawler.PageMeta{
		{BodySHA256: strings.Repeat("ab", 32), AdIDs: []string{own}},
		{BodySHA256: strings.Repeat("ab", 32)},
		{AdIDs: []string{"x", own}, ETag: `"e"`, Removed: true},
		{BodySHA256: "not-hex"},
	} {
		m.FetchedAt = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
		if err := f.SetPage(t.Context(), "s", u, m); err != nil {
			t.Fatal(err)
		}
		got, ok, err := f.Page(t.Context(), "s", u)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}
