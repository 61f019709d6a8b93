package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/recruitscan/recruitscan"
)

func TestStreamToStore(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		ad := mkAd("a1", "Visa for sale")
		raw := bytes.Repeat([]byte("<html>page body</html>\n"), 200)
		ad.Evidence = &recruitscan.Evidence{RequestURL: ad.URL, FinalURL: ad.URL, Status: 200, RawBody: raw, FetchedAt: t0}
		if _, err := e.s.AppendAd(ctx, ad); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.ReadAds(ctx, "w1", 10, 0)
		if err != nil || len(got) != 1 {
			t.Fatalf("ReadAds = %d, %v; want 1 ad", len(got), err)
		}
		if !bytes.Equal(got[0].Ad.Evidence.RawBody, raw) || got[0].Ad.Title != ad.Title || got[0].Deliveries != 1 {
			t.Fatalf("read back %+v", got[0])
		}
		si, _ := e.s.StreamInfo(ctx)
		if si.Pending != 1 || si.Length != 1 || si.Lag != 0 {
			t.Errorf("before save: %+v, want 1 pending", si)
		}
		v := mkVerdict(ad, recruitscan.LevelHigh, 9, "en")
		v.Entities = []recruitscan.Entity{{Kind: recruitscan.EntityPhone, Value: "+966500000001"}}
		out, err := e.s.SaveResult(ctx, got[0].MsgID, got[0].Ad, v)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(SaveOutcome{New: true, Queued: true, Version: 1}, out); diff != "" {
			t.Errorf("SaveResult (-want +got):\n%s", diff)
		}
		si, _ = e.s.StreamInfo(ctx)
		if si != (StreamInfo{}) {
			t.Errorf("after save: %+v, want an empty stream", si)
		}
		st, err := e.s.AdByURL(ctx, ad.URL)
		if err != nil {
			t.Fatal(err)
		}
		if st.Ad.Title != ad.Title || st.Verdict.Level != recruitscan.LevelHigh || st.Version != 1 ||
			!st.FirstSeen.Equal(t0) || len(st.Versions) != 1 || st.Ad.Evidence.Status != 200 {
			t.Errorf("stored %+v", st)
		}
		body, err := e.s.RawBody(ctx, "a1")
		if err != nil || !bytes.Equal(body, raw) {
			t.Errorf("RawBody = %d bytes, %v; want %d", len(body), err, len(raw))
		}
		n, _ := e.c.StrLen(ctx, e.s.k.adRaw("a1")).Result()
		if n >= int64(len(raw))/4 {
			t.Errorf("raw body stored in %d bytes for %d: not compressed", n, len(raw))
		}
		if _, err := e.s.Ad(ctx, "nope"); !errors.Is(err, recruitscan.ErrNotFound) {
			t.Errorf("Ad(nope) = %v, want ErrNotFound", err)
		}
		if err := e.s.MarkRemoved(ctx, "a1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.s.Ad(ctx, "a1"); !st.RemovedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("RemovedAt = %v", st.RemovedAt)
		}
	})
}

func TestSaveResultVersions(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		ad := mkAd("a1", "first")
		v := mkVerdict(ad, recruitscan.LevelHigh, 5, "ar")
		steps := []struct {
			name   string
			ad     recruitscan.Ad
			decide recruitscan.Decision
			want   SaveOutcome
			status recruitscan.ItemStatus
		}{
			{"new", ad, "", SaveOutcome{New: true, Queued: true, Version: 1}, recruitscan.StatusPending},
			{"same again", ad, "", SaveOutcome{Version: 1}, recruitscan.StatusPending},
			{"changed while pending", mkAd("a1", "second"), recruitscan.DecisionDismiss, SaveOutcome{Changed: true, Queued: true, Version: 2}, recruitscan.StatusDecided},
			{"decided, unchanged", mkAd("a1", "second"), "", SaveOutcome{Version: 2}, recruitscan.StatusDecided},
			{"decided, changed", mkAd("a1", "third"), "", SaveOutcome{Changed: true, Queued: true, Version: 3}, recruitscan.StatusPending},
		}
		for _, st := range steps {
			e.clk.Advance(time.Minute)
			v := v
			v.ContentHash = st.ad.ContentHash()
			out, err := e.s.SaveResult(ctx, "", st.ad, v)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if diff := cmp.Diff(st.want, out); diff != "" {
				t.Errorf("%s: outcome (-want +got):\n%s", st.name, diff)
			}
			if st.decide != "" {
				if _, err := e.s.Decide(ctx, "a1", lead, st.decide, ""); err != nil {
					t.Fatalf("%s: decide: %v", st.name, err)
				}
			}
			it, err := e.s.Item(ctx, "a1")
			if err != nil || it.Status != st.status || it.Version != st.want.Version || it.Title != st.ad.Title {
				t.Errorf("%s: item %+v, %v; want status %s v%d", st.name, it, err, st.status, st.want.Version)
			}
		}
		sa, _ := e.s.Ad(ctx, "a1")
		if len(sa.Versions) != 3 || sa.Ad.Title != "third" || !sa.FirstSeen.Equal(t0.Add(time.Minute)) {
			t.Errorf("stored ad: versions %v, title %q, first %v", sa.Versions, sa.Ad.Title, sa.FirstSeen)
		}
		au, _ := e.s.Audit(ctx, "a1", 0)
		var acts []string
		for _, a := range au {
			acts = append(acts, a.Action)
		}
		if diff := cmp.Diff([]string{"enqueue", "update", "decide", "reopen"}, acts); diff != "" {
			t.Errorf("audit actions (-want +got):\n%s", diff)
		}
	})
}

