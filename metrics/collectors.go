package metrics

import (
	"context"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/recruitscan/recruitscan"
)

// CollectTimeout bounds each scrape-time read (queue, stream, Redis ping),
// well under Prometheus' default 10s scrape timeout.
const CollectTimeout = 3 * time.Second

// QueueSource is what [NewQueueCollector] reads at scrape time; *store.Store
// implements it. QueueStats should cost O(levels × languages), not O(items).
type QueueSource interface {
	QueueStats(ctx context.Context) (recruitscan.QueueStats, error)
}

// StreamSource is what [NewStreamCollector] reads at scrape time: the ad
// stream's lag (entries not yet delivered to the classifier group) and the
// number of entries in the dead-letter stream.
type StreamSource interface {
	StreamLag(ctx context.Context) (lag, deadLetters int64, err error)
}

// PoolStats mirrors the fields of go-redis' PoolStats that are exported;
// metrics does not import go-redis, so the caller copies them.
type PoolStats struct {
	Hits, Misses, Timeouts uint32 // cumulative
	TotalConns, IdleConns  uint32 // current
	StaleConns             uint32 // cumulative: stale connections removed
}

var (
	queueItemsDesc = prometheus.NewDesc("recruitscan_review_queue_items",
		"Review items waiting (pending or claimed), by level and language; read from Redis at scrape time.",
		[]string{"level", "language"}, nil)
	queueOldestDesc = prometheus.NewDesc("recruitscan_review_queue_oldest_age_seconds",
		"Age of the oldest waiting review item (0 when the queue is empty); read at scrape time.", nil, nil)
	streamLagDesc = prometheus.NewDesc("recruitscan_stream_lag",
		"Ad stream entries not yet delivered to the classifiers; read at scrape time.", nil, nil)
	streamDeadDesc = prometheus.NewDesc("recruitscan_stream_dead_letters",
		"Entries in the dead-letter stream; read at scrape time.", nil, nil)
	redisUpDesc = prometheus.NewDesc("recruitscan_redis_up",
		"1 when a Redis PING answered within the collect timeout at scrape time, else 0.", nil, nil)
	redisPingDesc = prometheus.NewDesc("recruitscan_redis_ping_duration_seconds",
		"Time the scrape-time Redis PING took.", nil, nil)
	poolHitsDesc = prometheus.NewDesc("recruitscan_redis_pool_hits_total",
		"Times a free connection was found in the go-redis pool.", nil, nil)
	poolMissesDesc = prometheus.NewDesc("recruitscan_redis_pool_misses_total",
		"Times no free connection was found in the go-redis pool.", nil, nil)
	poolTimeoutsDesc = prometheus.NewDesc("recruitscan_redis_pool_timeouts_total",
		"Times waiting for a go-redis pool connection timed out.", nil, nil)
	poolStaleDesc = prometheus.NewDesc("recruitscan_redis_pool_stale_connections_total",
		"Stale connections removed from the go-redis pool.", nil, nil)
	poolTotalDesc = prometheus.NewDesc("recruitscan_redis_pool_connections",
		"Connections in the go-redis pool.", nil, nil)
	poolIdleDesc = prometheus.NewDesc("recruitscan_redis_pool_idle_connections",
		"Idle connections in the go-redis pool.", nil, nil)
)

// collectErrorsHelp is shared by every collector's error counter: one
// metric, told apart by the kind label.
const collectErrorsHelp = "Scrape-time reads that failed, by kind (queue, stream); the gauges they feed are missing from that scrape."

// errorCounter counts a collector's failed reads and reports them as
// recruitscan_collect_errors_total{kind}.
// The kind is a constant label, so that several collectors can each
// describe their own series of the one metric on one registry.
type errorCounter struct {
	desc *prometheus.Desc
	n    atomic.Uint64
}

func newErrorCounter(kind string) errorCounter {
	return errorCounter{desc: prometheus.NewDesc("recruitscan_collect_errors_total", collectErrorsHelp,
		nil, prometheus.Labels{"kind": kind})}
}

func (e *errorCounter) collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(e.desc, prometheus.CounterValue, float64(e.n.Load()))
}

// NewQueueCollector reports the review queue's depth by level and language
// and its oldest item's age, reading src at each scrape. A failed read
// leaves those gauges out of the scrape and counts a collect error.
func NewQueueCollector(src QueueSource) prometheus.Collector {
	return &queueCollector{src: src, langs: newGuard(maxLanguages), errs: newErrorCounter("queue"), now: time.Now}
}

