package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
)

// TestRedisRestartAOF: a producer, a classifier worker and a reviewer run
// against a redis-server with AOF (fsync always) that is killed and
// restarted mid-run. They recover by themselves, and nothing that Redis
// acknowledged (an append, a save, a decision) is lost.
func TestRedisRestartAOF(t *testing.T) {
	const ads = 300
	dir := t.TempDir()
	aof := []string{"--appendonly", "yes", "--appendfsync", "always"}
	srv, port, err := startRedis(dir, aof...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := Connect(ctx, fmt.Sprintf("redis://127.0.0.1:%d/0", port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	clk := clock.NewFake(t0)
	s, err := New(Config{Client: c, Prefix: "restart", Clock: clk, ClaimIdle: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r := &restartRun{s: s, ads: ads}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); r.produce(ctx) }()
	go func() { defer wg.Done(); r.work(ctx) }()
	go func() { defer wg.Done(); r.review(ctx, false) }()

	for r.appended.Load() < ads/3 && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	atKill := r.appended.Load()
	time.Sleep(1500 * time.Millisecond) // longer than go-redis' own retries
	if srv, err = startRedisOn(dir, port, aof...); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("run did not finish: appended %d, %v", r.appended.Load(), ctx.Err())
	}
	clk.Advance(time.Hour) // leases of claims whose reply was lost
	r.review(ctx, true)
	if atKill >= ads {
		t.Fatalf("restart not mid-run: all %d appended before the kill", ads)
	}
	// go-redis' own retries hide most of the outage; the rest surface here.
	t.Logf("killed after %d appends; %d errors seen by the workers and retried", atKill, r.errors.Load())
	r.check(t, ctx)
}

type restartRun struct {
	s        *Store
	ads      int
	appended atomic.Int64
	errors   atomic.Int64
	saved    sync.Map // ad id → flagged
	decided  sync.Map // item id → true
	done     atomic.Bool
}

func (r *restartRun) retry(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	r.errors.Add(1)
	time.Sleep(20 * time.Millisecond)
	return true
}

func (r *restartRun) produce(ctx context.Context) {
	for i := 0; i < r.ads; i++ {
		for {
			_, err := r.s.AppendAd(ctx, mkAd(itemID(i), "ad "+itoa(int64(i))))
			if !r.retry(ctx, err) {
				break
			}
		}
		r.appended.Add(1)
	}
}

// work classifies until every ad was appended and the stream is empty.
func (r *restartRun) work(ctx context.Context) {
	defer r.done.Store(true)
	for ctx.Err() == nil {
		batch, err := r.s.ReadAds(ctx, "w1", 20, 50*time.Millisecond)
		if r.retry(ctx, err) {
			continue
		}
		for _, a := range batch {
			v := fakeClassify(a.Ad)
			if _, err := r.s.SaveResult(ctx, a.MsgID, a.Ad, v); r.retry(ctx, err) {
				break // left pending: reclaimed after ClaimIdle
			}
			r.saved.Store(a.Ad.ID, v.Flagged)
		}
		si, err := r.s.StreamInfo(ctx)
		if err == nil && si.Length == 0 && r.appended.Load() == int64(r.ads) {
			return
		}
	}
}

// review claims and confirms until the worker is done (or, when final,
// until the queue is empty).
func (r *restartRun) review(ctx context.Context, final bool) {
	a := reviewer("rita")
	for ctx.Err() == nil {
		it, err := r.s.ClaimNext(ctx, a)
		if errors.Is(err, recruitscan.ErrQueueEmpty) {
			if final || r.done.Load() {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if r.retry(ctx, err) {
			continue
		}
		for {
			_, err := r.s.Decide(ctx, it.ID, a, recruitscan.DecisionConfirm, "")
			if err == nil || errors.Is(err, recruitscan.ErrAlreadyDecided) {
				break // already decided: our earlier attempt's reply was lost
			}
			if !r.retry(ctx, err) {
				return
			}
		}
		r.decided.Store(it.ID, true)
	}
}

func (r *restartRun) check(t *testing.T, ctx context.Context) {
	for i := range r.ads {
		id := itemID(i)
		sa, err := r.s.Ad(ctx, id)
		if err != nil || sa.Version != 1 {
			t.Errorf("appended %s: %v (version %d); want stored once", id, err, sa.Version)
		}
	}
	n := 0
	r.saved.Range(func(k, v any) bool {
		n++
		if v.(bool) {
			if _, err := r.s.Item(ctx, k.(string)); err != nil {
				t.Errorf("saved flagged %s: %v", k, err)
			}
		}
		return true
	})
	r.decided.Range(func(k, _ any) bool {
		it, err := r.s.Item(ctx, k.(string))
		if err != nil || it.Status != recruitscan.StatusDecided || it.DecidedBy != "rita" {
			t.Errorf("decided %s: %+v, %v", k, it, err)
		}
		return true
	})
	if _, open, _ := r.s.Queue(ctx, QueueFilter{}); open != 0 {
		t.Errorf("%d items left open", open)
	}
	if si, _ := r.s.StreamInfo(ctx); si != (StreamInfo{}) {
		t.Errorf("stream: %+v", si)
	}
	t.Logf("%d saves and all %d appends survived", n, r.ads)
}
