package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
)

// Actor is who acts on the review queue.
type Actor struct {
	Name      string
	Role      recruitscan.Role
	Languages []string // preferred item languages, best first
}

func (a Actor) lead() bool { return a.Role == recruitscan.RoleLead || a.Role == recruitscan.RoleAdmin }

// QueueFilter selects review items. Zero fields do not filter. Status ""
// means waiting items (pending and claimed) in queue order; decided items
// come newest first, claimed and snoozed by lease or snooze time.
type QueueFilter struct {
	Level     *recruitscan.Level
	Indicator recruitscan.Indicator
	Lang      string
	SourceID  string
	Status    recruitscan.ItemStatus
	MinAge    time.Duration // enqueued at least this long ago
	Limit     int           // default 50, at most 1000
	Offset    int
}

// maxTitle bounds the title copied into a review item.
const maxTitle = 300

// maxNote bounds a reviewer's note.
const maxNote = 10_000

func checkNote(op, id, note string) error {
	if len(note) > maxNote {
		return fmt.Errorf("%s %s: note of %d bytes: %w: at most %d", op, id, len(note), recruitscan.ErrInvalid, maxNote)
	}
	return nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Item returns one review item; ErrNotFound if there is none.
func (s *Store) Item(ctx context.Context, id string) (recruitscan.ReviewItem, error) {
	op := "get item"
	if err := validID(op, id); err != nil {
		return recruitscan.ReviewItem{}, err
	}
	m, err := s.c.HGetAll(ctx, s.k.item(id)).Result()
	if err != nil {
		return recruitscan.ReviewItem{}, wrap(op+" "+id, err)
	}
	if len(m) == 0 {
		return recruitscan.ReviewItem{}, fmt.Errorf("%s %s: %w", op, id, recruitscan.ErrNotFound)
	}
	return parseItem(m), nil
}

// ClaimNext leases the best pending item to a: the best among a's
// languages if any is pending there, else the best overall. Expired
// leases are returned to pending first. ErrQueueEmpty when nothing is
// pending.
func (s *Store) ClaimNext(ctx context.Context, a Actor) (recruitscan.ReviewItem, error) {
	op := "claim next"
	if a.Name == "" {
		return recruitscan.ReviewItem{}, fmt.Errorf("%s: actor name: %w: required", op, recruitscan.ErrInvalid)
	}
	args := []any{s.k.queue(), ms(s.now()), s.cfg.Lease.Milliseconds(), a.Name}
	for _, l := range a.Languages {
		args = append(args, langKey(l))
	}
	res, err := claimScript.Run(ctx, s.c, []string{s.k.pending()}, args...).Slice()
	if err != nil {
		return recruitscan.ReviewItem{}, wrap(op, err)
	}
	if n, _ := res[0].(int64); n > 0 {
		s.obs.LeasesExpired(int(n))
	}
	if len(res) < 2 {
		return recruitscan.ReviewItem{}, fmt.Errorf("%s for %s: %w", op, a.Name, recruitscan.ErrQueueEmpty)
	}
	s.obs.Claimed()
	return parseItem(pairs(res[1])), nil
}

// Heartbeat extends a's lease on the item; ErrNotLeaseHolder unless a
// holds it.
func (s *Store) Heartbeat(ctx context.Context, id string, a Actor) (time.Time, error) {
	op := "heartbeat"
	if err := validID(op, id); err != nil {
		return time.Time{}, err
	}
	v, err := heartbeatScript.Run(ctx, s.c, []string{s.k.item(id)}, s.k.queue(), ms(s.now()), id, a.Name,
		s.cfg.Lease.Milliseconds()).Text()
	if err != nil {
		return time.Time{}, wrap(op+" "+id, err)
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return fromMS(n), nil
}

// Decide records a's decision on the item: accepted from the lease holder
// or a lead/admin (who may also re-decide an escalated item), otherwise
// ErrNotLeaseHolder; ErrAlreadyDecided once decided. needs-second-look
// returns the item to pending for another reviewer. A confirmed or
// escalated ad's data is kept for good; a dismissed one expires after
// RetainDismissed when that is set (best effort: a failure keeps it).
func (s *Store) Decide(ctx context.Context, id string, a Actor, d recruitscan.Decision, note string) (recruitscan.ReviewItem, error) {
	op := "decide"
	if err := validID(op, id); err != nil {
		return recruitscan.ReviewItem{}, err
	}
	if _, err := recruitscan.ParseDecision(string(d)); err != nil {
		return recruitscan.ReviewItem{}, fmt.Errorf("%s %s: %w", op, id, err)
	}
	if a.Name == "" {
		return recruitscan.ReviewItem{}, fmt.Errorf("%s %s: actor name: %w: required", op, id, recruitscan.ErrInvalid)
	}
	if err := checkNote(op, id, note); err != nil {
		return recruitscan.ReviewItem{}, err
	}
	now := s.now()
	res, err := decideScript.Run(ctx, s.c, []string{s.k.item(id)}, s.k.queue(), ms(now), id, a.Name,
		string(a.Role), string(d), note).Slice()
	if err != nil {
		return recruitscan.ReviewItem{}, wrap(op+" "+id, err)
	}
	it := parseItem(pairs(res))
	if d != recruitscan.DecisionSecondLook {
		s.obs.Decided(d, now.Sub(it.EnqueuedAt))
		s.retain(ctx, id, d)
	}
	return it, nil
}

// retain applies the retention of decision d to the ad's data.
func (s *Store) retain(ctx context.Context, id string, d recruitscan.Decision) {
	arg := "keep"
	if d == recruitscan.DecisionDismiss {
		if s.cfg.RetainDismissed <= 0 {
			return
		}
		arg = strconv.FormatInt(s.cfg.RetainDismissed.Milliseconds(), 10)
	}
	k := []string{s.k.ad(id), s.k.adData(id), s.k.adRaw(id)}
	_ = retainScript.Run(ctx, s.c, k, arg).Err() // best effort, documented on Decide
}

// Reassign gives an undecided item to reviewer to under a fresh lease, or
// back to pending when to is "". Leads and admins only (ErrForbidden).
func (s *Store) Reassign(ctx context.Context, id string, lead Actor, to string) error {
	op := "reassign"
	if err := validID(op, id); err != nil {
		return err
	}
	if !lead.lead() {
		return fmt.Errorf("%s %s: %s is a %s: %w", op, id, lead.Name, lead.Role, recruitscan.ErrForbidden)
	}
	err := reassignScript.Run(ctx, s.c, []string{s.k.item(id)}, s.k.queue(), ms(s.now()), id, lead.Name, to,
		s.cfg.Lease.Milliseconds()).Err()
	return wrap(op+" "+id, err)
}

// Snooze puts the item aside until until (the holder or a lead); it
// returns to pending then.
func (s *Store) Snooze(ctx context.Context, id string, a Actor, until time.Time) error {
	op := "snooze"
	if err := validID(op, id); err != nil {
		return err
	}
	now := s.now()
	if !until.After(now) {
		return fmt.Errorf("%s %s: until %s: %w: not in the future", op, id, until.Format(time.RFC3339), recruitscan.ErrInvalid)
	}
	err := snoozeScript.Run(ctx, s.c, []string{s.k.item(id)}, s.k.queue(), ms(now), id, a.Name,
		string(a.Role), ms(until)).Err()
	return wrap(op+" "+id, err)
}

// AddNote attaches a note to the item (kept as its latest note and in the
// audit log).
func (s *Store) AddNote(ctx context.Context, id string, a Actor, note string) error {
	op := "add note"
	if err := validID(op, id); err != nil {
		return err
	}
	if strings.TrimSpace(note) == "" {
		return fmt.Errorf("%s %s: note: %w: empty", op, id, recruitscan.ErrInvalid)
	}
	if err := checkNote(op, id, note); err != nil {
		return err
	}
	err := noteScript.Run(ctx, s.c, []string{s.k.item(id)}, s.k.queue(), ms(s.now()), id, a.Name, note).Err()
	return wrap(op+" "+id, err)
}

// recoverBatch bounds the work of one recover script call.
const recoverBatch = 1000

// RecoverLeases returns every expired lease to pending (and wakes due
// snoozes); it returns how many leases had expired. ClaimNext also does
// this, so a recoverer only matters when nobody claims.
func (s *Store) RecoverLeases(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := recoverScript.Run(ctx, s.c, []string{s.k.leases()}, s.k.queue(), ms(s.now()), recoverBatch).Int()
		if err != nil {
			return total, wrap("recover leases", err)
		}
		total += n
		if n < recoverBatch {
			break
		}
	}
	if total > 0 {
		s.obs.LeasesExpired(total)
	}
	return total, nil
}

// Claims returns every claimed item, soonest lease expiry first.
func (s *Store) Claims(ctx context.Context) ([]recruitscan.ReviewItem, error) {
	ids, err := s.c.ZRange(ctx, s.k.leases(), 0, -1).Result()
	if err != nil {
		return nil, wrap("claims", err)
	}
	return s.items(ctx, "claims", ids)
}

// pipeChunk bounds the commands in one pipeline.
const pipeChunk = 500

// items fetches items by id, a pipeline per chunk, skipping vanished ones.
func (s *Store) items(ctx context.Context, op string, ids []string) ([]recruitscan.ReviewItem, error) {
	out := make([]recruitscan.ReviewItem, 0, len(ids))
	for start := 0; start < len(ids); start += pipeChunk {
		chunk := ids[start:min(start+pipeChunk, len(ids))]
		pipe := s.c.Pipeline()
		cmds := make([]*redis.MapStringStringCmd, len(chunk))
		for i, id := range chunk {
			cmds[i] = pipe.HGetAll(ctx, s.k.item(id))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, wrap(op, err)
		}
		for _, c := range cmds {
			if m := c.Val(); len(m) > 0 {
				out = append(out, parseItem(m))
			}
		}
	}
	return out, nil
}

// Queue lists items matching f and the total number that match. Waiting
// and pending listings under any filter read only the page's items and
// counts (per-indicator and per-source ordered sets and per-filter counts
// of pending items, see queueScript), so they stay fast at any queue size;
// claimed and snoozed listings (few items) and decided ones with a filter
// other than the status read every item of that status.
func (s *Store) Queue(ctx context.Context, f QueueFilter) ([]recruitscan.ReviewItem, int, error) {
	op := "queue"
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	f.Offset = max(f.Offset, 0)
	src, err := s.queueSource(f)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", op, err)
	}
	switch {
	case src.covers(f):
		return s.queuePage(ctx, src, f)
	case src.coversLevel(f):
		return s.queueLevel(ctx, src, f)
	case f.Status == "" || f.Status == recruitscan.StatusPending:
		return s.queueIndexed(ctx, f)
	}
	return s.queueScan(ctx, src, f)
}