func TestQueueOrderAndLanguages(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		// Enqueued in this order, one minute apart.
		for _, x := range []struct {
			id    string
			lvl   recruitscan.Level
			score float64
			lang  string
		}{
			{"med-old", recruitscan.LevelMedium, 3, "en"},
			{"high-low", recruitscan.LevelHigh, 4, "en"},
			{"high-top", recruitscan.LevelHigh, 12.5, "ur"},
			{"high-low-young", recruitscan.LevelHigh, 4, "ar"},
			{"med-young", recruitscan.LevelMedium, 3, "ar"},
		} {
			e.flag(t, x.id, x.lvl, x.score, x.lang)
			e.clk.Advance(time.Minute)
		}
		want := []string{"high-top", "high-low", "high-low-young", "med-old", "med-young"}
		items, total, err := e.s.Queue(ctx, QueueFilter{})
		if err != nil || total != 5 {
			t.Fatalf("Queue: total %d, %v", total, err)
		}
		if diff := cmp.Diff(want, ids(items)); diff != "" {
			t.Errorf("queue order (-want +got):\n%s", diff)
		}
		// An Arabic reader gets the best Arabic item first, then the rest in order.
		var got []string
		for range 5 {
			it, err := e.s.ClaimNext(ctx, reviewer("amina", "ar"))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, it.ID)
		}
		want = []string{"high-low-young", "med-young", "high-top", "high-low", "med-old"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("claim order for an Arabic reader (-want +got):\n%s", diff)
		}
		if _, err := e.s.ClaimNext(ctx, reviewer("amina")); !errors.Is(err, recruitscan.ErrQueueEmpty) {
			t.Errorf("ClaimNext on empty queue: %v, want ErrQueueEmpty", err)
		}
		claims, _ := e.s.Claims(ctx)
		if len(claims) != 5 || claims[0].ClaimedBy != "amina" {
			t.Errorf("Claims = %d items", len(claims))
		}
	})
}

