package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
)

// flagMany enqueues n flagged ads in pipelined batches.
func (e *env) flagMany(t testing.TB, n int, langs ...string) {
	t.Helper()
	const batch = 250
	for start := 0; start < n; start += batch {
		var rs []Result
		for i := start; i < min(start+batch, n); i++ {
			ad := mkAd(itemID(i), fmt.Sprintf("ad %d", i))
			rs = append(rs, Result{Ad: ad, Verdict: mkVerdict(ad, recruitscan.Level(2+i%2), float64(i%17), langs[i%len(langs)])})
		}
		if _, err := e.s.SaveResults(ctxBG(), rs); err != nil {
			t.Fatal(err)
		}
	}
}

// holdings tracks who holds what, to catch a double hold.
type holdings struct {
	mu      sync.Mutex
	holder  map[string]string
	decided map[string]int
	errs    []error
}

func (h *holdings) fail(format string, a ...any) {
	h.mu.Lock()
	h.errs = append(h.errs, fmt.Errorf(format, a...))
	h.mu.Unlock()
}

// TestConcurrentReviewers: 16 reviewers claim and decide 5,000 items; some
// claims are abandoned and come back when the fake clock passes their
// lease. No item is held by two at once, none is lost, none decided twice.
// The embedded server gets 1,000 items: miniredis runs each script
// through an interpreter under one lock and is several times slower.
func TestConcurrentReviewers(t *testing.T) {
	const reviewers = 16
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		items := 5000
		if e.backend == "embedded" {
			items = 1000
		}
		e.flagMany(t, items, "ar", "en", "ur", "hi")
		h := &holdings{holder: map[string]string{}, decided: map[string]int{}}
		var abandoned []string
		for round := 0; round < 3; round++ {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for r := range reviewers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a := reviewer(fmt.Sprintf("r%02d", r), []string{"ar", "en", "ur", "hi"}[r%4])
					for n := 0; ; n++ {
						it, err := e.s.ClaimNext(ctx, a)
						if errors.Is(err, recruitscan.ErrQueueEmpty) {
							return
						}
						if err != nil {
							h.fail("%s claim: %v", a.Name, err)
							return
						}
						h.mu.Lock()
						if other, ok := h.holder[it.ID]; ok {
							h.errs = append(h.errs, fmt.Errorf("%s claimed %s held by %s", a.Name, it.ID, other))
						}
						h.holder[it.ID] = a.Name
						h.mu.Unlock()
						if round == 0 && (n+r)%41 == 0 { // walk away; the lease will expire
							mu.Lock()
							abandoned = append(abandoned, it.ID)
							mu.Unlock()
							continue
						}
						h.mu.Lock()
						delete(h.holder, it.ID)
						h.mu.Unlock()
						if _, err := e.s.Decide(ctx, it.ID, a, recruitscan.DecisionConfirm, ""); err != nil {
							h.fail("%s decide %s: %v", a.Name, it.ID, err)
							continue
						}
						h.mu.Lock()
						h.decided[it.ID]++
						h.mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if round == 0 && len(abandoned) == 0 {
				t.Fatal("no claim was abandoned: the test does not exercise lease expiry")
			}
			// Abandoned leases expire; their holders are gone.
			for _, id := range abandoned {
				delete(h.holder, id)
			}
			abandoned = nil
			e.clk.Advance(2 * time.Minute)
		}
		for _, err := range h.errs[:min(len(h.errs), 10)] {
			t.Error(err)
		}
		if len(h.decided) != items {
			t.Errorf("%d items decided, want %d", len(h.decided), items)
		}
		for id, n := range h.decided {
			if n != 1 {
				t.Errorf("%s decided %d times", id, n)
			}
		}
		_, total, err := e.s.Queue(ctx, QueueFilter{Status: recruitscan.StatusDecided})
		if err != nil || total != items {
			t.Errorf("decided in store: %d, %v; want %d", total, err, items)
		}
		if _, open, _ := e.s.Queue(ctx, QueueFilter{}); open != 0 {
			t.Errorf("%d items still open", open)
		}
		if st, _ := e.s.QueueStats(ctx); len(st.Depth) != 0 || !st.OldestPending.IsZero() {
			t.Errorf("stats after all decided: %+v", st)
		}
		ds, err := e.s.Decisions(ctx, t0, t0.Add(time.Hour))
		if len(ds) != items || err != nil {
			t.Errorf("%d decisions in the audit log, %v; want %d", len(ds), err, items)
		}
	})
}
