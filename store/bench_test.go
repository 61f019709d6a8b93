package store

// Benchmarks run against their own redis-server (no persistence) on a free
// loopback port, so that other tests sharing REDIS_URL do not disturb the
// figures, and so that redis-benchmark measures the same server in the
// same run as the reference. testdata/ads.jsonl is 40 ads sampled from the
// shared dev corpus (id, lang, title, body), for realistic sizes.
//
//	store/bench.sh   (go test -run '^$' -bench . -benchtime 5000x ./store)
//
// prints items/s, p50/p99 round trips, bytes per queued ad and the
// redis-benchmark reference figures with ratios (see store/bench.sh).

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/testredis"
)

var (
	benchOnce sync.Once
	benchPort int
	benchCmd  *exec.Cmd
	benchDir  string
	benchErr  error
)

// benchConnect starts the benchmark server once and connects to it.
func benchConnect(b *testing.B) redis.UniversalClient {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "store-bench-")
		if benchErr == nil {
			benchCmd, benchPort, benchErr = startRedis(benchDir, "--appendonly", "no")
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	c, err := Connect(context.Background(), fmt.Sprintf("redis://127.0.0.1:%d/0", benchPort))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchClient returns a client of the benchmark server and a fresh
// prefix, whose keys are deleted when b ends.
func benchClient(b *testing.B) (redis.UniversalClient, string) {
	c := benchConnect(b)
	prefix := fmt.Sprintf("bench%d", time.Now().UnixNano())
	b.Cleanup(func() { testredis.Cleanup(b, c, prefix); c.Close() })
	return c, prefix
}

func stopBench() {
	if benchCmd != nil {
		benchCmd.Process.Kill()
		benchCmd.Wait()
		os.RemoveAll(benchDir)
	}
}

// corpus is the realistic ads of testdata/ads.jsonl.
func corpus(b *testing.B) []recruitscan.Ad {
	f, err := os.Open("testdata/ads.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var ads []recruitscan.Ad
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		var a struct{ ID, Lang, Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			b.Fatalf("testdata/ads.jsonl:%d: %v", line, err)
		}
		ads = append(ads, recruitscan.Ad{ID: a.ID, SourceID: "board", Title: a.Title, Body: a.Body, Employer: "x", Location: a.Lang})
	}
	return ads
}

// realistic returns the i-th benchmark ad (a corpus ad under a new id and
// URL, with capture evidence but no raw body) and a flagged verdict with
// three hits and two entities, as the classifier produces.
func realistic(ads []recruitscan.Ad, i int) Result {
	ad := ads[i%len(ads)]
	ad.ID = fmt.Sprintf("%020d", i)
	ad.URL = "https://board.example/ads/" + ad.ID
	ad.Evidence = &recruitscan.Evidence{RequestURL: ad.URL, FinalURL: ad.URL, FetchedAt: t0, Status: 200,
		ContentType: "text/html; charset=utf-8", BodySHA256: strings.Repeat("ab", 32),
		Headers: map[string]string{"Server": "nginx", "Last-Modified": "Sat, 28 Nov 2026 10:00:00 GMT"}}
	hit := func(rule string, in recruitscan.Indicator, n int) recruitscan.Hit {
		end := min(n+24, len(ad.Body))
		return recruitscan.Hit{Rule: rule, Indicator: in, Field: recruitscan.FieldBody, Start: n, End: end,
			Text: ad.Body[n:end], Description: "a rule's explanation for reviewers, one sentence long", Weight: 2.5}
	}
	v := recruitscan.Verdict{AdID: ad.ID, ContentHash: ad.ContentHash(), Lang: ad.Location, Langs: []string{ad.Location},
		Level: recruitscan.Level(2 + i%2), Score: float64(i % 13), Flagged: true,
		Indicators: []recruitscan.Indicator{recruitscan.WorkerPaysFees, recruitscan.VisaTrading},
		Hits:       []recruitscan.Hit{hit("fees.pay", recruitscan.WorkerPaysFees, 0), hit("visa.sale", recruitscan.VisaTrading, 0), hit("contact.wa", recruitscan.AnonymousContact, 0)},
		Entities: []recruitscan.Entity{
			{Kind: recruitscan.EntityPhone, Value: fmt.Sprintf("+9665%08d", i%5000), Field: recruitscan.FieldBody, Text: "05..."},
			{Kind: recruitscan.EntityWhatsApp, Value: fmt.Sprintf("+9665%08d", i%3000), Field: recruitscan.FieldBody, Text: "wa.me/..."},
		},
		RulesVersion: "0123456789abcdef"}
	return Result{Ad: ad, Verdict: v}
}

func fill(b *testing.B, s *Store, ads []recruitscan.Ad, from, to int) {
	for i := from; i < to; i += batchSize {
		rs := make([]Result, 0, batchSize)
		for j := i; j < min(i+batchSize, to); j++ {
			rs = append(rs, realistic(ads, j))
		}
		if _, err := s.SaveResults(context.Background(), rs); err != nil {
			b.Error(err) // not Fatal: fill also runs on worker goroutines
			return
		}
	}
}

// BenchmarkEnqueue: review-queue enqueue, pipelined in batches of 200
// (item hash, ordered sets, depth counters, audit entry per item).
func BenchmarkEnqueue(b *testing.B) {
	c, prefix := benchClient(b)
	s, _ := New(Config{Client: c, Prefix: prefix})
	ads := corpus(b)
	rs := make([]Result, b.N)
	for i := range rs {
		rs[i] = realistic(ads, i)
	}
	out := make([]SaveOutcome, batchSize)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < len(rs); i += batchSize {
		if err := s.enqueueAll(context.Background(), rs[i:min(i+batchSize, len(rs))], out); err != nil {
			b.Fatal(err)
		}
	}
	rate := float64(b.N) / time.Since(start).Seconds()
	b.StopTimer()
	reportRate(b, "enqueue", rate)
}

// BenchmarkSaveResults: the whole classifier hand-off per ad, pipelined in
// batches of 200: ad data compressed and stored, entities indexed, review
// item enqueued (no stream acks).
func BenchmarkSaveResults(b *testing.B) {
	c, prefix := benchClient(b)
	s, _ := New(Config{Client: c, Prefix: prefix})
	ads := corpus(b)
	b.ResetTimer()
	start := time.Now()
	fill(b, s, ads, 0, b.N)
	rate := float64(b.N) / time.Since(start).Seconds()
	b.StopTimer()
	reportRate(b, "save results", rate)
}

// BenchmarkSaveResultsParallel: as BenchmarkSaveResults with 4 workers,
// as several classifier workers would run.
func BenchmarkSaveResultsParallel(b *testing.B) {
	const workers = 4
	c, prefix := benchClient(b)
	s, _ := New(Config{Client: c, Prefix: prefix})
	ads := corpus(b)
	per := (b.N + workers - 1) / workers
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { fill(b, s, ads, w*per, min((w+1)*per, b.N)) })
	}
	wg.Wait()
	rate := float64(b.N) / time.Since(start).Seconds()
	b.StopTimer()
	reportRate(b, "save results, 4 workers", rate)
}