func TestLeaseRules(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		e.flag(t, "a1", recruitscan.LevelHigh, 5, "en")
		bob, eve := reviewer("bob"), reviewer("eve")
		it, err := e.s.ClaimNext(ctx, bob)
		if err != nil || it.Status != recruitscan.StatusClaimed || !it.LeaseUntil.Equal(t0.Add(time.Minute)) {
			t.Fatalf("claim: %+v, %v", it, err)
		}
		checks := []struct {
			name string
			err  error
			want error
		}{
			{"other decides", decideErr(e, "a1", eve, recruitscan.DecisionConfirm), recruitscan.ErrNotLeaseHolder},
			{"other heartbeats", hbErr(e, "a1", eve), recruitscan.ErrNotLeaseHolder},
			{"other snoozes", e.s.Snooze(ctx, "a1", eve, t0.Add(time.Hour)), recruitscan.ErrNotLeaseHolder},
			{"reviewer reassigns", e.s.Reassign(ctx, "a1", bob, "eve"), recruitscan.ErrForbidden},
			{"unknown item", decideErr(e, "zz", bob, recruitscan.DecisionConfirm), recruitscan.ErrNotFound},
			{"bad decision", decideErr(e, "a1", bob, "maybe"), recruitscan.ErrInvalid},
		}
		for _, c := range checks {
			if !errors.Is(c.err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
			}
		}
		// Heartbeat extends; past the lease the item returns to pending.
		e.clk.Advance(50 * time.Second)
		until, err := e.s.Heartbeat(ctx, "a1", bob)
		if err != nil || !until.Equal(t0.Add(110*time.Second)) {
			t.Fatalf("heartbeat: %v, %v", until, err)
		}
		e.clk.Advance(59 * time.Second)
		if n, _ := e.s.RecoverLeases(ctx); n != 0 {
			t.Fatalf("recovered %d live leases", n)
		}
		e.clk.Advance(2 * time.Second)
		if n, err := e.s.RecoverLeases(ctx); n != 1 || err != nil {
			t.Fatalf("RecoverLeases = %d, %v; want 1", n, err)
		}
		if err := decideErr(e, "a1", bob, recruitscan.DecisionConfirm); !errors.Is(err, recruitscan.ErrNotLeaseHolder) {
			t.Errorf("decide after expiry: %v, want ErrNotLeaseHolder", err)
		}
		if it, err := e.s.ClaimNext(ctx, eve); err != nil || it.ID != "a1" {
			t.Fatalf("eve claims: %v", err)
		}
		it, err = e.s.Decide(ctx, "a1", eve, recruitscan.DecisionEscalate, "looks like a network")
		if err != nil || it.Status != recruitscan.StatusDecided || it.DecidedBy != "eve" || it.Note != "looks like a network" {
			t.Fatalf("decide: %+v, %v", it, err)
		}
		if err := decideErr(e, "a1", eve, recruitscan.DecisionConfirm); !errors.Is(err, recruitscan.ErrAlreadyDecided) {
			t.Errorf("second decide: %v, want ErrAlreadyDecided", err)
		}
		// A lead settles an escalated item.
		if it, err := e.s.Decide(ctx, "a1", lead, recruitscan.DecisionConfirm, ""); err != nil || it.Decision != recruitscan.DecisionConfirm {
			t.Errorf("lead on escalated: %+v, %v", it, err)
		}
		if err := decideErr(e, "a1", lead, recruitscan.DecisionDismiss); !errors.Is(err, recruitscan.ErrAlreadyDecided) {
			t.Errorf("lead re-deciding a confirmed item: %v, want ErrAlreadyDecided", err)
		}
	})
}

func decideErr(e *env, id string, a Actor, d recruitscan.Decision) error {
	_, err := e.s.Decide(ctxBG(), id, a, d, "")
	return err
}

func hbErr(e *env, id string, a Actor) error {
	_, err := e.s.Heartbeat(ctxBG(), id, a)
	return err
}

func TestSecondLookSnoozeReassign(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		e.flag(t, "a1", recruitscan.LevelHigh, 5, "en")
		bob, eve := reviewer("bob"), reviewer("eve")
		e.s.ClaimNext(ctx, bob)
		it, err := e.s.Decide(ctx, "a1", bob, recruitscan.DecisionSecondLook, "not sure")
		if err != nil || it.Status != recruitscan.StatusPending || it.ClaimedBy != "" {
			t.Fatalf("second look: %+v, %v", it, err)
		}
		if _, err := e.s.ClaimNext(ctx, bob); !errors.Is(err, recruitscan.ErrQueueEmpty) {
			t.Errorf("bob claims his own second look: %v, want ErrQueueEmpty", err)
		}
		if _, err := e.s.ClaimNext(ctx, eve); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Snooze(ctx, "a1", eve, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.ClaimNext(ctx, eve); !errors.Is(err, recruitscan.ErrQueueEmpty) {
			t.Errorf("claim while snoozed: %v", err)
		}
		if st, _ := e.s.QueueStats(ctx); len(st.Depth) != 0 {
			t.Errorf("snoozed item counted as waiting: %+v", st)
		}
		e.clk.Advance(time.Hour)
		if it, err := e.s.ClaimNext(ctx, eve); err != nil || it.ID != "a1" {
			t.Fatalf("claim after snooze: %v", err)
		}
		if err := e.s.Reassign(ctx, "a1", lead, "carl"); err != nil {
			t.Fatal(err)
		}
		if err := decideErr(e, "a1", eve, recruitscan.DecisionConfirm); !errors.Is(err, recruitscan.ErrNotLeaseHolder) {
			t.Errorf("eve after reassign: %v", err)
		}
		if err := e.s.AddNote(ctx, "a1", lead, "carl knows this employer"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Decide(ctx, "a1", reviewer("carl"), recruitscan.DecisionDismiss, ""); err != nil {
			t.Fatal(err)
		}
		au, _ := e.s.Audit(ctx, "a1", 0)
		var got []string
		for _, a := range au {
			got = append(got, a.Actor+" "+a.Action+" "+a.Before+" -> "+a.After)
		}
		want := []string{
			"system enqueue  -> pending v1",
			"bob claim pending -> claimed:bob",
			"bob decide claimed:bob -> pending:needs-second-look",
			"eve claim pending -> claimed:eve",
			"eve snooze claimed:eve -> snoozed:" + itoa(t0.Add(time.Hour).UnixMilli()),
			"system wake snoozed -> pending",
			"eve claim pending -> claimed:eve",
			"lead reassign claimed:eve -> claimed:carl",
			"lead note  -> ",
			"carl decide claimed:carl -> decided:dismiss",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})
}

func TestAuditExportAndDecisions(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		for i := range 3 {
			e.flag(t, itemID(i), recruitscan.LevelHigh, 5, "en")
		}
		for i := range 3 {
			e.clk.Advance(time.Hour)
			it, _ := e.s.ClaimNext(ctx, reviewer("bob"))
			if _, err := e.s.Decide(ctx, it.ID, reviewer("bob"), recruitscan.DecisionConfirm, "n"+itoa(int64(i))); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.s.AppendAudit(ctx, recruitscan.AuditEntry{Actor: "admin", Action: "login"}); err != nil {
			t.Fatal(err)
		}
		ds, err := e.s.Decisions(ctx, t0.Add(90*time.Minute), t0.Add(3*time.Hour))
		if err != nil || len(ds) != 1 || ds[0].Note != "n1" || !ds[0].At.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("Decisions = %+v, %v; want the one at +2h", ds, err)
		}
		var buf bytes.Buffer
		if err := e.s.ExportAudit(ctx, &buf, t0.Add(2*time.Hour), time.Time{}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		var last recruitscan.AuditEntry
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
			t.Fatal(err)
		}
		// +2h: claim, decide; +3h: claim, decide; login.
		if len(lines) != 5 || last.Action != "login" || last.Actor != "admin" {
			t.Errorf("export: %d lines, last %+v", len(lines), last)
		}
	})
}