// queueSource is the sorted set a listing walks.
type queueSource struct {
	key     string
	members bool // members are ordered-set members, not bare ids
	reverse bool
	byLang  bool // already restricted to f.Lang
}

func (s *Store) queueSource(f QueueFilter) (queueSource, error) {
	switch f.Status {
	case "":
		return queueSource{key: s.k.open(), members: true}, nil
	case recruitscan.StatusPending:
		if f.Lang != "" {
			return queueSource{key: s.k.pendingLang(langKey(f.Lang)), members: true, byLang: true}, nil
		}
		return queueSource{key: s.k.pending(), members: true}, nil
	case recruitscan.StatusClaimed:
		return queueSource{key: s.k.leases()}, nil
	case recruitscan.StatusSnoozed:
		return queueSource{key: s.k.snoozed()}, nil
	case recruitscan.StatusDecided:
		return queueSource{key: s.k.decided(), reverse: true}, nil
	}
	return queueSource{}, fmt.Errorf("status %q: %w (want pending, claimed, snoozed or decided)", f.Status, recruitscan.ErrInvalid)
}

// covers reports whether the source alone answers f (no per-item filter).
func (q queueSource) covers(f QueueFilter) bool {
	return f.Level == nil && f.Indicator == "" && f.SourceID == "" && f.MinAge == 0 && (f.Lang == "" || q.byLang)
}

