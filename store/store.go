package store

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
)

// Observer receives the events the store counts. The metrics package's
// *Metrics satisfies it structurally; every method must be cheap and safe
// for concurrent use.
type Observer interface {
	Claimed()
	LeasesExpired(n int)
	Decided(d recruitscan.Decision, sinceEnqueue time.Duration)
	DeadLettered()
}

// Config configures a Store. Zero values mean the documented defaults.
type Config struct {
	// Client is the Redis connection (see Connect). Required.
	Client redis.UniversalClient
	// Prefix namespaces every key; default "rs". Tests pass testredis'.
	Prefix string
	// Clock gives the time for leases, snoozes, audit and ad timestamps;
	// default clock.Real{}. Redis' own clock is never used in logic, with
	// one exception: stream idle times for reclaiming (ClaimIdle) are
	// measured by Redis.
	Clock clock.Clock
	// Lease is how long a claim lasts without a heartbeat; default 10m.
	Lease time.Duration
	// MaxAttempts is how many failures or deliveries an ad gets before it
	// goes to the dead-letter stream; default 5.
	MaxAttempts int
	// ClaimIdle is how long a stream entry stays pending with a consumer
	// before ReadAds reclaims it for another; default 1m.
	ClaimIdle time.Duration
	// MaxBacklog bounds the ad stream (entries not yet acknowledged);
	// AppendAd fails with ErrUnavailable when it is full; default 1,000,000.
	// Acknowledged entries are deleted, so the bound never drops work.
	MaxBacklog int64
	// MaxDeadLetters bounds the dead-letter stream (oldest dropped first);
	// default 100,000.
	MaxDeadLetters int64
	// RetainUnflagged, if set, is how long ads that were not flagged are
	// kept after they were last seen; zero keeps them.
	RetainUnflagged time.Duration
	// RetainDismissed, if set, is how long a dismissed ad's data (not its
	// review item or audit) is kept after the decision; zero keeps it.
	// Confirmed and escalated ads are always kept.
	RetainDismissed time.Duration
	// Observer receives metrics events; nil means none.
	Observer Observer
}

// Store is the Redis-backed store: ads, the ad stream, the review queue,
// the audit log and the entity index. Safe for concurrent use.
type Store struct {
	c   redis.UniversalClient
	k   keys
	cfg Config
	obs Observer

	mu     sync.Mutex
	cursor string // XAUTOCLAIM cursor, so reclaiming walks the whole PEL

	indexed atomic.Bool // the pending filter indexes are known complete
	tune    queueTune   // queueScript's thresholds; tests change them
}

// group is the consumer group of classifier workers on the ad stream.
const group = "classifiers"

// New checks cfg and applies its defaults. It does not touch Redis.
func New(cfg Config) (*Store, error) {
	if cfg.Client == nil {
		return nil, fmt.Errorf("store.New: Config.Client: %w: required", recruitscan.ErrInvalid)
	}
	if strings.ContainsAny(cfg.Prefix, "{}") {
		return nil, fmt.Errorf("store.New: Config.Prefix %q: %w: must not contain braces", cfg.Prefix, recruitscan.ErrInvalid)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "rs"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.ClaimIdle <= 0 {
		cfg.ClaimIdle = time.Minute
	}
	if cfg.MaxBacklog <= 0 {
		cfg.MaxBacklog = 1_000_000
	}
	if cfg.MaxDeadLetters <= 0 {
		cfg.MaxDeadLetters = 100_000
	}
	obs := cfg.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	return &Store{c: cfg.Client, k: newKeys(cfg.Prefix), cfg: cfg, obs: obs, cursor: "0-0", tune: defaultTune}, nil
}

// Ping reports whether Redis answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.c.Ping(ctx).Err(); err != nil {
		return wrap("ping", err)
	}
	return nil
}

type nopObserver struct{}

