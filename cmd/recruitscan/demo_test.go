package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/testredis"
)

// TestDemoEndToEnd runs the demo in-process on the embedded Redis and on
// the real test Redis, asserts the numbers against the demo world's data,
// then drives one item through claim and decision over the API.
func TestDemoEndToEnd(t *testing.T) {
	for _, backend := range []string{"embedded", "redis"} {
		t.Run(backend, func(t *testing.T) {
			url := ""
			if backend == "redis" {
				url = testredis.URL(t)
			}
			testDemo(t, url)
		})
	}
}

func testDemo(t *testing.T, redisURL string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr,
		Getenv: func(k string) string {
			if k == "RECRUITSCAN_API_TOKEN" {
				return "test-token-0123456789"
			}
			return ""
		}}
	rf := &ruleFlags{threshold: "medium"}
	d, err := startDemo(ctx, env, demoOptions{listen: "127.0.0.1:0", redisURL: redisURL, rules: rf})
	if err != nil {
		t.Fatalf("start demo: %v\n%s", err, stderr.String())
	}
	defer d.Close()
	if redisURL != "" {
		// startDemo chose a fresh prefix on the shared server; remove it.
		// t.Cleanup runs after the deferred d.Close, once nothing writes.
		c, _ := testredis.Client(t)
		t.Cleanup(func() { testredis.Cleanup(t, c, d.prefix) })
	}
	t.Logf("ready in %s; crawl %+v; pipeline %+v", d.Ready, d.Crawl, d.Pipeline)

	exp := d.World.Expected()
	s := d.Pipeline
	if got := d.Crawl.Total().Pages; got != exp.Pages {
		t.Errorf("pages crawled = %d, want %d", got, exp.Pages)
	}
	if s.Appended != exp.Ads || s.Classified != exp.Ads {
		t.Errorf("ads appended %d, classified %d; the world has %d", s.Appended, s.Classified, exp.Ads)
	}
	if s.Queued != s.Flagged || s.Flagged == 0 {
		t.Errorf("flagged %d, queued %d: every flagged ad must be queued once", s.Flagged, s.Queued)
	}
	// Ads flagged per language: the same classifier run directly on the
	// world's data gives the numbers the whole crawl → stream → classify →
	// store path must reproduce (nothing lost, duplicated or altered).
	c, err := rf.classifier()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	wantFlagged, risky, riskyFlagged := 0, 0, 0
	for _, a := range d.World.Ads() {
		v := c.Classify(a.Domain())
		if v.Flagged {
			want[v.Lang]++
			wantFlagged++
		}
		if a.Risky() {
			risky++
			if v.Flagged {
				riskyFlagged++
			}
		}
	}
	if s.Flagged != wantFlagged {
		t.Errorf("flagged %d ads, classifying the world's data flags %d", s.Flagged, wantFlagged)
	}
	for lang, n := range want {
		if s.FlaggedByLang[lang] != n {
			t.Errorf("lang %s: flagged %d, want %d (got %v, want %v)", lang, s.FlaggedByLang[lang], n, s.FlaggedByLang, want)
		}
	}
	t.Logf("flagged %d of %d risky ads in the demo world; flagged by language %v", riskyFlagged, risky, s.FlaggedByLang)

	api := &apiClient{t: t, base: d.URL, token: "test-token-0123456789"}
	// Health and metrics need no login; the API does.
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		api.expect("GET", p, nil, false, http.StatusOK, nil)
	}
	api.expect("GET", "/api/v1/queue", nil, false, http.StatusUnauthorized, nil)

	// The operator view reports each source's last crawl and counts.
	var sources struct {
		Sources []struct {
			ID     string `json:"id"`
			Status *struct {
				LastCrawl time.Time `json:"last_crawl"`
				Pages     int       `json:"pages"`
				Ads       int       `json:"ads"`
			} `json:"status"`
		} `json:"sources"`
	}
	api.expect("GET", "/api/v1/sources", nil, true, http.StatusOK, &sources)
	if len(sources.Sources) != len(exp.PagesBySource) {
		t.Errorf("sources API lists %d sources, the world has %d", len(sources.Sources), len(exp.PagesBySource))
	}
	for _, src := range sources.Sources {
		st := src.Status
		if st == nil || st.LastCrawl.IsZero() || st.Pages != exp.PagesBySource[src.ID] || st.Ads != exp.AdsBySource[src.ID] {
			t.Errorf("source %s status %+v, want last crawl set, %d pages, %d ads", src.ID, st, exp.PagesBySource[src.ID], exp.AdsBySource[src.ID])
		}
	}

	var queue struct {
		Items []recruitscan.ReviewItem `json:"items"`
		Total int                      `json:"total"`
	}
	api.expect("GET", "/api/v1/queue?limit=500", nil, true, http.StatusOK, &queue)
	if len(queue.Items) != s.Queued || queue.Total != s.Queued {
		t.Fatalf("queue lists %d items (total %d), %d were queued", len(queue.Items), queue.Total, s.Queued)
	}
	var claimed recruitscan.ReviewItem
	api.expect("POST", "/api/v1/queue/claim", nil, true, http.StatusOK, &claimed)
	if claimed.ID != queue.Items[0].ID {
		t.Errorf("claimed %s, the queue's first item is %s", claimed.ID, queue.Items[0].ID)
	}
	if claimed.Status != recruitscan.StatusClaimed || claimed.ClaimedBy == "" {
		t.Errorf("claimed item: status %q by %q", claimed.Status, claimed.ClaimedBy)
	}
	body := map[string]string{"decision": "confirm", "note": "fee and passport retention"}
	var decided recruitscan.ReviewItem
	api.expect("POST", "/api/v1/items/"+claimed.ID+"/decision", body, true, http.StatusOK, &decided)
	if decided.Decision != recruitscan.DecisionConfirm || decided.Status != recruitscan.StatusDecided {
		t.Errorf("decided item: %+v", decided)
	}
	api.expect("GET", "/api/v1/queue?limit=500", nil, true, http.StatusOK, &queue)
	if len(queue.Items) != s.Queued-1 {
		t.Errorf("after one decision the queue lists %d items, want %d", len(queue.Items), s.Queued-1)
	}
	for _, it := range queue.Items {
		if it.ID == claimed.ID {
			t.Errorf("decided item %s still in the queue", it.ID)
		}
	}
	// Deciding again is refused.
	api.expect("POST", "/api/v1/items/"+claimed.ID+"/decision", body, true, http.StatusConflict, nil)
}

type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (a *apiClient) expect(method, path string, body any, auth bool, want int, out any) {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		a.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: decode %T: %v: %s", method, path, out, err, b)
		}
	}
}