// coversLevel reports whether f filters only by level on an ordered set,
// whose members start with the level digit.
func (q queueSource) coversLevel(f QueueFilter) bool {
	g := f
	g.Level = nil
	return q.members && f.Level != nil && q.covers(g)
}

// queueLevel lists one level's range of an ordered set by member prefix.
func (s *Store) queueLevel(ctx context.Context, q queueSource, f QueueFilter) ([]recruitscan.ReviewItem, int, error) {
	l := int(*f.Level)
	if l < 0 || l > 3 {
		return nil, 0, nil
	}
	lo, hi := "["+strconv.Itoa(3-l), "("+strconv.Itoa(4-l)
	pipe := s.c.Pipeline()
	total := pipe.ZLexCount(ctx, q.key, lo, hi)
	ms := pipe.ZRangeByLex(ctx, q.key, &redis.ZRangeBy{Min: lo, Max: hi, Offset: int64(f.Offset), Count: int64(f.Limit)})
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, 0, wrap("queue", err)
	}
	ids := ms.Val()
	for i, m := range ids {
		_, ids[i], _ = strings.Cut(m, ":")
	}
	items, err := s.items(ctx, "queue", ids)
	return items, int(total.Val()), err
}

// queueTune holds queueScript's choices between ways to count items
// old enough: at most fewOld such open items are read and sorted; a
// filter set is walked when it is at most walkFactor times the items on
// the smaller side of the cutoff.
type queueTune struct{ fewOld, walkFactor int }