type queueCollector struct {
	src   QueueSource
	langs *guard
	errs  errorCounter
	now   func() time.Time
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueItemsDesc
	ch <- queueOldestDesc
	ch <- c.errs.desc
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), CollectTimeout)
	defer cancel()
	st, err := c.src.QueueStats(ctx)
	if err != nil {
		c.errs.n.Add(1)
		c.errs.collect(ch)
		return
	}
	c.errs.collect(ch)
	for key, n := range c.depth(st) {
		ch <- prometheus.MustNewConstMetric(queueItemsDesc, prometheus.GaugeValue, float64(n), key.level, key.lang)
	}
	age := 0.0
	if !st.OldestPending.IsZero() {
		age = max(0, c.now().Sub(st.OldestPending).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(queueOldestDesc, prometheus.GaugeValue, age)
}

type depthKey struct{ level, lang string }

// depth folds the stats into label pairs; languages over the cap add up
// under "other" rather than colliding.
func (c *queueCollector) depth(st recruitscan.QueueStats) map[depthKey]int {
	out := make(map[depthKey]int)
	for lvl, byLang := range st.Depth {
		for lang, n := range byLang {
			out[depthKey{levelLabel(lvl), c.langs.value(lang)}] += n
		}
	}
	return out
}

// NewStreamCollector reports the ad stream's lag and dead-letter count,
// reading src at each scrape.
func NewStreamCollector(src StreamSource) prometheus.Collector {
	return &streamCollector{src: src, errs: newErrorCounter("stream")}
}

type streamCollector struct {
	src  StreamSource
	errs errorCounter
}

func (c *streamCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- streamLagDesc
	ch <- streamDeadDesc
	ch <- c.errs.desc
}

func (c *streamCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), CollectTimeout)
	defer cancel()
	lag, dead, err := c.src.StreamLag(ctx)
	if err != nil {
		c.errs.n.Add(1)
		c.errs.collect(ch)
		return
	}
	c.errs.collect(ch)
	ch <- prometheus.MustNewConstMetric(streamLagDesc, prometheus.GaugeValue, float64(lag))
	ch <- prometheus.MustNewConstMetric(streamDeadDesc, prometheus.GaugeValue, float64(dead))
}

// NewRedisCollector reports recruitscan_redis_up from ping, run at each
// scrape with [CollectTimeout], and the go-redis pool statistics from pool.
// Either may be nil. Wire it as:
//
//	metrics.NewRedisCollector(
//		func(ctx context.Context) error { return rdb.Ping(ctx).Err() },
//		func() metrics.PoolStats {
//			s := rdb.PoolStats()
//			return metrics.PoolStats{Hits: s.Hits, Misses: s.Misses, Timeouts: s.Timeouts,
//				TotalConns: s.TotalConns, IdleConns: s.IdleConns, StaleConns: s.StaleConns}
//		})
func NewRedisCollector(ping func(context.Context) error, pool func() PoolStats) prometheus.Collector {
	return &redisCollector{ping: ping, pool: pool}
}

type redisCollector struct {
	ping func(context.Context) error
	pool func() PoolStats
}

func (c *redisCollector) Describe(ch chan<- *prometheus.Desc) {
	if c.ping != nil {
		ch <- redisUpDesc
		ch <- redisPingDesc
	}
	if c.pool != nil {
		for _, d := range []*prometheus.Desc{poolHitsDesc, poolMissesDesc, poolTimeoutsDesc, poolStaleDesc, poolTotalDesc, poolIdleDesc} {
			ch <- d
		}
	}
}

func (c *redisCollector) Collect(ch chan<- prometheus.Metric) {
	if c.ping != nil {
		ctx, cancel := context.WithTimeout(context.Background(), CollectTimeout)
		start := time.Now()
		err := c.ping(ctx)
		took := time.Since(start).Seconds()
		cancel()
		up := 1.0
		if err != nil {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(redisUpDesc, prometheus.GaugeValue, up)
		ch <- prometheus.MustNewConstMetric(redisPingDesc, prometheus.GaugeValue, took)
	}
	if c.pool != nil {
		s := c.pool()
		ch <- prometheus.MustNewConstMetric(poolHitsDesc, prometheus.CounterValue, float64(s.Hits))
		ch <- prometheus.MustNewConstMetric(poolMissesDesc, prometheus.CounterValue, float64(s.Misses))
		ch <- prometheus.MustNewConstMetric(poolTimeoutsDesc, prometheus.CounterValue, float64(s.Timeouts))
		ch <- prometheus.MustNewConstMetric(poolStaleDesc, prometheus.CounterValue, float64(s.StaleConns))
		ch <- prometheus.MustNewConstMetric(poolTotalDesc, prometheus.GaugeValue, float64(s.TotalConns))
		ch <- prometheus.MustNewConstMetric(poolIdleDesc, prometheus.GaugeValue, float64(s.IdleConns))
	}
}

// RegisterBuildInfo registers recruitscan_build_info{version, goversion,
// revision} = 1 on reg. revision is the VCS commit the binary was built
// from, or "unknown". The error is reg's, for a second registration.
func RegisterBuildInfo(reg prometheus.Registerer, version string) error {
	if version == "" {
		version = labelUnknown
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "Always 1; the labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version(), "revision": revision()},
	})
	g.Set(1)
	return reg.Register(g)
}

func revision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return labelUnknown
	}
	rev, dirty := labelUnknown, false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty, _ = strconv.ParseBool(s.Value)
		}
	}
	if dirty && rev != labelUnknown {
		rev += "-dirty"
	}
	return rev
}