func (nopObserver) Claimed()                                    {}
func (nopObserver) LeasesExpired(int)                           {}
func (nopObserver) Decided(recruitscan.Decision, time.Duration) {}
func (nopObserver) DeadLettered()                               {}

// Script error codes (the first word of an error_reply) and their public
// sentinels.
var scriptErrors = map[string]error{
	"NOTFOUND": recruitscan.ErrNotFound,
	"NOTLEASE": recruitscan.ErrNotLeaseHolder,
	"DECIDED":  recruitscan.ErrAlreadyDecided,
	"INVALID":  recruitscan.ErrInvalid,
	"BACKLOG":  recruitscan.ErrUnavailable,
}

// wrap translates a Redis error into the public sentinels, naming op:
// script refusals become their sentinel, connection trouble ErrUnavailable.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var re redis.Error
	if errors.As(err, &re) {
		msg := strings.TrimPrefix(re.Error(), "ERR ") // Redis and miniredis add it to error_reply
		code, _, _ := strings.Cut(msg, " ")
		if s, ok := scriptErrors[code]; ok {
			return fmt.Errorf("%s: %w", op, s)
		}
		if isTransient(msg) {
			return fmt.Errorf("%s: %w: %v", op, recruitscan.ErrUnavailable, err)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %v", op, recruitscan.ErrUnavailable, err)
}

// isTransient reports Redis replies that mean "try again later".
func isTransient(msg string) bool {
	for _, p := range []string{"LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "READONLY"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// ms is t in Unix milliseconds, the store's time unit in Redis.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS is the inverse of ms; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func (s *Store) now() time.Time { return s.cfg.Clock.Now() }

// Blob encoding: a one-byte tag, then the payload.
const (
	blobPlain = 'p'
	blobFlate = 'f'
)

var flaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// pack compresses b when that pays; small values stay plain.
func pack(b []byte) []byte {
	if len(b) < 128 {
		return append([]byte{blobPlain}, b...)
	}
	var buf bytes.Buffer
	buf.WriteByte(blobFlate)
	w := flaters.Get().(*flate.Writer) // NewWriter allocates ~1 MB: reuse
	w.Reset(&buf)
	w.Write(b)
	w.Close()
	flaters.Put(w)
	if buf.Len() >= len(b)+1 {
		return append([]byte{blobPlain}, b...)
	}
	return buf.Bytes()
}

// maxUnpacked bounds a decompressed blob (raw bodies are capped by the
// crawler far below this), so a corrupt value cannot exhaust memory.
const maxUnpacked = 64 << 20

// unpack reverses pack.
func unpack(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, nil
	}
	switch b[0] {
	case blobPlain:
		return b[1:], nil
	case blobFlate:
		r := flate.NewReader(bytes.NewReader(b[1:]))
		defer r.Close()
		out, err := io.ReadAll(io.LimitReader(r, maxUnpacked+1))
		if err != nil {
			return nil, fmt.Errorf("unpack: %w", err)
		}
		if len(out) > maxUnpacked {
			return nil, fmt.Errorf("unpack: over %d bytes", maxUnpacked)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unpack: unknown encoding %q", b[0])
}

// validID checks an ad id before it becomes part of a key: ids are the
// hex AdID in practice; anything printable without braces or spaces, up to
// 200 bytes, is accepted.
func validID(op, id string) error {
	if id == "" || len(id) > 200 {
		return fmt.Errorf("%s: ad id %q: %w: want 1 to 200 bytes", op, id, recruitscan.ErrInvalid)
	}
	for _, r := range id {
		if r <= ' ' || r == '{' || r == '}' || r == 0x7f {
			return fmt.Errorf("%s: ad id %q: %w: no spaces, braces or control characters", op, id, recruitscan.ErrInvalid)
		}
	}
	return nil
}

// langKey sanitises a language tag for use in a key: BCP 47 characters
// only, "und" otherwise.
func langKey(l string) string {
	if l == "" || len(l) > 35 {
		return "und"
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return "und"
		}
	}
	return l
}