func TestQueueFiltersAndStats(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		for i := range 30 {
			lvl, lang := recruitscan.LevelHigh, "ar"
			if i%3 == 0 {
				lvl, lang = recruitscan.LevelMedium, "en"
			}
			e.flag(t, itemID(i), lvl, float64(i), lang)
			e.clk.Advance(time.Minute)
		}
		e.s.ClaimNext(ctx, reviewer("bob"))
		med, high := recruitscan.LevelMedium, recruitscan.LevelHigh
		cases := []struct {
			name      string
			f         QueueFilter
			total     int
			first     string
			pageCount int
		}{
			{"all waiting", QueueFilter{Limit: 5}, 30, itemID(29), 5},
			{"pending", QueueFilter{Status: recruitscan.StatusPending, Limit: 100}, 29, itemID(28), 29},
			{"claimed", QueueFilter{Status: recruitscan.StatusClaimed}, 1, itemID(29), 1},
			{"medium", QueueFilter{Level: &med, Limit: 3, Offset: 1}, 10, itemID(24), 3},
			{"pending medium en", QueueFilter{Status: recruitscan.StatusPending, Lang: "en", Level: &med, Limit: 3}, 10, itemID(27), 3},
			{"medium from source", QueueFilter{Level: &med, SourceID: "src1", Limit: 3, Offset: 1}, 10, itemID(24), 3},
			{"pending en", QueueFilter{Status: recruitscan.StatusPending, Lang: "en"}, 10, itemID(27), 10},
			{"waiting ar", QueueFilter{Lang: "ar", Limit: 2}, 20, itemID(29), 2},
			{"waiting ar, second page", QueueFilter{Lang: "ar", Limit: 2, Offset: 2}, 20, itemID(26), 2},
			{"waiting high ar", QueueFilter{Lang: "ar", Level: &high, Offset: 19}, 20, itemID(1), 1},
			{"old enough", QueueFilter{MinAge: 25 * time.Minute}, 6, itemID(5), 6},
			{"indicator none", QueueFilter{Indicator: recruitscan.VisaTrading}, 0, "", 0},
		}
		for _, c := range cases {
			items, total, err := e.s.Queue(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			first := ""
			if len(items) > 0 {
				first = items[0].ID
			}
			if total != c.total || first != c.first || len(items) != c.pageCount {
				t.Errorf("%s: total %d, first %q, %d items; want %d, %q, %d", c.name, total, first, len(items), c.total, c.first, c.pageCount)
			}
		}
		if _, _, err := e.s.Queue(ctx, QueueFilter{Status: "weird"}); !errors.Is(err, recruitscan.ErrInvalid) {
			t.Errorf("bad status: %v", err)
		}
		st, err := e.s.QueueStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[recruitscan.Level]map[string]int{recruitscan.LevelHigh: {"ar": 20}, recruitscan.LevelMedium: {"en": 10}}
		if diff := cmp.Diff(want, st.Depth); diff != "" || !st.OldestPending.Equal(t0) {
			t.Errorf("stats (-want +got):\n%s oldest %v", diff, st.OldestPending)
		}
	})
}

