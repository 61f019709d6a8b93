package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
)

// helperEnv, when set, makes the test binary a classifier worker (see
// TestWorkerKilled) instead of running tests.
const helperEnv = "STORE_TEST_HELPER"

// runHelper is the classifier worker process: it reads batches of 20 and
// saves them one by one, printing "saved ID" after each. After
// STORE_HELPER_SAVES saves it stores the next ad completely except for the
// stream acknowledgement (a crash between the last two steps), prints
// "partial ID" and waits to be killed.
func runHelper() int {
	limit, _ := strconv.Atoi(os.Getenv("STORE_HELPER_SAVES"))
	ctx := context.Background()
	c, err := Connect(ctx, os.Getenv("STORE_HELPER_URL"))
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	s, err := New(Config{Client: c, Prefix: os.Getenv("STORE_HELPER_PREFIX")})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	for {
		batch, err := s.ReadAds(ctx, "doomed", 20, 100*time.Millisecond)
		if err != nil {
			fmt.Println("error", err)
			return 1
		}
		for _, a := range batch {
			msgID := a.MsgID
			if limit == 0 {
				msgID = ""
			}
			if _, err := s.SaveResult(ctx, msgID, a.Ad, fakeClassify(a.Ad)); err != nil {
				fmt.Println("error", err)
				return 1
			}
			if limit == 0 {
				fmt.Println("partial", a.Ad.ID)
				select {}
			}
			limit--
			fmt.Println("saved", a.Ad.ID)
		}
	}
}

// fakeClassify flags every third ad, deterministically.
func fakeClassify(ad recruitscan.Ad) recruitscan.Verdict {
	n, _ := strconv.Atoi(strings.TrimPrefix(ad.ID, "ad"))
	lvl := recruitscan.LevelLow
	if n%3 == 0 {
		lvl = recruitscan.LevelHigh
	}
	return mkVerdict(ad, lvl, float64(n%7), "en")
}

// TestWorkerKilled: a classifier process is killed with SIGKILL in the
// middle of a batch; another worker reclaims its pending entries and every
// ad ends stored once, and queued once if flagged.
func TestWorkerKilled(t *testing.T) {
	const ads = 120
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		for i := range ads {
			if _, err := e.s.AppendAd(ctx, mkAd(itemID(i), "ad "+itoa(int64(i)))); err != nil {
				t.Fatal(err)
			}
		}
		saved := runDoomedWorker(t, e, 30)
		si, _ := e.s.StreamInfo(ctx)
		t.Logf("worker killed after %d saves; stream %+v", saved, si)
		if si.Pending == 0 {
			t.Fatalf("killed worker left nothing pending (%+v): not mid-batch", si)
		}
		reclaimed := drain(t, e, "rescuer")
		if reclaimed == 0 {
			t.Error("the rescuer reclaimed nothing")
		}
		checkExactlyOnce(t, e, ads)
	}, func(c *Config) { c.ClaimIdle = 200 * time.Millisecond })
}

// runDoomedWorker starts the helper process and SIGKILLs it once it has
// saved n ads and half-saved one more; it returns how many it reported.
func runDoomedWorker(t *testing.T, e *env, n int) int {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", "STORE_HELPER_URL="+e.url, "STORE_HELPER_PREFIX="+e.prefix,
		"STORE_HELPER_SAVES="+strconv.Itoa(n))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	saved, partial := 0, false
	sc := bufio.NewScanner(out)
	for !partial && sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "saved "):
			saved++
		case strings.HasPrefix(line, "partial "):
			partial = true
		default:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("worker: %s", line)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if saved < n || !partial {
		t.Fatalf("worker stopped after %d saves (partial: %v)", saved, partial)
	}
	return saved
}

// drain runs a worker until the stream is empty; it returns how many
// entries it got by reclaiming (deliveries > 1).
func drain(t *testing.T, e *env, consumer string) int {
	ctx := ctxT(t)
	reclaimed := 0
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		batch, err := e.s.ReadAds(ctx, consumer, 50, 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range batch {
			if a.Deliveries > 1 {
				reclaimed++
			}
			if _, err := e.s.SaveResult(ctx, a.MsgID, a.Ad, fakeClassify(a.Ad)); err != nil {
				t.Fatal(err)
			}
		}
		if si, _ := e.s.StreamInfo(ctx); si.Length == 0 {
			return reclaimed
		}
	}
	si, _ := e.s.StreamInfo(ctx)
	t.Fatalf("stream not drained in 30s: %+v", si)
	return 0
}

// checkExactlyOnce: ads 0..n-1 are each stored as one version, the
// flagged ones queued by exactly one enqueue, nothing else queued or dead.
func checkExactlyOnce(t *testing.T, e *env, n int) {
	ctx := ctxT(t)
	flagged := 0
	for i := range n {
		id := itemID(i)
		sa, err := e.s.Ad(ctx, id)
		if err != nil || sa.Version != 1 || len(sa.Versions) != 1 {
			t.Errorf("%s: version %d, versions %v, %v; want stored once", id, sa.Version, sa.Versions, err)
			continue
		}
		if !fakeClassify(sa.Ad).Flagged {
			continue
		}
		flagged++
		au, err := e.s.Audit(ctx, id, 0)
		enq := 0
		for _, a := range au {
			if a.Action == "enqueue" || a.Action == "update" || a.Action == "reopen" {
				enq++
			}
		}
		if err != nil || enq != 1 {
			t.Errorf("%s: %d queue actions (%v), want 1", id, enq, err)
		}
	}
	if _, total, _ := e.s.Queue(ctx, QueueFilter{}); total != flagged {
		t.Errorf("queue holds %d, want the %d flagged ads", total, flagged)
	}
	if si, _ := e.s.StreamInfo(ctx); si != (StreamInfo{}) {
		t.Errorf("stream after drain: %+v, want empty with no dead letters", si)
	}
}
