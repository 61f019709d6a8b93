package dashboards

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/metrics"
)

// Names that Prometheus itself adds to every target.
var prometheusNames = []string{"up", "scrape_duration_seconds", "scrape_samples_scraped"}

type fakeQueue struct{}

func (fakeQueue) QueueStats(context.Context) (recruitscan.QueueStats, error) {
	return recruitscan.QueueStats{
		Depth:         map[recruitscan.Level]map[string]int{recruitscan.LevelHigh: {"ar": 1}},
		OldestPending: time.Now().Add(-time.Minute),
	}, nil
}

type fakeStream struct{}

func (fakeStream) StreamLag(context.Context) (int64, int64, error) { return 1, 1, nil }

// exportedNames registers everything the program exports on a fresh
// registry, calls every recording method once, and returns the sample
// names it gathers (histograms as _bucket, _sum and _count too).
func exportedNames(t testing.TB) map[string]bool {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	m := metrics.New(reg)
	m.CrawlSource("s", time.Hour)
	m.CrawlRequest("s", 200, time.Second, 100)
	m.CrawlAd("s")
	m.CrawlRobotsDenied("s")
	m.CrawlError("s", "timeout")
	m.CrawlFrontier("s", 1)
	m.CrawlSucceeded("s", time.Now())
	m.Classified(recruitscan.Verdict{Lang: "ar", Level: recruitscan.LevelHigh, Flagged: true,
		Hits:        []recruitscan.Hit{{Indicator: recruitscan.WorkerPaysFees}},
		Mitigations: []recruitscan.Hit{{Indicator: recruitscan.Mitigating}},
		Shadow:      []recruitscan.Hit{{Indicator: recruitscan.JobScam}}}, time.Millisecond)
	m.DeadLettered()
	m.Claimed()
	m.LeasesExpired(1)
	m.Decided(recruitscan.DecisionConfirm, time.Hour)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /x", func(http.ResponseWriter, *http.Request) {})
	m.Middleware(mux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	reg.MustRegister(
		metrics.NewQueueCollector(fakeQueue{}),
		metrics.NewStreamCollector(fakeStream{}),
		metrics.NewRedisCollector(func(context.Context) error { return nil }, func() metrics.PoolStats { return metrics.PoolStats{} }),
	)
	if err := metrics.RegisterBuildInfo(reg, "test"); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
		if mf.GetType() == dto.MetricType_HISTOGRAM {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[mf.GetName()+s] = true
			}
		}
	}
	for _, n := range prometheusNames {
		names[n] = true
	}
	return names
}