func TestFailAndDeadLetter(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		e.s.AppendAd(ctx, mkAd("a1", "x"))
		got, _ := e.s.ReadAds(ctx, "w1", 1, 0)
		if len(got) != 1 {
			t.Fatal("no ad read")
		}
		for i := 1; i <= 3; i++ {
			dead, err := e.s.FailAd(ctx, got[0].MsgID, errors.New("classifier exploded"))
			if err != nil || dead != (i == 3) {
				t.Fatalf("FailAd #%d = %v, %v", i, dead, err)
			}
		}
		dl, err := e.s.DeadLetters(ctx, 10)
		if err != nil || len(dl) != 1 || dl[0].Ad.ID != "a1" || dl[0].Error != "classifier exploded" || dl[0].Attempts != 3 {
			t.Fatalf("DeadLetters = %+v, %v", dl, err)
		}
		si, _ := e.s.StreamInfo(ctx)
		if si != (StreamInfo{DeadLetters: 1}) {
			t.Errorf("StreamInfo = %+v", si)
		}
		// Failing an entry that is gone changes nothing.
		if dead, err := e.s.FailAd(ctx, got[0].MsgID, errors.New("late")); dead || err != nil {
			t.Errorf("FailAd of a dead-lettered entry = %v, %v", dead, err)
		}
		if n, _ := e.c.HLen(ctx, e.s.k.failCounts()).Result(); n != 0 {
			t.Errorf("%d failure counters left", n)
		}
	}, func(c *Config) { c.MaxAttempts = 3 })
}

func TestReclaimStale(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		for i := range 3 {
			e.s.AppendAd(ctx, mkAd(itemID(i), "x"))
		}
		first, _ := e.s.ReadAds(ctx, "dead-worker", 3, 0)
		if len(first) != 3 {
			t.Fatalf("read %d", len(first))
		}
		time.Sleep(30 * time.Millisecond) // past ClaimIdle on the server's clock
		got, err := e.s.ReadAds(ctx, "live-worker", 10, 0)
		if err != nil || len(got) != 3 || got[0].Deliveries != 2 {
			t.Fatalf("reclaimed %d (%+v), %v; want 3 with 2 deliveries", len(got), got, err)
		}
		time.Sleep(30 * time.Millisecond)
		// Over MaxAttempts deliveries: dead-lettered, not handed out again.
		got, _ = e.s.ReadAds(ctx, "third", 10, 0)
		if si, _ := e.s.StreamInfo(ctx); len(got) != 0 || si.DeadLetters != 3 {
			t.Errorf("third read %d, %+v; want 0 and 3 dead letters", len(got), si)
		}
	}, func(c *Config) { c.ClaimIdle = 10 * time.Millisecond; c.MaxAttempts = 2 })
}

func TestEntities(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := ctxT(t)
		phone := recruitscan.Entity{Kind: recruitscan.EntityPhone, Value: "+966500000001"}
		mail := recruitscan.Entity{Kind: recruitscan.EntityEmail, Value: "agent@example.com"}
		for _, x := range []struct {
			id   string
			ents []recruitscan.Entity
		}{{"a1", []recruitscan.Entity{phone, mail}}, {"a2", []recruitscan.Entity{phone, mail}}, {"a3", []recruitscan.Entity{phone}}, {"a4", nil}} {
			ad := mkAd(x.id, "t")
			v := mkVerdict(ad, recruitscan.LevelLow, 1, "en")
			v.Entities = x.ents
			for range 2 { // idempotent
				if _, err := e.s.SaveResult(ctx, "", ad, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, _ := e.s.AdsWithEntity(ctx, recruitscan.EntityPhone, "+966500000001", 10)
		if diff := cmp.Diff([]string{"a1", "a2", "a3"}, got); diff != "" {
			t.Errorf("AdsWithEntity (-want +got):\n%s", diff)
		}
		got, _ = e.s.LinkedAds(ctx, "a1", 10)
		if diff := cmp.Diff([]string{"a2", "a3"}, got); diff != "" {
			t.Errorf("LinkedAds (-want +got):\n%s", diff)
		}
		top, _ := e.s.TopEntities(ctx, 1)
		if diff := cmp.Diff([]EntityCount{{recruitscan.EntityPhone, "+966500000001", 3}}, top); diff != "" {
			t.Errorf("TopEntities (-want +got):\n%s", diff)
		}
	})
}
