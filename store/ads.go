package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
)

// StreamAd is one ad read from the stream by a classifier worker.
type StreamAd struct {
	MsgID string
	Ad    recruitscan.Ad
	// Deliveries counts how often the entry was handed out (1 when new).
	Deliveries int
}

// SaveOutcome says what SaveResult changed.
type SaveOutcome struct {
	New     bool // first time this ad id was stored
	Changed bool // a known ad with new content (a new version)
	Queued  bool // a review item was created, updated or reopened
	Version int  // the ad's version after the save (1 for a new ad)
}

// StoredAd is an ad as kept: its latest content, verdict and history.
type StoredAd struct {
	Ad        recruitscan.Ad
	Verdict   recruitscan.Verdict
	Version   int
	FirstSeen time.Time
	LastSeen  time.Time
	RemovedAt time.Time // zero unless MarkRemoved
	Versions  []string  // content hashes, oldest first
}

// DeadLetter is a stream entry that failed MaxAttempts times.
type DeadLetter struct {
	ID       string // its id in the dead-letter stream
	MsgID    string // its id in the ad stream
	Ad       recruitscan.Ad
	Error    string
	Attempts int
	At       time.Time
}

// StreamInfo is the ad stream's state.
type StreamInfo struct {
	Length      int64 // entries not yet acknowledged (acknowledged ones are deleted)
	Pending     int64 // delivered to a worker, not yet acknowledged
	Lag         int64 // not yet delivered
	DeadLetters int64
}

// AppendAd puts an ad on the stream for classification. Its raw body, if
// any, travels compressed. ErrUnavailable when the backlog is full.
func (s *Store) AppendAd(ctx context.Context, ad recruitscan.Ad) (string, error) {
	op := "append ad"
	if err := validID(op, ad.ID); err != nil {
		return "", err
	}
	b, err := json.Marshal(ad)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", op, ad.ID, err)
	}
	raw := []byte{}
	if ad.Evidence != nil && len(ad.Evidence.RawBody) > 0 {
		raw = pack(ad.Evidence.RawBody)
	}
	id, err := appendAdScript.Run(ctx, s.c, []string{s.k.adStream()}, s.cfg.MaxBacklog, pack(b), raw).Text()
	if err != nil {
		return "", wrap(op+" "+ad.ID, err)
	}
	return id, nil
}

// ReadAds returns up to count ads for consumer: first entries that another
// consumer left pending longer than ClaimIdle (reclaimed with XAUTOCLAIM),
// then new ones, waiting up to block for new ones when there is nothing
// else (block <= 0: no wait). An entry delivered more than MaxAttempts
// times goes to the dead-letter stream instead of being returned again.
func (s *Store) ReadAds(ctx context.Context, consumer string, count int, block time.Duration) ([]StreamAd, error) {
	if consumer == "" {
		return nil, fmt.Errorf("read ads: consumer: %w: required", recruitscan.ErrInvalid)
	}
	if count <= 0 {
		count = 10
	}
	out, err := s.reclaim(ctx, consumer, count)
	if err != nil {
		return nil, err
	}
	if len(out) >= count {
		return out, nil
	}
	if len(out) > 0 || block <= 0 {
		block = -1 // go-redis: no BLOCK argument
	}
	fresh, err := s.readNew(ctx, consumer, count-len(out), block)
	return append(out, fresh...), err
}

// ensureGroup creates the consumer group (from the stream's start, so
// nothing appended before is missed).
func (s *Store) ensureGroup(ctx context.Context) error {
	err := s.c.XGroupCreateMkStream(ctx, s.k.adStream(), group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return wrap("create consumer group", err)
	}
	return nil
}

func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

func (s *Store) reclaim(ctx context.Context, consumer string, count int) ([]StreamAd, error) {
	s.mu.Lock()
	start := s.cursor
	s.mu.Unlock()
	msgs, next, err := s.c.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: s.k.adStream(), Group: group, Consumer: consumer,
		MinIdle: s.cfg.ClaimIdle, Start: start, Count: int64(count),
	}).Result()
	if isNoGroup(err) {
		return nil, s.ensureGroup(ctx)
	}
	if err != nil {
		return nil, wrap("read ads: reclaim", err)
	}
	s.mu.Lock()
	s.cursor = next
	s.mu.Unlock()
	if len(msgs) == 0 {
		return nil, nil
	}
	deliveries, err := s.deliveries(ctx, msgs)
	if err != nil {
		return nil, err
	}
	var out []StreamAd
	for i, m := range msgs {
		if deliveries[i] > s.cfg.MaxAttempts {
			cause := fmt.Sprintf("delivered %d times without a result (worker crashed or timed out)", deliveries[i])
			if err := s.deadLetter(ctx, m.ID, cause, deliveries[i]); err != nil {
				return out, err
			}
			continue
		}
		sa, err := s.decode(ctx, m, deliveries[i])
		if err != nil {
			return out, err
		}
		if sa != nil {
			out = append(out, *sa)
		}
	}
	return out, nil
}

