package dashboards

import (
	"bufio"
	"encoding/json"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The end-to-end check of issue 6: a real Prometheus (Debian's) scrapes a
// running `recruitscan demo` on loopback with the rules loaded, and every
// dashboard panel's query and every variable returns data. It also logs
// the figures the issue asks for: series on /metrics and scrape time.
//
//	go test -run TestEndToEnd -v ./dashboards
func TestEndToEndPrometheusScrapesDemo(t *testing.T) {
	prom := prometheusPath(t)
	bin := buildRecruitscan(t)
	const token = "e2e-token-0123456789abcdef0123456789"
	demo := startProcess(t, "demo", bin, []string{"demo", "--listen", "127.0.0.1:" + strconv.Itoa(freePort(t))},
		"RECRUITSCAN_API_TOKEN="+token, "RECRUITSCAN_ADMIN_PASSWORD=e2e-password-0123456789")
	demoURL := waitDemoURL(t, demo)
	waitHTTP(t, demoURL+"/readyz", 3*time.Minute, demo)

	api := startPrometheus(t, prom, strings.TrimPrefix(demoURL, "http://"))
	// Reviewers at work, so the decision panels have something to show.
	decide(t, demoURL, token, []string{"confirm", "dismiss", "escalate"})

	logFigures(t, demoURL, api)
	nanOnly := checkPanels(t, api)
	checkRuleHealth(t, api)
	checkNoAlerts(t, api)
	// A ratio of two rates is NaN when both are 0: the demo crawls and
	// classifies once, before Prometheus starts, so those rates are 0.
	for _, w := range nanOnly {
		t.Logf("NaN only (rates are 0 once the demo's single crawl is over): %s", w)
	}
}

// logFigures logs the series /metrics exposes and the scrape time.
func logFigures(t *testing.T, demoURL string, api *promAPI) {
	t.Helper()
	body := get(t, demoURL+"/metrics", "")
	all, own := 0, 0
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		all++
		if strings.HasPrefix(line, "recruitscan_") {
			own++
		}
	}
	t.Logf("demo /metrics: %d series, %d of them recruitscan_ (the rest Go and process collectors)", all, own)
	// Issue 6: promtool check metrics is clean on /metrics.
	cmd := exec.Command(promtool(t), "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("promtool check metrics on the demo's /metrics: %v\n%s", err, out)
	}
	if own == 0 {
		t.Errorf("demo /metrics has no recruitscan_ series")
	}
	for _, q := range []string{
		`scrape_samples_scraped{job="recruitscan-serve"}`,
		`max_over_time(scrape_duration_seconds{job="recruitscan-serve"}[1m])`,
		`avg_over_time(scrape_duration_seconds{job="recruitscan-serve"}[1m])`,
	} {
		vals, err := api.waitUntil(q, time.Now().Add(10*time.Second))
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		t.Logf("%s = %g", q, vals[0])
	}
}

// decide claims and decides one queue item per decision through the API.
func decide(t *testing.T, base, token string, decisions []string) {
	t.Helper()
	for _, d := range decisions {
		var it struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(post(t, base+"/api/v1/queue/claim", token, "{}")), &it); err != nil || it.ID == "" {
			t.Fatalf("claim: no item (%v): does the demo queue flagged ads?", err)
		}
		post(t, base+"/api/v1/items/"+url.PathEscape(it.ID)+"/decision", token, `{"decision":"`+d+`","note":"e2e"}`)
	}
}

// waitDemoURL returns the demo's base URL from its --listen flag.
func waitDemoURL(t *testing.T, p *process) string {
	t.Helper()
	for i, a := range p.cmd.Args {
		if a == "--listen" {
			return "http://" + p.cmd.Args[i+1]
		}
	}
	t.Fatal("demo started without --listen")
	return ""
}

// buildRecruitscan builds the binary under test into a temporary directory.
func buildRecruitscan(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "recruitscan")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/recruitscan")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/recruitscan: %v\n%s", err, out)
	}
	return bin
}
