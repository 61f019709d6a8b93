package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/recruitscan/recruitscan"
)

type reviewMetrics struct {
	claims    prometheus.Counter
	expiries  prometheus.Counter
	decisions *prometheus.CounterVec   // decision
	latency   *prometheus.HistogramVec // decision
}

var decisions = []recruitscan.Decision{
	recruitscan.DecisionConfirm, recruitscan.DecisionDismiss,
	recruitscan.DecisionEscalate, recruitscan.DecisionSecondLook,
}

func newReviewMetrics() reviewMetrics {
	r := reviewMetrics{
		claims: counter("review_claims_total",
			"Review items claimed by a reviewer."),
		expiries: counter("review_lease_expiries_total",
			"Review leases that expired and returned their item to pending."),
		decisions: counterVec("review_decisions_total",
			"Reviewer decisions, by decision (confirm, dismiss, escalate, needs-second-look).", "decision"),
		latency: histogramVec("review_decision_delay_seconds",
			"Time from an item's enqueue to a reviewer's decision on it, by decision.", decisionBuckets, "decision"),
	}
	// Every decision exists from the start, so "no decisions while items
	// wait" sees zeros rather than nothing, and the first decisions after
	// a restart show in rate() (a series that appears already at 1 has
	// no increase).
	for _, d := range decisions {
		r.decisions.WithLabelValues(string(d))
		r.latency.WithLabelValues(string(d))
	}
	return r
}

func (r *reviewMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{r.claims, r.expiries, r.decisions, r.latency}
}

// Claimed records one item claimed by a reviewer.
func (m *Metrics) Claimed() {
	if m == nil {
		return
	}
	m.review.claims.Inc()
}

// LeasesExpired records n leases returned to pending by the recoverer.
func (m *Metrics) LeasesExpired(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.review.expiries.Add(float64(n))
}

// Decided records one decision, sinceEnqueue after the item was queued.
func (m *Metrics) Decided(d recruitscan.Decision, sinceEnqueue time.Duration) {
	if m == nil {
		return
	}
	l := decisionLabel(d)
	m.review.decisions.WithLabelValues(l).Inc()
	if sinceEnqueue >= 0 {
		m.review.latency.WithLabelValues(l).Observe(sinceEnqueue.Seconds())
	}
}