// deliveries reads each message's delivery count from the pending list.
func (s *Store) deliveries(ctx context.Context, msgs []redis.XMessage) ([]int, error) {
	pipe := s.c.Pipeline()
	cmds := make([]*redis.XPendingExtCmd, len(msgs))
	for i, m := range msgs {
		cmds[i] = pipe.XPendingExt(ctx, &redis.XPendingExtArgs{
			Stream: s.k.adStream(), Group: group, Start: m.ID, End: m.ID, Count: 1,
		})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, wrap("read ads: delivery counts", err)
	}
	out := make([]int, len(msgs))
	for i, c := range cmds {
		out[i] = 1
		if p := c.Val(); len(p) == 1 {
			out[i] = int(p[0].RetryCount)
		}
	}
	return out, nil
}

func (s *Store) readNew(ctx context.Context, consumer string, n int, block time.Duration) ([]StreamAd, error) {
	args := &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{s.k.adStream(), ">"},
		Count: int64(n), Block: block,
	}
	res, err := s.c.XReadGroup(ctx, args).Result()
	if isNoGroup(err) {
		if err := s.ensureGroup(ctx); err != nil {
			return nil, err
		}
		res, err = s.c.XReadGroup(ctx, args).Result()
	}
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("read ads", err)
	}
	var out []StreamAd
	for _, st := range res {
		for _, m := range st.Messages {
			sa, err := s.decode(ctx, m, 1)
			if err != nil {
				return out, err
			}
			if sa != nil {
				out = append(out, *sa)
			}
		}
	}
	return out, nil
}

// decode turns a stream entry into a StreamAd. An entry that cannot be
// decoded is dead-lettered at once (nil, nil): retrying cannot help.
func (s *Store) decode(ctx context.Context, m redis.XMessage, deliveries int) (*StreamAd, error) {
	ad, err := decodeAd(m.Values)
	if err != nil {
		return nil, s.deadLetter(ctx, m.ID, "undecodable stream entry: "+err.Error(), deliveries)
	}
	return &StreamAd{MsgID: m.ID, Ad: ad, Deliveries: deliveries}, nil
}

func decodeAd(v map[string]any) (recruitscan.Ad, error) {
	var ad recruitscan.Ad
	blob, _ := v["ad"].(string)
	b, err := unpack([]byte(blob))
	if err != nil {
		return ad, err
	}
	if err := json.Unmarshal(b, &ad); err != nil {
		return ad, err
	}
	if raw, _ := v["raw"].(string); raw != "" {
		body, err := unpack([]byte(raw))
		if err != nil {
			return ad, err
		}
		if ad.Evidence == nil {
			ad.Evidence = &recruitscan.Evidence{}
		}
		ad.Evidence.RawBody = body
	}
	return ad, nil
}

// deadLetter moves an entry to the dead-letter stream now.
func (s *Store) deadLetter(ctx context.Context, msgID, cause string, attempts int) error {
	_, err := s.fail(ctx, msgID, cause, true, attempts)
	return err
}

// FailAd records that handling msgID failed with cause. The entry stays
// pending (another ReadAds reclaims it after ClaimIdle) until it has failed
// MaxAttempts times; then it moves to the dead-letter stream with the
// error and deadLettered is true.
func (s *Store) FailAd(ctx context.Context, msgID string, cause error) (bool, error) {
	msg := "unknown error"
	if cause != nil {
		msg = cause.Error()
	}
	return s.fail(ctx, msgID, msg, false, 0)
}

func (s *Store) fail(ctx context.Context, msgID, cause string, force bool, attempts int) (bool, error) {
	if msgID == "" {
		return false, fmt.Errorf("fail ad: msgID: %w: required", recruitscan.ErrInvalid)
	}
	f := "0"
	if force {
		f = "1"
	}
	k := []string{s.k.adStream(), s.k.deadStream(), s.k.failCounts()}
	res, err := failScript.Run(ctx, s.c, k, group, msgID, cause, s.cfg.MaxAttempts,
		ms(s.now()), s.cfg.MaxDeadLetters, f, attempts).Int64Slice()
	if err != nil {
		return false, wrap("fail ad "+msgID, err)
	}
	if res[0] == 1 {
		s.obs.DeadLettered()
		return true, nil
	}
	return false, nil
}

