package store

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
	"github.com/recruitscan/recruitscan/internal/testredis"
)

// env is one test's store on one backend.
type env struct {
	s       *Store
	c       redis.UniversalClient
	clk     *clock.Fake
	prefix  string
	backend string
	url     string
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// backend opens a client and a unique prefix for t.
type backend struct {
	name string
	open func(t *testing.T) (redis.UniversalClient, string)
	url  func(t *testing.T) string // for helper processes
}

// backends are the servers the suite runs against: a real redis-server
// (testredis), the embedded server, and a 3-master Redis Cluster started
// from redis-server (or STORE_CLUSTER_URL).
var backends = []backend{
	{"redis", func(t *testing.T) (redis.UniversalClient, string) { return testredis.Client(t) }, func(t *testing.T) string { return testredis.URL(t) }},
	{"embedded", openEmbedded, func(*testing.T) string { return emb.URL() }},
	{"cluster", openCluster, func(*testing.T) string { return clusterURL }},
}

var (
	embOnce sync.Once
	emb     *Embedded
	embErr  error
)

func openEmbedded(t *testing.T) (redis.UniversalClient, string) {
	embOnce.Do(func() { emb, embErr = StartEmbedded() })
	if embErr != nil {
		t.Fatal(embErr)
	}
	c, err := Connect(context.Background(), emb.URL())
	if err != nil {
		t.Fatal(err)
	}
	prefix := testredis.Prefix(t)
	t.Cleanup(func() { testredis.Cleanup(t, c, prefix); c.Close() })
	return c, prefix
}

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(runHelper())
	}
	code := m.Run()
	if emb != nil {
		emb.Close()
	}
	stopCluster()
	stopBench()
	os.Exit(code)
}

// forEach runs fn as a subtest on every backend with a fresh store.
func forEach(t *testing.T, fn func(t *testing.T, e *env), mod ...func(*Config)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			fn(t, newEnv(t, b, mod...))
		})
	}
}

func newEnv(t *testing.T, b backend, mod ...func(*Config)) *env {
	c, prefix := b.open(t)
	clk := clock.NewFake(t0)
	cfg := Config{Client: c, Prefix: prefix, Clock: clk, Lease: time.Minute}
	for _, f := range mod {
		f(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{s: s, c: c, clk: clk, prefix: prefix, backend: b.name, url: b.url(t)}
}

// ctxT is a test's context: its deadline only guards against a hang, so
// it is generous (the brute-force filter test runs over a minute under
// -race on a busy two-core machine).
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mkAd(id, title string) recruitscan.Ad {
	return recruitscan.Ad{
		ID: id, SourceID: "src1", URL: "https://jobs.example/" + id,
		Title: title, Body: "body of " + title,
	}
}

func mkVerdict(ad recruitscan.Ad, lvl recruitscan.Level, score float64, lang string) recruitscan.Verdict {
	return recruitscan.Verdict{
		AdID: ad.ID, ContentHash: ad.ContentHash(), Lang: lang, Level: lvl, Score: score,
		Flagged: lvl >= recruitscan.LevelMedium, Indicators: []recruitscan.Indicator{recruitscan.WorkerPaysFees},
	}
}

// flag stores a flagged ad directly (no stream) and fails t on error.
func (e *env) flag(t *testing.T, id string, lvl recruitscan.Level, score float64, lang string) SaveOutcome {
	t.Helper()
	ad := mkAd(id, "title "+id)
	out, err := e.s.SaveResult(ctxT(t), "", ad, mkVerdict(ad, lvl, score, lang))
	if err != nil {
		t.Fatalf("flag %s: %v", id, err)
	}
	return out
}

func ids(items []recruitscan.ReviewItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

var (
	reviewer = func(n string, langs ...string) Actor {
		return Actor{Name: n, Role: recruitscan.RoleReviewer, Languages: langs}
	}
	lead = Actor{Name: "lead", Role: recruitscan.RoleLead}
)

func itemID(i int) string { return fmt.Sprintf("ad%05d", i) }
