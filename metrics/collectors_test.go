package metrics_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/metrics"
)

type fakeQueue struct {
	stats recruitscan.QueueStats
	err   error
}

func (f *fakeQueue) QueueStats(context.Context) (recruitscan.QueueStats, error) {
	return f.stats, f.err
}

type fakeStream struct {
	lag, dead int64
	err       error
}

func (f *fakeStream) StreamLag(context.Context) (int64, int64, error) { return f.lag, f.dead, f.err }

const collectErrorsHeader = `# HELP recruitscan_collect_errors_total Scrape-time reads that failed, by kind (queue, stream); the gauges they feed are missing from that scrape.
# TYPE recruitscan_collect_errors_total counter
`

func TestQueueCollector(t *testing.T) {
	oneHourAgo := time.Now().Add(-time.Hour)
	q := &fakeQueue{stats: recruitscan.QueueStats{
		Depth: map[recruitscan.Level]map[string]int{
			recruitscan.LevelHigh:   {"ar": 3, "ur": 1},
			recruitscan.LevelMedium: {"ar": 2},
		},
		OldestPending: oneHourAgo,
	}}
	c := metrics.NewQueueCollector(q)
	want := `
# HELP recruitscan_review_queue_items Review items waiting (pending or claimed), by level and language; read from Redis at scrape time.
# TYPE recruitscan_review_queue_items gauge
recruitscan_review_queue_items{language="ar",level="high"} 3
recruitscan_review_queue_items{language="ar",level="medium"} 2
recruitscan_review_queue_items{language="ur",level="high"} 1
` + collectErrorsHeader + `recruitscan_collect_errors_total{kind="queue"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "recruitscan_review_queue_items", "recruitscan_collect_errors_total"); err != nil {
		t.Error(err)
	}
	age := gaugeValue(t, c, "recruitscan_review_queue_oldest_age_seconds")
	if age < 3600 || age > 3600+60 {
		t.Errorf("oldest age %v s, want about 3600", age)
	}

	// Empty queue: age 0, no depth series.
	q.stats = recruitscan.QueueStats{}
	if got := gaugeValue(t, c, "recruitscan_review_queue_oldest_age_seconds"); got != 0 {
		t.Errorf("empty queue oldest age %v, want 0", got)
	}
	if n := testutil.CollectAndCount(c, "recruitscan_review_queue_items"); n != 0 {
		t.Errorf("empty queue: %d depth series, want 0", n)
	}

	// A failed read: gauges absent, error counted.
	q.err = errors.New("redis down")
	want = collectErrorsHeader + `recruitscan_collect_errors_total{kind="queue"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "recruitscan_collect_errors_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(c, "recruitscan_review_queue_oldest_age_seconds"); n != 0 {
		t.Errorf("failed read still reported the oldest age")
	}
}

func TestStreamCollector(t *testing.T) {
	s := &fakeStream{lag: 120, dead: 2}
	c := metrics.NewStreamCollector(s)
	want := `
# HELP recruitscan_stream_lag Ad stream entries not yet delivered to the classifiers; read at scrape time.
# TYPE recruitscan_stream_lag gauge
recruitscan_stream_lag 120
# HELP recruitscan_stream_dead_letters Entries in the dead-letter stream; read at scrape time.
# TYPE recruitscan_stream_dead_letters gauge
recruitscan_stream_dead_letters 2
` + collectErrorsHeader + `recruitscan_collect_errors_total{kind="stream"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	s.err = errors.New("timeout")
	if n := testutil.CollectAndCount(c); n != 1 {
		t.Errorf("failed read: %d metrics, want only the error counter", n)
	}
}

// The Redis collector against a real Redis, and against a port where none
// listens.
func TestRedisCollector(t *testing.T) {
	client, _ := testredis.Client(t)
	rdb, ok := client.(*redis.Client)
	if !ok {
		t.Fatalf("testredis client is %T, want *redis.Client", client)
	}
	pool := func() metrics.PoolStats {
		s := rdb.PoolStats()
		return metrics.PoolStats{Hits: s.Hits, Misses: s.Misses, Timeouts: s.Timeouts,
			TotalConns: s.TotalConns, IdleConns: s.IdleConns, StaleConns: s.StaleConns}
	}
	ping := func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
	c := metrics.NewRedisCollector(ping, pool)
	if up := gaugeValue(t, c, "recruitscan_redis_up"); up != 1 {
		t.Errorf("redis_up %v with a live Redis, want 1", up)
	}
	if n := testutil.CollectAndCount(c); n != 8 {
		t.Errorf("%d metrics, want 8 (up, ping time, 6 pool stats)", n)
	}
	if conns := gaugeValue(t, c, "recruitscan_redis_pool_connections"); conns < 1 {
		t.Errorf("pool connections %v after a ping, want >= 1", conns)
	}

	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer dead.Close()
	c = metrics.NewRedisCollector(func(ctx context.Context) error { return dead.Ping(ctx).Err() }, nil)
	if up := gaugeValue(t, c, "recruitscan_redis_up"); up != 0 {
		t.Errorf("redis_up %v with nothing listening, want 0", up)
	}
	if n := testutil.CollectAndCount(c); n != 2 {
		t.Errorf("%d metrics without a pool func, want 2", n)
	}
}

// gaugeValue collects c on a fresh registry and returns the single sample
// of name, failing t when there is not exactly one.
func gaugeValue(t *testing.T, c prometheus.Collector, name string) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		if len(mf.Metric) != 1 {
			t.Fatalf("%s: %d samples, want 1", name, len(mf.Metric))
		}
		return mf.Metric[0].GetGauge().GetValue()
	}
	t.Fatalf("%s: not collected", name)
	return 0
}
