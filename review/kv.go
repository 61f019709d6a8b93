package review

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
	"github.com/redis/go-redis/v9"
)

// kv is the little key-value storage that sessions and admin-created API
// tokens need. redisKV shares them between processes; memKV keeps them in
// one process (the zero-config fallback when Config.Redis is nil).
// get and hget return recruitscan.ErrNotFound for a missing key or field.
type kv interface {
	get(ctx context.Context, key string) ([]byte, error)
	set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	del(ctx context.Context, key string) error
	// incr adds one to a counter, giving a new one the ttl.
	incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	hset(ctx context.Context, key, field string, val []byte) error
	hget(ctx context.Context, key, field string) ([]byte, error)
	hgetall(ctx context.Context, key string) (map[string]string, error)
	hdel(ctx context.Context, key, field string) error
}

type redisKV struct{ c redis.UniversalClient }

var _ kv = redisKV{}

func redisErr(op string, err error) error {
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("%s: %w", op, recruitscan.ErrNotFound)
	}
	return fmt.Errorf("%s: %w: %v", op, recruitscan.ErrUnavailable, err)
}

func (r redisKV) get(ctx context.Context, key string) ([]byte, error) {
	b, err := r.c.Get(ctx, key).Bytes()
	if err != nil {
		return nil, redisErr("get", err)
	}
	return b, nil
}

func (r redisKV) set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := r.c.Set(ctx, key, val, ttl).Err(); err != nil {
		return redisErr("set", err)
	}
	return nil
}

func (r redisKV) del(ctx context.Context, key string) error {
	if err := r.c.Del(ctx, key).Err(); err != nil {
		return redisErr("del", err)
	}
	return nil
}

func (r redisKV) incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	pipe := r.c.TxPipeline()
	n := pipe.Incr(ctx, key)
	pipe.ExpireNX(ctx, key, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, redisErr("incr", err)
	}
	return n.Val(), nil
}

func (r redisKV) hset(ctx context.Context, key, field string, val []byte) error {
	if err := r.c.HSet(ctx, key, field, val).Err(); err != nil {
		return redisErr("hset", err)
	}
	return nil
}

func (r redisKV) hget(ctx context.Context, key, field string) ([]byte, error) {
	b, err := r.c.HGet(ctx, key, field).Bytes()
	if err != nil {
		return nil, redisErr("hget", err)
	}
	return b, nil
}

func (r redisKV) hgetall(ctx context.Context, key string) (map[string]string, error) {
	m, err := r.c.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, redisErr("hgetall", err)
	}
	return m, nil
}

func (r redisKV) hdel(ctx context.Context, key, field string) error {
	if err := r.c.HDel(ctx, key, field).Err(); err != nil {
		return redisErr("hdel", err)
	}
	return nil
}

// memKV is a bounded in-process kv; expired keys go on read and when the
// map grows past memKVMax.
type memKV struct {
	mu     sync.Mutex
	clock  clock.Clock
	vals   map[string]memVal
	hashes map[string]map[string][]byte
}

const memKVMax = 100000

type memVal struct {
	b   []byte
	exp time.Time
}

var _ kv = (*memKV)(nil)

func newMemKV(c clock.Clock) *memKV {
	return &memKV{clock: c, vals: map[string]memVal{}, hashes: map[string]map[string][]byte{}}
}

func (m *memKV) get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vals[key]
	if ok && !v.exp.IsZero() && !m.clock.Now().Before(v.exp) {
		delete(m.vals, key)
		ok = false
	}
	if !ok {
		return nil, fmt.Errorf("get: %w", recruitscan.ErrNotFound)
	}
	return v.b, nil
}

func (m *memKV) set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.setLocked(key, val, ttl)
}

func (m *memKV) setLocked(key string, val []byte, ttl time.Duration) error {
	now := m.clock.Now()
	if len(m.vals) >= memKVMax {
		for k, v := range m.vals {
			if !v.exp.IsZero() && !now.Before(v.exp) {
				delete(m.vals, k)
			}
		}
		if len(m.vals) >= memKVMax {
			return fmt.Errorf("set: %w: in-memory session store full", recruitscan.ErrUnavailable)
		}
	}
	v := memVal{b: append([]byte(nil), val...)}
	if ttl > 0 {
		v.exp = now.Add(ttl)
	}
	m.vals[key] = v
	return nil
}

func (m *memKV) del(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.vals, key)
	return nil
}

func (m *memKV) incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vals[key]
	n := int64(1)
	if ok && (v.exp.IsZero() || m.clock.Now().Before(v.exp)) {
		old, _ := strconv.ParseInt(string(v.b), 10, 64)
		n = old + 1
		if !v.exp.IsZero() {
			ttl = v.exp.Sub(m.clock.Now())
		}
	}
	return n, m.setLocked(key, []byte(strconv.FormatInt(n, 10)), ttl)
}

func (m *memKV) hset(_ context.Context, key, field string, val []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hashes[key]
	if h == nil {
		h = map[string][]byte{}
		m.hashes[key] = h
	}
	h[field] = append([]byte(nil), val...)
	return nil
}

func (m *memKV) hget(_ context.Context, key, field string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.hashes[key][field]
	if !ok {
		return nil, fmt.Errorf("hget: %w", recruitscan.ErrNotFound)
	}
	return b, nil
}

func (m *memKV) hgetall(_ context.Context, key string) (map[string]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]string{}
	for f, b := range m.hashes[key] {
		out[f] = string(b)
	}
	return out, nil
}

func (m *memKV) hdel(_ context.Context, key, field string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.hashes[key], field)
	return nil
}
