package store

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/recruitscan/recruitscan"
)

// filterWorld is a queue of varied items and the ids ever queued, for
// comparing Queue with a brute-force filter over Item.
type filterWorld struct {
	e   *env
	rng *rand.Rand
	ids []string
	rev int // bumps re-posted content
}

var (
	filterLangs   = []string{"ar", "en", "ur"}
	filterSources = []string{"s1", "s2", "s/3 {x}"}
	filterInds    = []recruitscan.Indicator{recruitscan.WorkerPaysFees, recruitscan.VisaTrading, recruitscan.AnonymousContact}
)

// post stores a flagged version of ad id with random level, score,
// language, source and indicators (possibly none, possibly repeated).
func (w *filterWorld) post(t *testing.T, id string) {
	t.Helper()
	r := w.rng
	w.rev++
	ad := recruitscan.Ad{ID: id, SourceID: filterSources[r.IntN(len(filterSources))],
		URL: "https://jobs.example/" + id, Title: fmt.Sprintf("title %s rev %d", id, w.rev)}
	v := recruitscan.Verdict{AdID: id, ContentHash: ad.ContentHash(), Lang: filterLangs[r.IntN(len(filterLangs))],
		Level: recruitscan.Level(1 + r.IntN(3)), Score: []float64{1, 2, 2.5, 7}[r.IntN(4)], Flagged: true}
	for _, in := range filterInds {
		if r.IntN(2) == 0 {
			v.Indicators = append(v.Indicators, in)
		}
	}
	if len(v.Indicators) > 0 && r.IntN(5) == 0 {
		v.Indicators = append(v.Indicators, v.Indicators[0])
	}
	if _, err := w.e.s.SaveResult(ctxT(t), "", ad, v); err != nil {
		t.Fatalf("post %s: %v", id, err)
	}
	if !slices.Contains(w.ids, id) {
		w.ids = append(w.ids, id)
	}
}

// all reads every item ever queued by Item.
func (w *filterWorld) all(t *testing.T) []recruitscan.ReviewItem {
	t.Helper()
	var out []recruitscan.ReviewItem
	for _, id := range w.ids {
		it, err := w.e.s.Item(ctxT(t), id)
		if err != nil {
			t.Fatalf("item %s: %v", id, err)
		}
		out = append(out, it)
	}
	return out
}

// want is the brute-force answer to f: the items filtered field by field,
// in queue order.
func (w *filterWorld) want(all []recruitscan.ReviewItem, f QueueFilter) []string {
	cutoff := w.e.clk.Now().Add(-f.MinAge)
	var got []recruitscan.ReviewItem
	for _, it := range all {
		switch {
		case f.Status == "" && it.Status != recruitscan.StatusPending && it.Status != recruitscan.StatusClaimed,
			f.Status != "" && it.Status != f.Status,
			f.Level != nil && it.Level != *f.Level,
			f.Indicator != "" && !slices.Contains(it.Indicators, f.Indicator),
			f.Lang != "" && it.Lang != f.Lang,
			f.SourceID != "" && it.SourceID != f.SourceID,
			f.MinAge > 0 && it.EnqueuedAt.After(cutoff):
			continue
		}
		got = append(got, it)
	}
	slices.SortFunc(got, func(a, b recruitscan.ReviewItem) int {
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(b.Score, a.Score),
			a.EnqueuedAt.Compare(b.EnqueuedAt), strings.Compare(a.ID, b.ID))
	})
	return ids(got)
}

// filters are every combination of the filter fields' values (the
// sources include one with braces, a hash tag's delimiters), waiting and
// pending.
func filters() []QueueFilter {
	var out []QueueFilter
	levels := []*recruitscan.Level{nil, new(recruitscan.Level(0)), new(recruitscan.LevelMedium), new(recruitscan.LevelHigh)}
	inds := []recruitscan.Indicator{"", "no_such", filterInds[1], filterInds[2]}
	for _, st := range []recruitscan.ItemStatus{"", recruitscan.StatusPending} {
		for _, lv := range levels {
			for _, in := range inds {
				for _, lang := range []string{"", "ar", "ur"} {
					for _, src := range []string{"", "s1", "s/3 {x}"} {
						for _, age := range []time.Duration{0, 10 * time.Minute, 40 * time.Minute, 100 * time.Minute} {
							out = append(out, QueueFilter{Status: st, Level: lv, Indicator: in, Lang: lang, SourceID: src, MinAge: age})
						}
					}
				}
			}
		}
	}
	return out
}

