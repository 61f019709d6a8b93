package review

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/store"
	"github.com/redis/go-redis/v9"
)

// benchItems is the queue size the page benchmarks run against.
const benchItems = 100_000

var (
	benchOnce   sync.Once
	benchServer *httptest.Server
	benchErr    error
	benchClient redis.UniversalClient
	benchPrefix string
	benchCookie string
)

// benchEnv fills one store with benchItems queued ads, once per process
// (TestMain removes them), and serves it.
func benchEnv(b *testing.B) (*httptest.Server, string) {
	b.Helper()
	benchOnce.Do(func() {
		opt, err := redis.ParseURL(testredis.URL(b))
		if err != nil {
			benchErr = err
			return
		}
		benchClient = redis.NewClient(opt)
		benchPrefix = testredis.Prefix(b)
		start := time.Now()
		benchErr = fillBench(benchClient, benchPrefix)
		b.Logf("queued %d items in %v", benchItems, time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchServer, benchCookie
}

func fillBench(c redis.UniversalClient, prefix string) error {
	clk := clock.NewFake(t0)
	st, err := store.New(store.Config{Client: c, Prefix: prefix, Clock: clk})
	if err != nil {
		return err
	}
	langs := []string{"ar", "ur", "hi", "bn", "tl", "en", "ne", "id"}
	ctx := context.Background()
	return fillParallel(16, benchItems, func(i int) error {
		ad := recruitscan.Ad{ID: fmt.Sprintf("bench%08d", i), SourceID: fmt.Sprintf("src%d", i%5),
			URL: fmt.Sprintf("http://board.test/ads/%d", i), Title: fmt.Sprintf("Drivers needed %d", i),
			Body: fmt.Sprintf("Pay the visa fee of 9500 SAR. WhatsApp only +9665%08d", i%2000)}
		lvl := recruitscan.LevelMedium + recruitscan.Level(i%2)
		v := verdict(ad, langs[i%len(langs)], lvl, float64(4+i%6),
			recruitscan.Hit{Rule: "en.pay_fee", Indicator: recruitscan.WorkerPaysFees, Field: "body", Start: 0, End: 16, Text: ad.Body[:16]})
		v.Entities = []recruitscan.Entity{{Kind: recruitscan.EntityPhone, Value: fmt.Sprintf("+9665%08d", i%2000), Field: "body",
			Start: len(ad.Body) - 14, End: len(ad.Body), Text: ad.Body[len(ad.Body)-14:]}}
		_, err := st.SaveResult(ctx, "", ad, v)
		return err
	}, func() error { return serveBench(st, c, prefix, clk) })
}

// fillParallel runs f(0..n-1) on workers goroutines, then done; the first
// error stops it.
func fillParallel(workers, n int, f func(int) error, done func() error) error {
	idx := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case idx <- i:
		case err = <-errs:
			break feed
		}
	}
	close(idx)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err = <-errs:
		return err
	default:
	}
	return done()
}

func serveBench(st *store.Store, c redis.UniversalClient, prefix string, clk *clock.Fake) error {
	hash, _ := HashPassword(testPassword)
	srv, err := New(Config{Store: st, Redis: c, Prefix: prefix, Clock: clk,
		Users: []User{{Name: "lead1", Role: recruitscan.RoleLead, PasswordHash: hash}}})
	if err != nil {
		return err
	}
	benchServer = httptest.NewServer(srv.Handler())
	id, _, err := srv.newSession(context.Background(), "lead1")
	benchCookie = sessionCookie + "=" + id
	return err
}

// cleanupBench runs from TestMain after every test and benchmark.
func cleanupBench() {
	if benchServer != nil {
		benchServer.Close()
	}
	if benchClient != nil {
		if err := unlinkPrefix(benchClient, benchPrefix); err != nil {
			fmt.Fprintln(os.Stderr, "review benchmarks: cleanup:", err)
		}
		benchClient.Close()
	}
}

// unlinkPrefix deletes every key containing prefix in batches (the bench
// data is too big for testredis.Cleanup's ten seconds).
func unlinkPrefix(c redis.UniversalClient, prefix string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	iter := c.Scan(ctx, 0, "*"+prefix+"*", 5000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		pipe := c.Pipeline() // one key per command: fine on Cluster too
		for _, k := range batch {
			pipe.Unlink(ctx, k)
		}
		_, err := pipe.Exec(ctx)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 1000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	return flush()
}

// benchGet measures one GET per iteration and reports the bytes served.
func benchGet(b *testing.B, path string) {
	ts, cookie := benchEnv(b)
	c := ts.Client()
	var size int
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Cookie", cookie)
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		size = int(n)
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// The queue and ad pages at 100,000 queued items (make bench, or
// go test -run '^$' -bench . ./review).
func BenchmarkQueuePage100k(b *testing.B) { benchGet(b, "/queue") }
func BenchmarkQueuePageFiltered100k(b *testing.B) {
	benchGet(b, "/queue?lang=ur&level=high")
}
func BenchmarkQueuePageDeep100k(b *testing.B) { benchGet(b, "/queue?offset=90000") }
func BenchmarkQueueAPI100k(b *testing.B)      { benchGet(b, "/api/v1/queue?limit=50") }
func BenchmarkItemPage100k(b *testing.B)      { benchGet(b, "/items/bench00012345") }
func BenchmarkItemAPI100k(b *testing.B)       { benchGet(b, "/api/v1/items/bench00012345") }
func BenchmarkLeadPage100k(b *testing.B)      { benchGet(b, "/lead") }

// BenchmarkClaimDecide100k is one reviewer step: claim next, then decide.
func BenchmarkClaimDecide100k(b *testing.B) {
	ts, cookie := benchEnv(b)
	c := ts.Client()
	csrf := benchCSRF(b, ts, cookie)
	post := func(path, body string) *http.Response {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
		req.Header.Set("Cookie", cookie)
		req.Header.Set(csrfHeader, csrf)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	b.ResetTimer()
	for b.Loop() {
		resp := post("/api/v1/queue/claim", "")
		var it struct{ ID string }
		err := json.NewDecoder(resp.Body).Decode(&it)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("claim: %d %v", resp.StatusCode, err)
		}
		resp = post("/api/v1/items/"+url.PathEscape(it.ID)+"/decision", `{"decision":"dismiss"}`)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("decide: %d", resp.StatusCode)
		}
	}
}

func benchCSRF(b *testing.B, ts *httptest.Server, cookie string) string {
	req, _ := http.NewRequest("GET", ts.URL+"/queue?limit=1", nil)
	req.Header.Set("Cookie", cookie)
	resp, err := ts.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfMeta.FindStringSubmatch(string(body))
	if m == nil {
		b.Fatal("no csrf token on the queue page")
	}
	return m[1]
}

// BenchmarkLeadPageAfterDecisions100k runs after BenchmarkClaimDecide100k
// (benchmarks run in file order), so the statistics have decisions to read.
func BenchmarkLeadPageAfterDecisions100k(b *testing.B) { benchGet(b, "/lead") }
