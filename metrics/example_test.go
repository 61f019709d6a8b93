package metrics_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/metrics"
)

func ExampleNew() {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	m.CrawlRequest("gulf-jobs", 200, 120*time.Millisecond, 5120)
	m.CrawlRequest("gulf-jobs", 0, 10*time.Second, 0) // no response: a timeout
	m.CrawlError("gulf-jobs", "timeout")
	m.Classified(recruitscan.Verdict{Lang: "ar", Level: recruitscan.LevelHigh, Flagged: true}, time.Millisecond)

	var nilMetrics *metrics.Metrics
	nilMetrics.CrawlAd("gulf-jobs") // safe: records nothing

	n, _ := testutil.GatherAndCount(reg, "recruitscan_crawl_requests_total")
	fmt.Println("request series:", n)
	err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP recruitscan_classify_flagged_ads_total Ads whose verdict was flagged for review, by main language.
# TYPE recruitscan_classify_flagged_ads_total counter
recruitscan_classify_flagged_ads_total{language="ar"} 1
`), "recruitscan_classify_flagged_ads_total")
	fmt.Println("flagged:", err == nil)
	// Output:
	// request series: 2
	// flagged: true
}
