package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/recruitscan/recruitscan"
)

type classifyMetrics struct {
	ads         *prometheus.CounterVec // language, level
	flagged     *prometheus.CounterVec // language
	hits        *prometheus.CounterVec // indicator, language
	shadow      *prometheus.CounterVec // indicator
	duration    prometheus.Histogram
	deadLetters prometheus.Counter
}

func newClassifyMetrics() classifyMetrics {
	return classifyMetrics{
		ads: counterVec("classify_ads_total",
			"Ads classified, by main language and verdict level.", "language", "level"),
		flagged: counterVec("classify_flagged_ads_total",
			"Ads whose verdict was flagged for review, by main language.", "language"),
		hits: counterVec("classify_hits_total",
			"Rule matches counted in verdicts (mitigations under indicator \"mitigating\"), by indicator and main language.",
			"indicator", "language"),
		shadow: counterVec("classify_shadow_hits_total",
			"Matches of shadow-mode rules (reported, never scored), by indicator.", "indicator"),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "classify_duration_seconds",
			Help: "Time to classify one ad.", Buckets: classifyBuckets,
		}),
		deadLetters: counter("classify_dead_letters_total",
			"Ads moved to the dead-letter stream after too many failed deliveries."),
	}
}

func (c *classifyMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{c.ads, c.flagged, c.hits, c.shadow, c.duration, c.deadLetters}
}

// Classified records one verdict and the time it took.
func (m *Metrics) Classified(v recruitscan.Verdict, d time.Duration) {
	if m == nil {
		return
	}
	c := &m.classify
	lang := m.languages.value(v.Lang)
	c.ads.WithLabelValues(lang, levelLabel(v.Level)).Inc()
	if v.Flagged {
		c.flagged.WithLabelValues(lang).Inc()
	}
	for _, h := range v.Hits {
		c.hits.WithLabelValues(m.indicators.value(string(h.Indicator)), lang).Inc()
	}
	for range v.Mitigations {
		c.hits.WithLabelValues(string(recruitscan.Mitigating), lang).Inc()
	}
	for _, h := range v.Shadow {
		c.shadow.WithLabelValues(m.indicators.value(string(h.Indicator))).Inc()
	}
	c.duration.Observe(d.Seconds())
}

// DeadLettered records one ad moved to the dead-letter stream.
func (m *Metrics) DeadLettered() {
	if m == nil {
		return
	}
	m.classify.deadLetters.Inc()
}
