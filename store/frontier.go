package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Frontier is a crawl frontier in Redis that any number of crawl workers,
// in any number of processes, share. It keeps the contract of
// crawler.Frontier in store's own types (store does not import crawler):
// a few lines in the wiring adapt it (see frontier_test.go's adapter,
// which runs crawler/frontiertest against it). Per source and cycle it
// holds the URLs seen, pending in FIFO order, and leased until a time
// from the store's Clock; across cycles, an opaque record per page.
type Frontier struct{ s *Store }

// CrawlTask mirrors crawler.Task.
type CrawlTask struct {
	URL   string `json:"url"`
	Kind  string `json:"kind"`
	Depth int    `json:"depth"`
}

// Frontier returns the store's crawl frontier.
func (s *Store) Frontier() *Frontier { return &Frontier{s: s} }

// frontierPushScript adds tasks not yet seen in the cycle, up to limit
// URLs ever held by the cycle, and drops the source's older cycles.
// KEYS[1] the cycle's seen set (routes; all keys are under F).
// ARGV: F, cycle n, limit (0 = none), then url, task json pairs.
// Returns how many were added.
var frontierPushScript = redis.NewScript(luaFrontierKeys + `
local n, limit = ARGV[2], tonumber(ARGV[3])
local seen, pending, tasks = k_cycle(n, 'seen'), k_cycle(n, 'pending'), k_cycle(n, 'tasks')
if redis.call('ZSCORE', k_cycles(), n) == false then
  for _, old in ipairs(redis.call('ZRANGEBYSCORE', k_cycles(), '-inf', '(' .. n)) do
    redis.call('DEL', k_cycle(old, 'seen'), k_cycle(old, 'pending'), k_cycle(old, 'tasks'), k_cycle(old, 'leased'))
    redis.call('ZREM', k_cycles(), old)
  end
  redis.call('ZADD', k_cycles(), n, n)
end
local added = 0
for i = 4, #ARGV, 2 do
  local url = ARGV[i]
  if redis.call('SISMEMBER', seen, url) == 0 then
    if limit > 0 and redis.call('SCARD', seen) >= limit then break end
    redis.call('SADD', seen, url)
    redis.call('RPUSH', pending, url)
    redis.call('HSET', tasks, url, ARGV[i + 1])
    added = added + 1
  end
end
return added
`)

// luaFrontierExpire returns a cycle's expired leases to the front of
// pending (the oldest expiry first in line).
const luaFrontierExpire = `
local function expire(n, now)
  local leased = k_cycle(n, 'leased')
  local gone = redis.call('ZRANGEBYSCORE', leased, '-inf', now)
  for i = #gone, 1, -1 do
    redis.call('ZREM', leased, gone[i])
    redis.call('LPUSH', k_cycle(n, 'pending'), gone[i])
  end
end
`

// frontierLeaseScript leases up to count pending tasks until now+ttl.
// KEYS[1] the cycle's pending list. ARGV: F, cycle n, now, until, count.
// Returns the leased tasks' json, oldest first.
var frontierLeaseScript = redis.NewScript(luaFrontierKeys + luaFrontierExpire + `
local n = ARGV[2]
expire(n, ARGV[3])
local out = {}
for _ = 1, tonumber(ARGV[5]) do
  local url = redis.call('LPOP', k_cycle(n, 'pending'))
  if not url then break end
  redis.call('ZADD', k_cycle(n, 'leased'), ARGV[4], url)
  out[#out + 1] = redis.call('HGET', k_cycle(n, 'tasks'), url)
end
return out
`)

// frontierLenScript reports pending and leased after expiring leases.
// KEYS[1] the cycle's pending list. ARGV: F, cycle n, now.
var frontierLenScript = redis.NewScript(luaFrontierKeys + luaFrontierExpire + `
expire(ARGV[2], ARGV[3])
return {redis.call('LLEN', k_cycle(ARGV[2], 'pending')), redis.call('ZCARD', k_cycle(ARGV[2], 'leased'))}
`)