var defaultTune = queueTune{fewOld: 1000, walkFactor: 4}

// queueIndexed lists waiting or pending items by the filter indexes of
// pending items (see queueScript), one script run for the total and the
// page's ids.
func (s *Store) queueIndexed(ctx context.Context, f QueueFilter) ([]recruitscan.ReviewItem, int, error) {
	var lvl, lang, cutoff string
	if f.Level != nil {
		if *f.Level < 0 || *f.Level > 3 {
			return nil, 0, nil
		}
		lvl = strconv.Itoa(int(*f.Level))
	}
	if strings.Contains(string(f.Indicator), ",") { // no item has it; the index's lists are comma-separated
		return nil, 0, nil
	}
	if f.Lang != "" {
		lang = langKey(f.Lang)
	}
	if f.MinAge > 0 {
		cutoff = strconv.FormatInt(ms(s.now().Add(-f.MinAge)), 10)
	}
	if err := s.indexPending(ctx); err != nil {
		return nil, 0, err
	}
	waiting := "0"
	if f.Status == "" {
		waiting = "1"
	}
	res, err := queueScript.Run(ctx, s.c, []string{s.k.pending()}, s.k.queue(), waiting, f.Offset, f.Limit,
		lvl, lang, f.SourceID, string(f.Indicator), cutoff, s.tune.fewOld, s.tune.walkFactor).Slice()
	if err != nil || len(res) == 0 {
		return nil, 0, wrap("queue", err)
	}
	total, _ := res[0].(int64)
	ids := make([]string, 0, len(res)-1)
	for _, v := range res[1:] {
		id, _ := v.(string)
		ids = append(ids, id)
	}
	items, err := s.items(ctx, "queue", ids)
	return items, int(total), err
}

// indexBatch bounds the pending items one index-building script reads.
const indexBatch = 1000

// indexPending makes sure that the pending filter indexes hold every
// pending item, once per store and Redis: items queued by a version
// without them are added in batches (each one script, so claims and
// decisions in between stay consistent), then a marker records that the
// indexes are complete. A queue that was empty when an item joined it
// (every new deployment) has the marker from the start.
func (s *Store) indexPending(ctx context.Context) error {
	if s.indexed.Load() {
		return nil
	}
	op := "index pending items"
	n, err := s.c.Exists(ctx, s.k.pendingIndexed()).Result()
	if err != nil {
		return wrap(op, err)
	}
	for cursor := "-"; n == 0 && cursor != ""; {
		cursor, err = indexPendingScript.Run(ctx, s.c, []string{s.k.pending()}, s.k.queue(), cursor, indexBatch).Text()
		if err != nil {
			return wrap(op, err)
		}
	}
	if err := s.c.Set(ctx, s.k.pendingIndexed(), "1", 0).Err(); err != nil {
		return wrap(op, err)
	}
	s.indexed.Store(true)
	return nil
}

func (s *Store) rangeIDs(ctx context.Context, q queueSource, start, stop int64) ([]string, error) {
	var ms []string
	var err error
	if q.reverse {
		ms, err = s.c.ZRevRange(ctx, q.key, start, stop).Result()
	} else {
		ms, err = s.c.ZRange(ctx, q.key, start, stop).Result()
	}
	if err != nil || !q.members {
		return ms, err
	}
	for i, m := range ms {
		_, ms[i], _ = strings.Cut(m, ":")
	}
	return ms, nil
}

func (s *Store) queuePage(ctx context.Context, q queueSource, f QueueFilter) ([]recruitscan.ReviewItem, int, error) {
	total, err := s.c.ZCard(ctx, q.key).Result()
	if err != nil {
		return nil, 0, wrap("queue", err)
	}
	ids, err := s.rangeIDs(ctx, q, int64(f.Offset), int64(f.Offset+f.Limit-1))
	if err != nil {
		return nil, 0, wrap("queue", err)
	}
	items, err := s.items(ctx, "queue", ids)
	return items, int(total), err
}

