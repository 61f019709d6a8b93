package dashboards

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/metrics"
	"github.com/recruitscan/recruitscan/store"
)

// The scrape time of /metrics with 100,000 items waiting for review in a
// real Redis, read by the real store through the queue, stream and Redis
// collectors:
//
//	go test -run '^$' -bench ScrapeQueue100k -benchtime 50x ./dashboards
func BenchmarkScrapeQueue100k(b *testing.B) {
	const items = 100_000
	c, prefix := testredis.Client(b)
	// testredis' cleanup has 10s, too few for 300,000 keys: go first.
	b.Cleanup(func() { unlinkPrefix(b, c, prefix) })
	st, err := store.New(store.Config{Client: c, Prefix: prefix})
	if err != nil {
		b.Fatal(err)
	}
	fill(b, st, items)

	reg := prometheus.NewRegistry()
	metrics.New(reg)
	reg.MustRegister(metrics.NewQueueCollector(st), metrics.NewStreamCollector(st),
		metrics.NewRedisCollector(st.Ping, nil))
	if got := queueDepth(b, reg); got != items {
		b.Fatalf("recruitscan_review_queue_items sums to %v, want %d", got, items)
	}
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("/metrics: %d", rec.Code)
		}
	}
}

// fill queues n flagged ads spread over 3 levels and 14 languages, in
// pipelined batches through the store's own SaveResults.
func fill(b *testing.B, st *store.Store, n int) {
	b.Helper()
	langs := []string{"ar", "en", "ur", "hi", "bn", "ne", "si", "ta", "tl", "id", "am", "sw", "fr", "ar-Latn"}
	levels := []recruitscan.Level{recruitscan.LevelLow, recruitscan.LevelMedium, recruitscan.LevelHigh}
	ctx := context.Background()
	start := time.Now()
	const batch = 1000
	for i := 0; i < n; i += batch {
		rs := make([]store.Result, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			ad := recruitscan.Ad{ID: fmt.Sprintf("bench-%06d", j), SourceID: "bench",
				URL: fmt.Sprintf("https://jobs.example/ad/%d", j), Title: "Driver", Body: fmt.Sprintf("visa fee %d", j)}
			v := recruitscan.Verdict{AdID: ad.ID, ContentHash: ad.ContentHash(), Lang: langs[j%len(langs)],
				Level: levels[j%len(levels)], Score: float64(j%100) / 10, Flagged: true,
				Indicators: []recruitscan.Indicator{recruitscan.WorkerPaysFees}}
			rs = append(rs, store.Result{Ad: ad, Verdict: v})
		}
		if _, err := st.SaveResults(ctx, rs); err != nil {
			b.Fatalf("queue %d items: %v", n, err)
		}
	}
	b.Logf("queued %d items in %s", n, time.Since(start).Round(time.Millisecond))
}

// unlinkPrefix removes every key containing prefix, in batches.
func unlinkPrefix(b *testing.B, c redis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	iter := c.Scan(ctx, 0, "*"+prefix+"*", 5000).Iterator()
	var keys []string
	flush := func() {
		if len(keys) > 0 {
			if err := c.Unlink(ctx, keys...).Err(); err != nil {
				b.Logf("cleanup %s: %v", prefix, err)
			}
			keys = keys[:0]
		}
	}
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			flush()
		}
	}
	flush()
	if err := iter.Err(); err != nil {
		b.Logf("cleanup %s: %v", prefix, err)
	}
}

func queueDepth(b *testing.B, reg *prometheus.Registry) float64 {
	b.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() == "recruitscan_review_queue_items" {
			for _, m := range mf.Metric {
				sum += m.GetGauge().GetValue()
			}
		}
	}
	if n, _ := testutil.GatherAndCount(reg, "recruitscan_review_queue_items"); n != 3*14 {
		b.Errorf("%d queue depth series, want 42 (3 levels × 14 languages)", n)
	}
	return sum
}
