package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/metrics"
)

// The same check against every instrument and collector of package
// metrics, recorded into continuously while Prometheus scrapes, so that
// every panel has a number (not NaN). The system it describes is unwell
// on purpose (Redis unreachable, a classifier backlog, dead letters, an
// item past the SLA), and exactly those alerts must go pending or fire:
// the alert expressions work on the series the program really exports.
func TestPrometheusScrapesLiveMetrics(t *testing.T) {
	prom := prometheusPath(t)
	reg, stop := liveRegistry(t)
	defer stop()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	api := startPrometheus(t, prom, strings.TrimPrefix(srv.URL, "http://"))
	// Two rate windows of activity.
	time.Sleep(4 * time.Second)
	for _, w := range checkPanels(t, api) {
		t.Errorf("NaN only with live traffic: %s", w)
	}
	checkRuleHealth(t, api)
	want := map[string]bool{"RecruitscanRedisDown": true, "RecruitscanClassifierLagging": true,
		"RecruitscanDeadLetters": true, "RecruitscanReviewSLABreached": true}
	got := api.waitAlerts(t, want, 30*time.Second)
	for name := range want {
		if !got[name] {
			t.Errorf("alert %s neither pending nor firing, want it to", name)
		}
	}
	for name := range got {
		if !want[name] {
			t.Errorf("alert %s is active, want it quiet", name)
		}
	}
}

// waitAlerts returns the names of the pending or firing alerts once they
// include every name in want, or when d has passed.
func (p *promAPI) waitAlerts(t *testing.T, want map[string]bool, d time.Duration) map[string]bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		got := map[string]bool{}
		for _, a := range p.alerts(t) {
			got[a.Labels["alertname"]] = true
		}
		all := true
		for name := range want {
			all = all && got[name]
		}
		if all || time.Now().After(deadline) {
			return got
		}
		time.Sleep(500 * time.Millisecond)
	}
}

type alert struct {
	Labels map[string]string `json:"labels"`
	State  string            `json:"state"`
}

func (p *promAPI) alerts(t *testing.T) []alert {
	t.Helper()
	var r struct {
		Data struct {
			Alerts []alert `json:"alerts"`
		} `json:"data"`
	}
	if err := p.get("/api/v1/alerts", &r); err != nil {
		t.Fatal(err)
	}
	return r.Data.Alerts
}

// checkNoAlerts fails when any alert is pending or firing: the system
// under test is healthy, so an alert would be a false alarm.
func checkNoAlerts(t *testing.T, api *promAPI) {
	t.Helper()
	for _, a := range api.alerts(t) {
		t.Errorf("alert %s is %s on a healthy system: %v", a.Labels["alertname"], a.State, a.Labels)
	}
}