func describe(f QueueFilter) string {
	lv := "any"
	if f.Level != nil {
		lv = fmt.Sprint(*f.Level)
	}
	return fmt.Sprintf("status %q level %s indicator %q lang %q source %q min age %v offset %d limit %d",
		f.Status, lv, f.Indicator, f.Lang, f.SourceID, f.MinAge, f.Offset, f.Limit)
}

// tunes make a small queue take every way of counting old enough items:
// reading the few, age buckets, walking a set, reading either side of the
// cutoff.
var tunes = []queueTune{defaultTune, {fewOld: 0, walkFactor: 4}, {fewOld: 0, walkFactor: 1 << 30}, {fewOld: 0, walkFactor: 0}}

// check compares Queue with the brute-force answer for every filter and
// tuning: the whole list and total, and a page in the middle. It fails t
// when no filter matches anything unless empty is set.
func (w *filterWorld) check(t *testing.T, step string, empty bool) {
	t.Helper()
	for i, tune := range tunes {
		w.e.s.tune = tune
		w.checkTuned(t, fmt.Sprintf("%s (%+v)", step, tune), empty, i > 0)
	}
	w.e.s.tune = defaultTune
}

// checkTuned checks every filter, or with aged only those with a minimum
// age (the others do not depend on the tuning).
func (w *filterWorld) checkTuned(t *testing.T, step string, empty, aged bool) {
	t.Helper()
	ctx := ctxT(t)
	all := w.all(t)
	n := 0
	for i, f := range filters() {
		if aged && f.MinAge == 0 {
			continue
		}
		want := w.want(all, f)
		n += len(want)
		pages := []QueueFilter{f}
		pages[0].Limit = 1000
		if i%5 == 0 {
			p := f
			p.Offset, p.Limit = 2, 3
			pages = append(pages, p)
		}
		for _, p := range pages {
			items, total, err := w.e.s.Queue(ctx, p)
			if err != nil {
				t.Fatalf("%s: %s: %v", step, describe(p), err)
			}
			page := want[min(p.Offset, len(want)):]
			page = page[:min(p.Limit, len(page))]
			if diff := gocmp.Diff(page, ids(items)); diff != "" || total != len(want) {
				t.Fatalf("%s: %s: total %d, want %d; page (-want +got):\n%s", step, describe(p), total, len(want), diff)
			}
		}
	}
	if !aged {
		w.checkOtherStatuses(t, step, all)
	}
	if (n == 0) != empty {
		t.Fatalf("%s: %d matches over all filters", step, n)
	}
}

// checkOtherStatuses compares claimed, snoozed and decided listings with
// the brute-force answer as sets (they are ordered by lease, snooze or
// decision time, which ties at the fake clock's steps).
func (w *filterWorld) checkOtherStatuses(t *testing.T, step string, all []recruitscan.ReviewItem) {
	t.Helper()
	for _, f := range filters() {
		if f.Status != "" {
			continue
		}
		for _, st := range []recruitscan.ItemStatus{recruitscan.StatusClaimed, recruitscan.StatusSnoozed, recruitscan.StatusDecided} {
			f.Status, f.Limit = st, 1000
			want := w.want(all, f)
			items, total, err := w.e.s.Queue(ctxT(t), f)
			if err != nil {
				t.Fatalf("%s: %s: %v", step, describe(f), err)
			}
			got := ids(items)
			slices.Sort(want)
			slices.Sort(got)
			if diff := gocmp.Diff(want, got); diff != "" || total != len(want) {
				t.Fatalf("%s: %s: total %d, want %d; items (-want +got):\n%s", step, describe(f), total, len(want), diff)
			}
		}
	}
}