const batchSize = 200

// reportRate reports items/s beside redis-benchmark's pipelined SET on the
// same server, run right after.
func reportRate(b *testing.B, what string, rate float64) {
	ref := redisBenchmark(b, "-t", "set", "-n", "200000", "-P", strconv.Itoa(batchSize), "-c", "1")
	b.ReportMetric(rate, "items/s")
	b.ReportMetric(ref.rps, "ref_SET_P200_rps")
	b.ReportMetric(rate/ref.rps, "ratio_vs_SET")
	fmt.Printf("%s: %.0f items/s over %d; redis-benchmark SET -P %d: %.0f req/s; ratio %.4f\n",
		what, rate, b.N, batchSize, ref.rps, rate/ref.rps)
}

var (
	claimOnce  sync.Once
	claimStore *Store
	claimNext  int
)

// BenchmarkClaimDecide: one reviewer's ClaimNext + Decide round trip with
// 100,000 items pending (refilled outside the timer to stay at 100,000).
func BenchmarkClaimDecide(b *testing.B) {
	const pending = 100_000
	claimOnce.Do(func() { // filled once: the framework runs a benchmark more than once
		claimStore, _ = New(Config{Client: benchConnect(b), Prefix: "claimbench"}) // outlives b
		fill(b, claimStore, corpus(b), 0, pending)
		claimNext = pending
	})
	s, ads := claimStore, corpus(b)
	ctx := context.Background()
	a := Actor{Name: "rev", Role: recruitscan.RoleReviewer, Languages: []string{"ur"}}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t := time.Now()
		it, err := s.ClaimNext(ctx, a)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Decide(ctx, it.ID, a, recruitscan.DecisionDismiss, "bench"); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		b.StopTimer()
		fill(b, s, ads, claimNext, claimNext+1) // back to 100,000 pending
		claimNext++
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(p50), "p50_ms")
	b.ReportMetric(ms(p99), "p99_ms")
	ref := redisBenchmark(b, "-t", "set", "-n", "50000", "-c", "1")
	b.ReportMetric(ref.p50, "ref_SET_p50_ms")
	b.ReportMetric(ref.p99, "ref_SET_p99_ms")
	fmt.Printf("claim+decide p50 %.3f ms, p99 %.3f ms over %d with %d pending; redis-benchmark SET p50 %.3f ms, p99 %.3f ms; ratios p50 %.1f, p99 %.1f",
		ms(p50), ms(p99), b.N, pending, ref.p50, ref.p99, ms(p50)/ref.p50, ms(p99)/ref.p99)
	fmt.Println()
}