// frontierDoneScript finishes a task (never leased again in the cycle)
// or, with release "1", returns a leased task to the front of pending.
// KEYS[1] the cycle's leased set. ARGV: F, cycle n, url, release.
var frontierDoneScript = redis.NewScript(luaFrontierKeys + `
local n, url = ARGV[2], ARGV[3]
local was = redis.call('ZREM', k_cycle(n, 'leased'), url)
if ARGV[4] == '1' then
  if was == 1 then redis.call('LPUSH', k_cycle(n, 'pending'), url) end
elseif redis.call('SISMEMBER', k_cycle(n, 'seen'), url) == 1 then
  redis.call('LREM', k_cycle(n, 'pending'), 1, url)
  redis.call('HDEL', k_cycle(n, 'tasks'), url)
end
return was
`)

func (f *Frontier) cycleKey(source string, n int64, part string) string {
	return f.s.k.frontier(source) + "c:" + strconv.FormatInt(n, 10) + ":" + part
}

// Push adds tasks as pending in cycle n of source and returns how many
// were new; limit caps the URLs the cycle may ever hold (<= 0: none).
func (f *Frontier) Push(ctx context.Context, source string, n int64, limit int, tasks ...CrawlTask) (int, error) {
	args := []any{f.s.k.frontier(source), n, limit}
	for _, t := range tasks {
		b, err := json.Marshal(t)
		if err != nil {
			return 0, fmt.Errorf("frontier push %s: %w", t.URL, err)
		}
		args = append(args, t.URL, b)
	}
	added, err := frontierPushScript.Run(ctx, f.s.c, []string{f.cycleKey(source, n, "seen")}, args...).Int()
	return added, wrap("frontier push", err)
}

// Lease takes up to count pending tasks, oldest first, leased until
// now+ttl; none is not an error.
func (f *Frontier) Lease(ctx context.Context, source string, n int64, count int, ttl time.Duration) ([]CrawlTask, error) {
	now := f.s.now()
	res, err := frontierLeaseScript.Run(ctx, f.s.c, []string{f.cycleKey(source, n, "pending")},
		f.s.k.frontier(source), n, ms(now), ms(now.Add(ttl)), count).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, wrap("frontier lease", err)
	}
	out := make([]CrawlTask, 0, len(res))
	for _, r := range res {
		var t CrawlTask
		if err := json.Unmarshal([]byte(r), &t); err != nil {
			return out, fmt.Errorf("frontier lease: task %q: %w", r, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// Done marks the task finished for the cycle; unknown or done URLs are no
// error.
func (f *Frontier) Done(ctx context.Context, source string, n int64, url string) error {
	return f.done(ctx, source, n, url, "0")
}

// Release returns a leased task to the front of pending; a no-op for a
// task not leased.
func (f *Frontier) Release(ctx context.Context, source string, n int64, url string) error {
	return f.done(ctx, source, n, url, "1")
}

func (f *Frontier) done(ctx context.Context, source string, n int64, url, release string) error {
	err := frontierDoneScript.Run(ctx, f.s.c, []string{f.cycleKey(source, n, "leased")},
		f.s.k.frontier(source), n, url, release).Err()
	return wrap("frontier done", err)
}

// Len reports the cycle's pending and leased counts (expired leases count
// as pending).
func (f *Frontier) Len(ctx context.Context, source string, n int64) (pending, leased int, err error) {
	res, err := frontierLenScript.Run(ctx, f.s.c, []string{f.cycleKey(source, n, "pending")},
		f.s.k.frontier(source), n, ms(f.s.now())).Int64Slice()
	if err != nil {
		return 0, 0, wrap("frontier len", err)
	}
	return int(res[0]), int(res[1]), nil
}

func pageField(url string) string {
	h := sha256.Sum256([]byte(url))
	return hex.EncodeToString(h[:16])
}

// Page returns the record last set for the source's page; ok is false
// when there is none.
func (f *Frontier) Page(ctx context.Context, source, url string) (record []byte, ok bool, err error) {
	b, err := f.s.c.HGet(ctx, f.s.k.frontierPages(source), pageField(url)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap("frontier page", err)
	}
	return b, true, nil
}

// SetPage records the page's record (for example crawler.PageMeta as
// JSON), replacing what was there.
func (f *Frontier) SetPage(ctx context.Context, source, url string, record []byte) error {
	return wrap("frontier set page", f.s.c.HSet(ctx, f.s.k.frontierPages(source), pageField(url), record).Err())
}