// TestQueueFiltersMatchBruteForce: every filter and combination lists
// exactly what filtering every item would, through claims, decisions,
// second looks, snoozes and wakes, reassigns, lease expiry and re-posts.
func TestQueueFiltersMatchBruteForce(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		w := &filterWorld{e: e, rng: rand.New(rand.NewPCG(1, 2))}
		for i := range 40 {
			w.post(t, itemID(i))
			e.clk.Advance([]time.Duration{0, time.Minute, 7 * time.Minute}[w.rng.IntN(3)])
		}
		w.check(t, "queued", false)

		bob, eve := reviewer("bob", "ar"), reviewer("eve")
		var claimed []string
		for _, a := range []Actor{bob, bob, eve, eve, eve, reviewer("kim", "ur")} {
			it, err := e.s.ClaimNext(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			claimed = append(claimed, it.ID)
		}
		w.check(t, "claimed", false)
		var others []string // still pending
		for _, id := range w.ids {
			if !slices.Contains(claimed, id) {
				others = append(others, id)
			}
		}

		steps := []struct {
			what string
			err  error
		}{
			{"dismiss", decideErr(e, claimed[0], bob, recruitscan.DecisionDismiss)},
			{"second look", decideErr(e, claimed[1], bob, recruitscan.DecisionSecondLook)},
			{"escalate", decideErr(e, claimed[2], eve, recruitscan.DecisionEscalate)},
			{"snooze", e.s.Snooze(ctx, claimed[3], eve, e.clk.Now().Add(10*time.Minute))},
			{"snooze pending", e.s.Snooze(ctx, others[0], lead, e.clk.Now().Add(time.Hour))},
			{"reassign", e.s.Reassign(ctx, claimed[4], lead, "carl")},
			{"reassign to pending", e.s.Reassign(ctx, claimed[5], lead, "")},
			{"reassign pending", e.s.Reassign(ctx, others[1], lead, "dana")},
		}
		for _, s := range steps {
			if s.err != nil {
				t.Fatalf("%s: %v", s.what, s.err)
			}
		}
		w.check(t, "decided, snoozed, reassigned", false)

		// Re-posts: a pending item, a claimed one, a decided one (reopened).
		e.clk.Advance(3 * time.Minute)
		for _, id := range []string{others[2], claimed[4], claimed[0], claimed[2]} {
			w.post(t, id)
		}
		w.check(t, "re-posted", false)

		// The snooze wakes and carl's and dana's leases expire.
		e.clk.Advance(30 * time.Minute)
		if _, err := e.s.RecoverLeases(ctx); err != nil {
			t.Fatal(err)
		}
		w.check(t, "woken and recovered", false)

		// Drain: claim and decide everything waiting, in queue order.
		for {
			it, err := e.s.ClaimNext(ctx, reviewer("zed"))
			if errors.Is(err, recruitscan.ErrQueueEmpty) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := decideErr(e, it.ID, reviewer("zed"), recruitscan.DecisionConfirm); err != nil {
				t.Fatal(err)
			}
		}
		w.check(t, "drained", true)
		if n, err := e.c.HLen(ctx, e.s.k.pendingCount()).Result(); err != nil || n != 0 {
			t.Errorf("pending counts left after draining: %d fields (%v)", n, err)
		}
	})
}

// TestQueueIndexesBuiltForOlderItems: items queued by a version without
// the filter indexes (simulated by deleting them) are indexed on the
// first filtered listing, and changes made before that do not skew the
// counts.
func TestQueueIndexesBuiltForOlderItems(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		w := &filterWorld{e: e, rng: rand.New(rand.NewPCG(3, 4))}
		for i := range 30 {
			w.post(t, itemID(i))
			e.clk.Advance(4 * time.Minute)
		}
		if _, _, err := e.s.Queue(ctx, QueueFilter{SourceID: "s1"}); err != nil { // marks the indexes complete
			t.Fatal(err)
		}
		old := []string{e.s.k.pendingCount(), e.s.k.pendingIndexed()}
		for _, in := range filterInds {
			old = append(old, e.s.k.pendingInd(string(in)))
		}
		for _, src := range filterSources {
			old = append(old, e.s.k.pendingSrc(src))
		}
		for _, k := range old {
			if err := e.c.Del(ctx, k).Err(); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 { // unindexed items leave pending
			if _, err := e.s.ClaimNext(ctx, reviewer("bob")); err != nil {
				t.Fatal(err)
			}
		}
		w.post(t, itemID(30)) // an indexed one joins
		s, err := New(Config{Client: e.c, Prefix: e.prefix, Clock: e.clk, Lease: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		w.e = &env{s: s, c: e.c, clk: e.clk, prefix: e.prefix}
		w.check(t, "indexed on first use", false)
	})
}