// BenchmarkMemoryPerAd: Redis memory per queued ad, raw body excluded
// (the benchmark ads carry none), by the INFO used_memory delta and by
// the sum of MEMORY USAGE over the store's keys.
func BenchmarkMemoryPerAd(b *testing.B) {
	const n = 20_000
	c, prefix := benchClient(b)
	s, _ := New(Config{Client: c, Prefix: prefix})
	ctx := context.Background()
	before := usedMemory(b, c)
	fill(b, s, corpus(b), 0, n)
	delta := float64(usedMemory(b, c)-before) / n
	var sum int64
	iter := c.Scan(ctx, 0, "*"+prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		sum += c.MemoryUsage(ctx, iter.Val()).Val()
	}
	per := float64(sum) / n
	b.ReportMetric(delta, "B/ad_used_memory")
	b.ReportMetric(per, "B/ad_MEMORY_USAGE")
	fmt.Printf("memory per queued ad (no raw body): used_memory delta %.0f B, MEMORY USAGE sum %.0f B, over %d ads\n", delta, per, n)
}

func usedMemory(b *testing.B, c redis.UniversalClient) int64 {
	info, err := c.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal("no used_memory in INFO")
	return 0
}

type benchRef struct{ rps, p50, p99 float64 }

// redisBenchmark runs redis-benchmark against the benchmark server.
func redisBenchmark(b *testing.B, args ...string) benchRef {
	all := append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(benchPort), "--csv"}, args...)
	out, err := exec.Command("redis-benchmark", all...).Output()
	if err != nil {
		b.Fatalf("redis-benchmark %v: %v (install redis-tools)", all, err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil || len(rows) < 2 || len(rows[1]) < 7 {
		b.Fatalf("redis-benchmark output: %q (%v)", out, err)
	}
	f := func(i int) float64 { v, _ := strconv.ParseFloat(rows[1][i], 64); return v }
	return benchRef{rps: f(1), p50: f(4), p99: f(6)}
}
