package pipeline

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/store"
)

// keywordClassifier flags ads whose title says "risky". The pipeline's
// tests are about hand-off, not detection, so the classifier is a seam.
type keywordClassifier struct{ panicOn string }

func (k keywordClassifier) Classify(ad recruitscan.Ad) recruitscan.Verdict {
	if k.panicOn != "" && strings.Contains(ad.Title, k.panicOn) {
		panic("hostile input")
	}
	v := recruitscan.Verdict{AdID: ad.ID, ContentHash: ad.ContentHash(), Lang: "en", Hits: []recruitscan.Hit{}}
	if strings.Contains(ad.Title, "risky") {
		v.Level, v.Score, v.Flagged = recruitscan.LevelHigh, 5, true
		v.Indicators = []recruitscan.Indicator{recruitscan.VisaTrading}
	}
	return v
}

// newStore returns a store on the test Redis; claimIdle is how soon a
// failed entry is redelivered.
func newStore(t *testing.T, maxAttempts int, claimIdle time.Duration) *store.Store {
	c, prefix := testredis.Client(t)
	st, err := store.New(store.Config{Client: c, Prefix: prefix, MaxAttempts: maxAttempts, ClaimIdle: claimIdle})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPipelineClassifiesEveryAdOnce(t *testing.T) {
	st := newStore(t, 3, 0)
	p, err := New(Config{Store: st, Classifier: keywordClassifier{}, Workers: 3, Batch: 7, Block: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const n = 200
	sink := p.Sink()
	for i := 0; i < n; i++ {
		title := "driver"
		if i%4 == 0 {
			title = "risky visa"
		}
		ad := recruitscan.Ad{ID: fmt.Sprintf("ad%03d", i), Title: title, Body: fmt.Sprint("body ", i)}
		if err := sink.Emit(ctx, ad); err != nil {
			t.Fatal(err)
		}
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); p.Run(rctx) }()
	if err := p.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	stop()
	<-done
	s := p.Stats()
	if s.Appended != n || s.Classified != n || s.Flagged != n/4 || s.Queued != n/4 || s.Failed != 0 {
		t.Fatalf("stats %+v, want %d appended and classified, %d flagged and queued", s, n, n/4)
	}
	for i := 0; i < n; i++ {
		if _, err := st.Ad(ctx, fmt.Sprintf("ad%03d", i)); err != nil {
			t.Fatalf("ad%03d not stored: %v", i, err)
		}
	}
	_, total, err := st.Queue(ctx, store.QueueFilter{})
	if err != nil || total != n/4 {
		t.Fatalf("queue total %d (%v), want %d", total, err, n/4)
	}
}

// A classifier panic on one hostile ad fails that entry (dead-lettered
// after the store's attempt limit) and the workers carry on.
func TestPipelineSurvivesPanicAndDeadLetters(t *testing.T) {
	st := newStore(t, 2, 100*time.Millisecond)
	p, err := New(Config{Store: st, Classifier: keywordClassifier{panicOn: "boom"}, Workers: 2, Block: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, title := range []string{"risky one", "boom", "plain"} {
		if err := p.Sink().Emit(ctx, recruitscan.Ad{ID: fmt.Sprint("x", i), Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	rctx, stop := context.WithCancel(ctx)
	var finished atomic.Bool
	go func() { p.Run(rctx); finished.Store(true) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		dl, err := st.DeadLetters(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(dl) == 1 {
			if !strings.Contains(dl[0].Error, "classifier panic") {
				t.Errorf("dead letter error %q does not name the panic", dl[0].Error)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dead letter after 20s; stats %+v", p.Stats())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	stop()
	s := p.Stats()
	if s.Classified != 2 || s.DeadLettered != 1 || s.Failed < 2 {
		t.Errorf("stats %+v: want 2 classified, the panicking ad failed twice and dead-lettered", s)
	}
}

func TestNewRequiresParts(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New with no store and classifier succeeded")
	}
}

// A page gone from its site is recorded on the stored ad with the time;
// an ad that was never stored is not an error.
func TestSinkMarksRemoved(t *testing.T) {
	st := newStore(t, 3, 0)
	p, err := New(Config{Store: st, Classifier: keywordClassifier{}, Block: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sink := p.Sink()
	if err := sink.Emit(ctx, recruitscan.Ad{ID: "gone1", Title: "risky", URL: "http://x.example/1"}); err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	go p.Run(rctx)
	if err := p.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	if err := sink.MarkRemoved(ctx, "gone1", at); err != nil {
		t.Fatal(err)
	}
	ad, err := st.Ad(ctx, "gone1")
	if err != nil {
		t.Fatal(err)
	}
	if !ad.RemovedAt.Equal(at) {
		t.Errorf("RemovedAt = %v, want %v", ad.RemovedAt, at)
	}
	if err := sink.MarkRemoved(ctx, "never-stored", at); err != nil {
		t.Errorf("MarkRemoved of an ad never stored: %v", err)
	}
}
