package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
)

// filterBenchItems is the queue size of BenchmarkQueueFilter.
const filterBenchItems = 100_000

var (
	filterOnce  sync.Once
	filterStore *Store
)

// filterBenchStore fills one store with filterBenchItems waiting items,
// once per process: 8 languages, 5 sources, levels medium and high,
// scores 0-12, one to three of five indicators, one enqueued a second
// (so the queue spans 28 hours), 50 of them claimed.
func filterBenchStore(b *testing.B) *Store {
	filterOnce.Do(func() {
		clk := clock.NewFake(t0)
		s, err := New(Config{Client: benchConnect(b), Prefix: "filterbench", Clock: clk}) // outlives b
		if err != nil {
			b.Fatal(err)
		}
		langs := []string{"ar", "ur", "hi", "bn", "tl", "en", "ne", "id"}
		inds := []recruitscan.Indicator{recruitscan.WorkerPaysFees, recruitscan.VisaTrading,
			recruitscan.AnonymousContact, recruitscan.DocumentRetention, recruitscan.DeceptiveTerms}
		out := make([]SaveOutcome, batchSize)
		for i := 0; i < filterBenchItems; i += batchSize {
			rs := make([]Result, 0, batchSize)
			for j := i; j < min(i+batchSize, filterBenchItems); j++ {
				ad := recruitscan.Ad{ID: fmt.Sprintf("f%08d", j), SourceID: fmt.Sprintf("src%d", (j/7)%5),
					URL: fmt.Sprintf("https://board.example/ads/%d", j), Title: "Drivers needed"}
				v := recruitscan.Verdict{AdID: ad.ID, ContentHash: ad.ContentHash(), Lang: langs[(j/3)%len(langs)],
					Level: recruitscan.Level(2 + j%2), Score: float64(j % 13), Flagged: true,
					Indicators: []recruitscan.Indicator{inds[j%5]}}
				if j%3 == 0 {
					v.Indicators = append(v.Indicators, inds[(j+1)%5])
				}
				if j%7 == 0 {
					v.Indicators = append(v.Indicators, inds[(j+3)%5])
				}
				rs = append(rs, Result{Ad: ad, Verdict: v})
			}
			if err := s.enqueueAll(context.Background(), rs, out); err != nil {
				b.Fatal(err)
			}
			clk.Advance(time.Duration(len(rs)) * time.Second)
		}
		for i := range 50 {
			if _, err := s.ClaimNext(context.Background(), Actor{Name: fmt.Sprintf("rev%d", i)}); err != nil {
				b.Fatal(err)
			}
		}
		filterStore = s
	})
	if filterStore == nil {
		b.Fatal("filter benchmark store not filled")
	}
	return filterStore
}

// BenchmarkQueueFilter: one filtered queue page (50 items, exact total)
// at 100,000 waiting items, per filter and combination.
//
//	go test -run '^$' -bench QueueFilter -benchtime 20x ./store
func BenchmarkQueueFilter(b *testing.B) {
	high := recruitscan.LevelHigh
	cases := []struct {
		name string
		f    QueueFilter
	}{
		{"none", QueueFilter{}},
		{"level", QueueFilter{Level: &high}},
		{"indicator", QueueFilter{Indicator: recruitscan.VisaTrading}},
		{"lang", QueueFilter{Lang: "ur"}},
		{"source", QueueFilter{SourceID: "src3"}},
		{"minage_most", QueueFilter{MinAge: 2 * time.Hour}},
		{"minage_few", QueueFilter{MinAge: 27 * time.Hour}},
		{"level+indicator+lang", QueueFilter{Level: &high, Indicator: recruitscan.AnonymousContact, Lang: "hi"}},
		{"source+indicator+minage", QueueFilter{SourceID: "src1", Indicator: recruitscan.WorkerPaysFees, MinAge: 10 * time.Hour}},
		{"pending_source_page20", QueueFilter{Status: recruitscan.StatusPending, SourceID: "src2", Offset: 1000}},
	}
	s := filterBenchStore(b)
	ctx := context.Background()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				items, total, err := s.Queue(ctx, c.f)
				if err != nil {
					b.Fatal(err)
				}
				if total == 0 || len(items) == 0 {
					b.Fatalf("%s: %d items of %d", c.name, len(items), total)
				}
			}
		})
	}
}