var (
	quoted     = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	braces     = regexp.MustCompile(`\{[^}]*\}`)
	brackets   = regexp.MustCompile(`\[[^\]]*\]`)
	numbers    = regexp.MustCompile(`(^|[^A-Za-z0-9_:])[0-9][0-9A-Za-z.]*([eE][+-][0-9]+)?`)
	labelLists = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	identifier = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?`)
	labelQuery = regexp.MustCompile(`^\s*label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$`)
	keywords   = []string{"and", "or", "unless", "bool", "offset", "inf", "nan", "by", "without", "on", "ignoring", "group_left", "group_right"}
)

// metricNames returns the metric names a PromQL expression selects: what
// is left once strings, label matchers, ranges, label lists, numbers,
// functions and keywords are taken out. Grafana's $variables sit inside matchers and
// ranges, so they go too.
func metricNames(expr string) []string {
	e := quoted.ReplaceAllString(expr, `""`)
	e = braces.ReplaceAllString(e, " ")
	e = brackets.ReplaceAllString(e, " ")
	e = labelLists.ReplaceAllString(e, " ")
	e = numbers.ReplaceAllString(e, "$1 ") // 0.25, 1e3, and durations such as offset 5m
	var names []string
	for _, m := range identifier.FindAllStringSubmatch(e, -1) {
		if m[1] != "" || slices.Contains(keywords, strings.ToLower(m[0])) {
			continue // a function call or a keyword
		}
		if !slices.Contains(names, m[0]) {
			names = append(names, m[0])
		}
	}
	sort.Strings(names)
	return names
}

func TestMetricNamesExtraction(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`sum by (source) (rate(recruitscan_crawl_ads_total{source=~"$source"}[$__rate_interval]))`, []string{"recruitscan_crawl_ads_total"}},
		{`a:b:c / on () group_left (x, y) d_total > 0.25 and time() - e offset 5m`, []string{"a:b:c", "d_total", "e"}},
		{`histogram_quantile(0.9, sum by (le) (rate(x_bucket[1h])))`, []string{"x_bucket"}},
		{`up{job=~"recruitscan.*"} == 0`, []string{"up"}},
		{`vector(14400)`, nil},
		{`x > 1e3 and y offset 1h30m < 2.5e-3`, []string{"x", "y"}},
		{`day_of_week() >= 1 and hour() < 17`, nil},
		{`label_replace(m, "dst", "$1", "src", "(.*)")`, []string{"m"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if got := metricNames(tt.expr); !slices.Equal(got, tt.want) {
				t.Errorf("metricNames(%q) = %v, want %v", tt.expr, got, tt.want)
			}
		})
	}
}

// recordedNames are the series the recording rules produce.
func recordedNames(rf ruleFile) map[string]bool {
	out := map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				out[r.Record] = true
			}
		}
	}
	return out
}

// unknown returns the names expr selects that are neither exported nor
// recorded.
func unknown(expr string, exported, recorded map[string]bool) []string {
	var bad []string
	for _, n := range metricNames(expr) {
		if !exported[n] && !recorded[n] {
			bad = append(bad, n)
		}
	}
	return bad
}

func TestRulesNameExportedMetrics(t *testing.T) {
	exported := exportedNames(t)
	rf := loadRules(t)
	recorded := recordedNames(rf)
	checked := 0
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			name := r.Record + r.Alert
			for _, n := range unknown(r.Expr, exported, recorded) {
				t.Errorf("%s: rule %s names metric %s, which the program does not export", rulesFile, name, n)
			}
			checked += len(metricNames(r.Expr))
		}
	}
	if checked == 0 {
		t.Fatal("no metric names found in the rules: the extractor is broken")
	}
}

func TestDashboardsNameExportedMetrics(t *testing.T) {
	exported := exportedNames(t)
	recorded := recordedNames(loadRules(t))
	for _, d := range loadDashboards(t) {
		for _, p := range d.allPanels() {
			for _, tg := range p.Targets {
				if len(metricNames(tg.Expr)) == 0 {
					t.Errorf("%s: panel %q query %s selects no metric", d.file, p.Title, tg.RefID)
				}
				for _, n := range unknown(tg.Expr, exported, recorded) {
					t.Errorf("%s: panel %q names metric %s, which the program does not export", d.file, p.Title, n)
				}
			}
		}
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			m := labelQuery.FindStringSubmatch(v.Definition)
			if m == nil {
				t.Errorf("%s: variable %s: query %q is not label_values(metric, label)", d.file, v.Name, v.Definition)
				continue
			}
			if !exported[m[1]] {
				t.Errorf("%s: variable %s names metric %s, which the program does not export", d.file, v.Name, m[1])
			}
		}
	}
}

// The check itself must catch a misspelt name.
func TestUnknownNameIsCaught(t *testing.T) {
	exported := exportedNames(t)
	if bad := unknown(`sum(rate(recruitscan_crawl_request_total[5m]))`, exported, nil); !slices.Equal(bad, []string{"recruitscan_crawl_request_total"}) {
		t.Errorf("misspelt name: unknown() = %v", bad)
	}
	if bad := unknown(`sum(rate(recruitscan_crawl_requests_total[5m]))`, exported, nil); bad != nil {
		t.Errorf("exported name reported unknown: %v", bad)
	}
}
