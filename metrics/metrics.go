package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/recruitscan/recruitscan"
)

const namespace = "recruitscan"

// Histogram buckets, in seconds.
var (
	fetchBuckets    = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
	classifyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}
	// decisionBuckets run from a minute to a week: enqueue to decision.
	decisionBuckets = []float64{60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800}
	// httpBuckets are few: the reviewer UI has ~40 routes, each a histogram.
	httpBuckets = []float64{0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 10}
)

// Metrics is the set of instruments the program records into. Build it
// with [New]; all methods are safe for concurrent use and do nothing on a
// nil *Metrics. It is also a prometheus.Collector of its own instruments.
type Metrics struct {
	crawl    crawlMetrics
	classify classifyMetrics
	review   reviewMetrics
	http     httpMetrics

	sources, languages, indicators, kinds, routes *guard
}

var _ prometheus.Collector = (*Metrics)(nil)

// New builds the instruments and registers them on reg. A nil reg
// registers nothing (the instruments still work, for tests that collect
// the *Metrics directly). It panics if reg already holds instruments of
// the same names, as prometheus.MustRegister does: a programming error.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		crawl:      newCrawlMetrics(),
		classify:   newClassifyMetrics(),
		review:     newReviewMetrics(),
		http:       newHTTPMetrics(),
		sources:    newGuard(maxSources),
		languages:  newGuard(maxLanguages),
		indicators: newGuard(maxIndicators),
		kinds:      newGuard(maxKinds),
		routes:     newGuard(maxRoutes),
	}
	if reg != nil {
		reg.MustRegister(m)
	}
	return m
}

func (m *Metrics) collectors() []prometheus.Collector {
	var cs []prometheus.Collector
	cs = append(cs, m.crawl.collectors()...)
	cs = append(cs, m.classify.collectors()...)
	cs = append(cs, m.review.collectors()...)
	return append(cs, m.http.collectors()...)
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	if m == nil {
		return
	}
	for _, c := range m.collectors() {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	if m == nil {
		return
	}
	for _, c := range m.collectors() {
		c.Collect(ch)
	}
}

// levelLabel is a level's name; out-of-range levels become "other".
func levelLabel(l recruitscan.Level) string {
	if l < recruitscan.LevelNone || l > recruitscan.LevelHigh {
		return labelOther
	}
	return l.String()
}

// decisionLabel is a decision's name, or "other" when it is not one.
func decisionLabel(d recruitscan.Decision) string {
	if _, err := recruitscan.ParseDecision(string(d)); err != nil {
		return labelOther
	}
	return string(d)
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
}

func gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, labels)
}

func counter(name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help})
}

func histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: name, Help: help, Buckets: buckets,
	}, labels)
}
