package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type crawlMetrics struct {
	requests    *prometheus.CounterVec   // source, status_class
	duration    *prometheus.HistogramVec // source
	bytes       *prometheus.CounterVec   // source
	ads         *prometheus.CounterVec   // source
	robots      *prometheus.CounterVec   // source
	errors      *prometheus.CounterVec   // source, kind
	frontier    *prometheus.GaugeVec     // source
	lastSuccess *prometheus.GaugeVec     // source
	interval    *prometheus.GaugeVec     // source
}

func newCrawlMetrics() crawlMetrics {
	return crawlMetrics{
		requests: counterVec("crawl_requests_total",
			"HTTP fetches by source and response status class (\"error\" when there was no response).",
			"source", "status_class"),
		duration: histogramVec("crawl_request_duration_seconds",
			"Time to fetch one page, by source.", fetchBuckets, "source"),
		bytes: counterVec("crawl_response_bytes_total",
			"Response body bytes received, by source.", "source"),
		ads: counterVec("crawl_ads_total",
			"Ads extracted and handed to the stream, by source.", "source"),
		robots: counterVec("crawl_robots_denied_total",
			"URLs skipped because robots.txt disallows them, by source.", "source"),
		errors: counterVec("crawl_errors_total",
			"Failed fetches or extractions by source and kind (timeout, dns, refused, blocked_address, too_large, status, parse, robots…).",
			"source", "kind"),
		frontier: gaugeVec("crawl_frontier_urls",
			"URLs waiting in the crawl frontier, by source.", "source"),
		lastSuccess: gaugeVec("crawl_last_success_timestamp_seconds",
			"Unix time of the last crawl cycle of a source that completed without a fatal error.", "source"),
		interval: gaugeVec("crawl_interval_seconds",
			"Configured time between crawl cycles of a source.", "source"),
	}
}

func (c *crawlMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{c.requests, c.duration, c.bytes, c.ads, c.robots, c.errors, c.frontier, c.lastSuccess, c.interval}
}

// CrawlSource announces a configured source and its crawl interval, so that
// its counters start at zero (rates work from the first scrape) and the
// stale-source alert knows how long N intervals are. Call it once per
// source at start; calling it again updates the interval. A non-positive
// interval is not exported (the alert then assumes 1h) rather than make
// every source stale at once.
func (m *Metrics) CrawlSource(source string, interval time.Duration) {
	if m == nil {
		return
	}
	s := m.sources.value(source)
	c := &m.crawl
	if interval > 0 {
		c.interval.WithLabelValues(s).Set(interval.Seconds())
	}
	c.requests.WithLabelValues(s, "2xx")
	c.bytes.WithLabelValues(s)
	c.ads.WithLabelValues(s)
	c.robots.WithLabelValues(s)
	c.frontier.WithLabelValues(s)
}

// CrawlRequest records one fetch: status is the HTTP status (0 when there
// was no response), d the time to the full body, bytes the body size.
func (m *Metrics) CrawlRequest(source string, status int, d time.Duration, bytes int) {
	if m == nil {
		return
	}
	s := m.sources.value(source)
	m.crawl.requests.WithLabelValues(s, statusClass(status)).Inc()
	m.crawl.duration.WithLabelValues(s).Observe(d.Seconds())
	if bytes > 0 {
		m.crawl.bytes.WithLabelValues(s).Add(float64(bytes))
	}
}

// CrawlAd records one ad extracted from source.
func (m *Metrics) CrawlAd(source string) {
	if m == nil {
		return
	}
	m.crawl.ads.WithLabelValues(m.sources.value(source)).Inc()
}

// CrawlRobotsDenied records one URL skipped because robots.txt disallows it.
func (m *Metrics) CrawlRobotsDenied(source string) {
	if m == nil {
		return
	}
	m.crawl.robots.WithLabelValues(m.sources.value(source)).Inc()
}

// CrawlError records one failure of kind (timeout, dns, refused,
// blocked_address, too_large, status, parse, robots…) at source.
func (m *Metrics) CrawlError(source, kind string) {
	if m == nil {
		return
	}
	m.crawl.errors.WithLabelValues(m.sources.value(source), m.kinds.value(kind)).Inc()
}

// CrawlFrontier sets the number of URLs waiting in source's frontier.
func (m *Metrics) CrawlFrontier(source string, n int) {
	if m == nil {
		return
	}
	m.crawl.frontier.WithLabelValues(m.sources.value(source)).Set(float64(n))
}

// CrawlSucceeded records that a crawl cycle of source completed at at. A
// zero at is ignored: it would read as a success in 1970 and page someone.
func (m *Metrics) CrawlSucceeded(source string, at time.Time) {
	if m == nil || at.IsZero() {
		return
	}
	m.crawl.lastSuccess.WithLabelValues(m.sources.value(source)).Set(float64(at.UnixNano()) / 1e9)
}