// checkRuleHealth fails for every rule that Prometheus could not evaluate
// against the live series (a vector-matching error, say), which promtool's
// unit tests with hand-written series would not show.
func checkRuleHealth(t *testing.T, api *promAPI) {
	t.Helper()
	var r struct {
		Data struct {
			Groups []struct {
				Name  string `json:"name"`
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := api.get("/api/v1/rules", &r); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range r.Data.Groups {
		for _, rule := range g.Rules {
			n++
			if rule.Health != "ok" {
				t.Errorf("rule %s/%s: health %q: %s", g.Name, rule.Name, rule.Health, rule.LastError)
			}
		}
	}
	if n == 0 {
		t.Error("prometheus loaded no rules")
	}
}

// startPrometheus runs Prometheus on a free loopback port with the rules
// loaded, scraping target every second as job recruitscan-serve, and
// returns its API once the target is up.
func startPrometheus(t *testing.T, prom, target string) *promAPI {
	t.Helper()
	promAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: recruitscan-serve
    static_configs:
      - targets: [%q]
`, mustAbs(t, rulesFile), target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, "prometheus", prom, []string{
		"--config.file=" + filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + promAddr,
		"--log.level=warn",
	})
	api := &promAPI{base: "http://" + promAddr}
	waitHTTP(t, api.base+"/-/ready", time.Minute, p)
	api.waitData(t, `up{job="recruitscan-serve"} == 1`, time.Minute)
	return api
}

// liveRegistry is every instrument and collector, with a goroutine that
// records a little of everything every 100ms until stop.
func liveRegistry(t *testing.T) (*prometheus.Registry, func()) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	reg.MustRegister(
		metrics.NewQueueCollector(unwellQueue{}),
		metrics.NewStreamCollector(unwellStream{}),
		metrics.NewRedisCollector(func(context.Context) error { return errors.New("connection refused") },
			func() metrics.PoolStats { return metrics.PoolStats{TotalConns: 3, IdleConns: 2} }),
	)
	if err := metrics.RegisterBuildInfo(reg, "e2e"); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/queue", func(http.ResponseWriter, *http.Request) {})
	h := m.Middleware(mux)
	sources := []string{"gulf-jobs", "pk-board"}
	for _, s := range sources {
		m.CrawlSource(s, time.Minute)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			for _, s := range sources {
				m.CrawlRequest(s, []int{200, 200, 200, 404, 0}[i%5], 300*time.Millisecond, 4096)
				m.CrawlAd(s)
				m.CrawlRobotsDenied(s)
				m.CrawlError(s, "timeout")
				m.CrawlFrontier(s, 10+i%7)
				m.CrawlSucceeded(s, time.Now())
			}
			for _, lang := range []string{"ar", "ur"} {
				m.Classified(recruitscan.Verdict{Lang: lang, Level: recruitscan.Level(i % 4), Flagged: i%4 >= 2,
					Hits:        []recruitscan.Hit{{Indicator: recruitscan.WorkerPaysFees}, {Indicator: recruitscan.VisaTrading}},
					Mitigations: []recruitscan.Hit{{Indicator: recruitscan.Mitigating}}}, time.Duration(i%5+1)*time.Millisecond)
			}
			m.DeadLettered()
			m.Claimed()
			m.LeasesExpired(1)
			m.Decided(decisionsCycle[i%len(decisionsCycle)], time.Duration(i%90+1)*time.Minute)
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/queue", nil))
		}
	}()
	return reg, func() { close(done); wg.Wait() }
}

// unwellQueue has an item waiting 5h, past the 4h SLA.
type unwellQueue struct{}

func (unwellQueue) QueueStats(context.Context) (recruitscan.QueueStats, error) {
	return recruitscan.QueueStats{
		Depth:         map[recruitscan.Level]map[string]int{recruitscan.LevelHigh: {"ar": 7}, recruitscan.LevelMedium: {"ur": 3}},
		OldestPending: time.Now().Add(-5 * time.Hour),
	}, nil
}

// unwellStream has a backlog of 5000 and two dead letters.
type unwellStream struct{}

func (unwellStream) StreamLag(context.Context) (int64, int64, error) { return 5000, 2, nil }

var decisionsCycle = []recruitscan.Decision{recruitscan.DecisionConfirm, recruitscan.DecisionDismiss,
	recruitscan.DecisionEscalate, recruitscan.DecisionSecondLook}

// checkPanels runs every panel query and variable of every dashboard
// against the live Prometheus, with Grafana's variables filled in.
// It returns the queries whose every sample is NaN.
func checkPanels(t *testing.T, api *promAPI) []string {
	t.Helper()
	vars := strings.NewReplacer("$__rate_interval", "15s", "$__range", "5m", "$source", ".*", "$language", ".*")
	deadline := time.Now().Add(90 * time.Second)
	var nanOnly []string
	for _, d := range loadDashboards(t) {
		for _, p := range d.allPanels() {
			for _, tg := range p.Targets {
				q := vars.Replace(tg.Expr)
				where := fmt.Sprintf("%s: panel %q query %s", d.file, p.Title, tg.RefID)
				vals, err := api.waitUntil(q, deadline)
				if err != nil {
					t.Errorf("%s: %v\n  query: %s", where, err, q)
					continue
				}
				if allNaN(vals) {
					nanOnly = append(nanOnly, where)
				}
			}
		}
		for _, v := range d.Templating.List {
			m := labelQuery.FindStringSubmatch(v.Definition)
			if v.Type != "query" || m == nil {
				continue
			}
			label := m[2]
			values, err := api.labelValues(label, m[1])
			if err != nil || len(values) == 0 {
				t.Errorf("%s: variable %s: label_values(%s, %s) returned %v (%v)", d.file, v.Name, m[1], label, values, err)
			}
		}
	}
	return nanOnly
}

func allNaN(vals []float64) bool {
	for _, v := range vals {
		if !math.IsNaN(v) {
			return false
		}
	}
	return len(vals) > 0
}

// promAPI queries Prometheus' HTTP API.
type promAPI struct{ base string }

// waitUntil runs an instant query until it returns at least one sample or
// the deadline passes, and returns the sample values.
func (p *promAPI) waitUntil(q string, deadline time.Time) ([]float64, error) {
	for {
		vals, err := p.query(q)
		if err == nil && len(vals) > 0 {
			return vals, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("no data")
			}
			return nil, err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func (p *promAPI) waitData(t *testing.T, q string, d time.Duration) {
	t.Helper()
	if _, err := p.waitUntil(q, time.Now().Add(d)); err != nil {
		t.Fatalf("prometheus: %s: %v", q, err)
	}
}

func (p *promAPI) query(q string) ([]float64, error) {
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := p.get("/api/v1/query?query="+url.QueryEscape(q), &r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query failed: %s", r.Error)
	}
	var pairs [][2]any
	switch r.Data.ResultType {
	case "vector":
		var vec []struct {
			Value [2]any `json:"value"`
		}
		if err := json.Unmarshal(r.Data.Result, &vec); err != nil {
			return nil, err
		}
		for _, s := range vec {
			pairs = append(pairs, s.Value)
		}
	case "scalar":
		var s [2]any
		if err := json.Unmarshal(r.Data.Result, &s); err != nil {
			return nil, err
		}
		pairs = append(pairs, s)
	default:
		return nil, fmt.Errorf("result type %s, want vector", r.Data.ResultType)
	}
	var out []float64
	for _, v := range pairs {
		s, _ := v[1].(string)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("sample value %q: %v", s, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func (p *promAPI) labelValues(label, metric string) ([]string, error) {
	var r struct {
		Status string   `json:"status"`
		Data   []string `json:"data"`
	}
	err := p.get("/api/v1/label/"+url.PathEscape(label)+"/values?match[]="+url.QueryEscape(metric), &r)
	return r.Data, err
}

func (p *promAPI) get(path string, v any) error {
	resp, err := http.Get(p.base + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// process is a child process whose output is kept for failure messages.
type process struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// startProcess starts bin with args and the test's environment minus
// REDIS_URL (the demo then runs its own embedded Redis) plus env; cleanup
// interrupts it and waits, killing it after 10s.
func startProcess(t *testing.T, name, bin string, args []string, env ...string) *process {
	t.Helper()
	p := &process{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REDIS_URL=") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.output())
		}
	})
	return p
}

// waitHTTP polls u until it answers 200, failing when p exits first.
func waitHTTP(t *testing.T, u string, d time.Duration, p *process) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited before %s answered:\n%s", p.name, u, p.output())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer 200 within %s (last error %v):\n%s", u, d, err, p.output())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func get(t *testing.T, u, token string) string {
	t.Helper()
	return do(t, "GET", u, token, "")
}

func post(t *testing.T, u, token, body string) string {
	t.Helper()
	return do(t, "POST", u, token, body)
}

func do(t *testing.T, method, u, token, body string) string {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s\n%s", method, u, resp.Status, b)
	}
	return string(b)
}

// prometheusPath finds Prometheus in $PROMETHEUS or on PATH; a missing one
// fails the test with the command that installs it.
func prometheusPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PROMETHEUS"); p != "" {
		return p
	}
	p, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatal("prometheus not found: install it with 'sudo apt-get install -y prometheus' (Debian/Ubuntu) " +
			"or set PROMETHEUS to its path; 'make test' installs it when run as root")
	}
	return p
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