// scanBatch is how many items a filtered listing reads per round trip.
const scanBatch = 500

func (s *Store) queueScan(ctx context.Context, q queueSource, f QueueFilter) ([]recruitscan.ReviewItem, int, error) {
	var page []recruitscan.ReviewItem
	total := 0
	cutoff := s.now().Add(-f.MinAge)
	for start := int64(0); ; start += scanBatch {
		ids, err := s.rangeIDs(ctx, q, start, start+scanBatch-1)
		if err != nil {
			return nil, 0, wrap("queue", err)
		}
		items, err := s.items(ctx, "queue", ids)
		if err != nil {
			return nil, 0, err
		}
		for _, it := range items {
			if !f.match(it, cutoff) {
				continue
			}
			if total >= f.Offset && len(page) < f.Limit {
				page = append(page, it)
			}
			total++
		}
		if len(ids) < scanBatch {
			return page, total, nil
		}
	}
}

func (f QueueFilter) match(it recruitscan.ReviewItem, cutoff time.Time) bool {
	switch {
	case f.Level != nil && it.Level != *f.Level,
		f.Indicator != "" && !slices.Contains(it.Indicators, f.Indicator),
		f.Lang != "" && it.Lang != langKey(f.Lang),
		f.SourceID != "" && it.SourceID != f.SourceID,
		f.MinAge > 0 && it.EnqueuedAt.After(cutoff):
		return false
	}
	return true
}

// QueueStats returns the waiting items by level and language, and the
// oldest waiting item's enqueue time.
func (s *Store) QueueStats(ctx context.Context) (recruitscan.QueueStats, error) {
	pipe := s.c.Pipeline()
	depth := pipe.HGetAll(ctx, s.k.depth())
	oldest := pipe.ZRangeWithScores(ctx, s.k.byAge(), 0, 0)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return recruitscan.QueueStats{}, wrap("queue stats", err)
	}
	st := recruitscan.QueueStats{Depth: map[recruitscan.Level]map[string]int{}}
	for k, v := range depth.Val() {
		lv, lang, _ := strings.Cut(k, ":")
		l, _ := strconv.Atoi(lv)
		n, _ := strconv.Atoi(v)
		if n <= 0 {
			continue
		}
		if st.Depth[recruitscan.Level(l)] == nil {
			st.Depth[recruitscan.Level(l)] = map[string]int{}
		}
		st.Depth[recruitscan.Level(l)][lang] = n
	}
	if z := oldest.Val(); len(z) == 1 {
		st.OldestPending = fromMS(int64(z[0].Score))
	}
	return st, nil
}

// pairs turns a Lua HGETALL reply into a map.
func pairs(v any) map[string]string {
	arr, _ := v.([]any)
	m := make(map[string]string, len(arr)/2)
	for i := 0; i+1 < len(arr); i += 2 {
		k, _ := arr[i].(string)
		val, _ := arr[i+1].(string)
		m[k] = val
	}
	return m
}

// parseItem reads an item hash (field names: see luaQueueLib).
func parseItem(m map[string]string) recruitscan.ReviewItem {
	num := func(k string) int64 { n, _ := strconv.ParseInt(m[k], 10, 64); return n }
	score, _ := strconv.ParseFloat(m["sc"], 64)
	it := recruitscan.ReviewItem{
		ID: m["ad"], AdID: m["ad"], ContentHash: m["h"], Version: int(num("ver")),
		SourceID: m["src"], URL: m["url"], Title: m["title"], Lang: m["lang"],
		Level: recruitscan.Level(num("lvl")), Score: score,
		Status: recruitscan.ItemStatus(m["st"]), EnqueuedAt: fromMS(num("enq")),
		ClaimedBy: m["by"], LeaseUntil: fromMS(num("lease")), SnoozeUntil: fromMS(num("snz")),
		Decision: recruitscan.Decision(m["dec"]), DecidedBy: m["decby"], DecidedAt: fromMS(num("decat")),
		Note: m["note"], Indicators: []recruitscan.Indicator{},
	}
	if m["ind"] != "" {
		for _, in := range strings.Split(m["ind"], ",") {
			it.Indicators = append(it.Indicators, recruitscan.Indicator(in))
		}
	}
	return it
}
