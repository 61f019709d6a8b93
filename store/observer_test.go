package store

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/recruitscan/recruitscan"
)

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(s string) { r.mu.Lock(); r.events = append(r.events, s); r.mu.Unlock() }
func (r *recorder) Claimed()     { r.add("claimed") }
func (r *recorder) LeasesExpired(n int) {
	r.add("expired " + itoa(int64(n)))
}
func (r *recorder) Decided(d recruitscan.Decision, since time.Duration) {
	r.add("decided " + string(d) + " after " + since.String())
}
func (r *recorder) DeadLettered() { r.add("dead") }

var _ Observer = (*recorder)(nil)

func TestObserver(t *testing.T) {
	rec := &recorder{}
	forEach(t, func(t *testing.T, e *env) {
		rec.events = nil
		ctx := ctxT(t)
		e.flag(t, "a1", recruitscan.LevelHigh, 5, "en")
		e.flag(t, "a2", recruitscan.LevelHigh, 4, "en")
		e.s.ClaimNext(ctx, reviewer("bob"))
		e.clk.Advance(2 * time.Minute) // bob's lease expires
		it, _ := e.s.ClaimNext(ctx, reviewer("eve"))
		e.clk.Advance(30 * time.Second)
		e.s.Decide(ctx, it.ID, reviewer("eve"), recruitscan.DecisionConfirm, "")
		e.s.AppendAd(ctx, mkAd("a3", "x"))
		got, _ := e.s.ReadAds(ctx, "w", 1, 0)
		e.s.FailAd(ctx, got[0].MsgID, errors.New("boom"))
		want := []string{"claimed", "expired 1", "claimed", "decided confirm after 2m30s", "dead"}
		if diff := cmp.Diff(want, rec.events); diff != "" {
			t.Errorf("observer events (-want +got):\n%s", diff)
		}
	}, func(c *Config) { c.Observer = rec; c.MaxAttempts = 1 })
}

func TestRetention(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		ttl := func(id string) time.Duration {
			d, _ := e.c.PTTL(ctx, e.s.k.adData(id)).Result()
			return d
		}
		plain := mkAd("plain", "nothing here")
		e.s.SaveResult(ctx, "", plain, mkVerdict(plain, recruitscan.LevelNone, 0, "en"))
		e.flag(t, "dismissed", recruitscan.LevelHigh, 5, "en")
		e.flag(t, "confirmed", recruitscan.LevelHigh, 5, "en")
		for _, id := range []string{"dismissed", "confirmed"} {
			d := map[string]recruitscan.Decision{"dismissed": recruitscan.DecisionDismiss, "confirmed": recruitscan.DecisionConfirm}[id]
			if _, err := e.s.Decide(ctx, id, lead, d, ""); err != nil {
				t.Fatal(err)
			}
		}
		// The confirmed ad re-crawled with changed content and no longer
		// flagged stays kept.
		changed := mkAd("confirmed", "now harmless")
		e.s.SaveResult(ctx, "", changed, mkVerdict(changed, recruitscan.LevelNone, 0, "en"))
		cases := []struct {
			id       string
			min, max time.Duration
		}{
			{"plain", 23 * time.Hour, 24 * time.Hour},
			{"dismissed", 6 * 24 * time.Hour, 7 * 24 * time.Hour},
			{"confirmed", -1, -1}, // no TTL
		}
		for _, c := range cases {
			if d := ttl(c.id); d < c.min || d > c.max {
				t.Errorf("%s: TTL %v, want within [%v, %v]", c.id, d, c.min, c.max)
			}
		}
	}, func(c *Config) { c.RetainUnflagged = 24 * time.Hour; c.RetainDismissed = 7 * 24 * time.Hour })
}

func TestBacklogBound(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		for i := range 3 {
			if _, err := e.s.AppendAd(ctx, mkAd(itemID(i), "x")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.AppendAd(ctx, mkAd("one-too-many", "x")); !errors.Is(err, recruitscan.ErrUnavailable) {
			t.Fatalf("append past the bound: %v, want ErrUnavailable", err)
		}
		got, _ := e.s.ReadAds(ctx, "w", 1, 0)
		e.s.SaveResult(ctx, got[0].MsgID, got[0].Ad, mkVerdict(got[0].Ad, recruitscan.LevelNone, 0, "en"))
		if _, err := e.s.AppendAd(ctx, mkAd("fits-now", "x")); err != nil {
			t.Errorf("append after an ack freed room: %v", err)
		}
		if _, err := e.s.AppendAd(ctx, mkAd("bad id", "x")); !errors.Is(err, recruitscan.ErrInvalid) {
			t.Errorf("id with a space: %v, want ErrInvalid", err)
		}
	}, func(c *Config) { c.MaxBacklog = 3 })
}