// DeadLetters returns the n most recent dead letters, newest first.
func (s *Store) DeadLetters(ctx context.Context, n int) ([]DeadLetter, error) {
	if n <= 0 {
		n = 100
	}
	msgs, err := s.c.XRevRangeN(ctx, s.k.deadStream(), "+", "-", int64(n)).Result()
	if err != nil {
		return nil, wrap("dead letters", err)
	}
	out := make([]DeadLetter, 0, len(msgs))
	for _, m := range msgs {
		d := DeadLetter{ID: m.ID}
		d.MsgID, _ = m.Values["msg"].(string)
		d.Error, _ = m.Values["error"].(string)
		d.Attempts = atoi(m.Values["attempts"])
		d.At = fromMS(int64(atoi(m.Values["at"])))
		if blob, _ := m.Values["ad"].(string); blob != "" {
			if b, err := unpack([]byte(blob)); err == nil {
				_ = json.Unmarshal(b, &d.Ad) // best effort: the error says why
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func atoi(v any) int {
	s, _ := v.(string)
	n, _ := strconv.Atoi(s)
	return n
}

// Ad returns a stored ad; ErrNotFound if unknown (or expired).
func (s *Store) Ad(ctx context.Context, id string) (StoredAd, error) {
	op := "get ad"
	if err := validID(op, id); err != nil {
		return StoredAd{}, err
	}
	pipe := s.c.Pipeline()
	h := pipe.HGetAll(ctx, s.k.ad(id))
	d := pipe.Get(ctx, s.k.adData(id))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return StoredAd{}, wrap(op+" "+id, err)
	}
	m := h.Val()
	if len(m) == 0 {
		return StoredAd{}, fmt.Errorf("%s %s: %w", op, id, recruitscan.ErrNotFound)
	}
	sa := StoredAd{
		Version:   atoi(m["ver"]),
		FirstSeen: fromMS(int64(atoi(m["first"]))),
		LastSeen:  fromMS(int64(atoi(m["last"]))),
		RemovedAt: fromMS(int64(atoi(m["removed"]))),
		Versions:  strings.Fields(m["vers"]),
	}
	var b storedBlob
	if err := unjson(d.Val(), &b); err != nil {
		return sa, fmt.Errorf("%s %s: %w", op, id, err)
	}
	sa.Ad, sa.Verdict = b.Ad, b.Verdict
	return sa, nil
}

func unjson(blob string, v any) error {
	b, err := unpack([]byte(blob))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// RawBody returns the ad's latest page as received, decompressed;
// ErrNotFound if the ad or its body is unknown.
func (s *Store) RawBody(ctx context.Context, id string) ([]byte, error) {
	op := "raw body"
	if err := validID(op, id); err != nil {
		return nil, err
	}
	b, err := s.c.Get(ctx, s.k.adRaw(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("%s %s: %w", op, id, recruitscan.ErrNotFound)
	}
	if err != nil {
		return nil, wrap(op+" "+id, err)
	}
	body, err := unpack(b)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, id, err)
	}
	return body, nil
}

// AdByURL returns the ad last stored with this URL.
func (s *Store) AdByURL(ctx context.Context, url string) (StoredAd, error) {
	key, field := s.k.url(url)
	id, err := s.c.HGet(ctx, key, field).Result()
	if errors.Is(err, redis.Nil) {
		return StoredAd{}, fmt.Errorf("ad by url %q: %w", url, recruitscan.ErrNotFound)
	}
	if err != nil {
		return StoredAd{}, wrap(fmt.Sprintf("ad by url %q", url), err)
	}
	return s.Ad(ctx, id)
}

// MarkRemoved records that the ad was taken down at at.
func (s *Store) MarkRemoved(ctx context.Context, id string, at time.Time) error {
	op := "mark removed"
	if err := validID(op, id); err != nil {
		return err
	}
	return wrap(op+" "+id, markRemovedScript.Run(ctx, s.c, []string{s.k.ad(id)}, ms(at)).Err())
}

// StreamInfo reports the ad stream's length, pending, lag and dead letters.
func (s *Store) StreamInfo(ctx context.Context) (StreamInfo, error) {
	pipe := s.c.Pipeline()
	length := pipe.XLen(ctx, s.k.adStream())
	pending := pipe.XPending(ctx, s.k.adStream(), group)
	dead := pipe.XLen(ctx, s.k.deadStream())
	_, err := pipe.Exec(ctx)
	if err != nil && !isNoGroup(err) && !errors.Is(err, redis.Nil) {
		return StreamInfo{}, wrap("stream info", err)
	}
	var si StreamInfo
	si.Length, si.DeadLetters = length.Val(), dead.Val()
	if p := pending.Val(); p != nil {
		si.Pending = p.Count
	}
	si.Lag = max(si.Length-si.Pending, 0)
	return si, nil
}

// StreamLag returns the undelivered entries and the dead letters, the two
// figures metrics.NewStreamCollector reads at scrape time.
func (s *Store) StreamLag(ctx context.Context) (lag, deadLetters int64, err error) {
	si, err := s.StreamInfo(ctx)
	return si.Lag, si.DeadLetters, err
}
