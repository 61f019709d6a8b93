package crawler

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// gates holds one politeness gate per host of a source.
type gates struct {
	mu       sync.Mutex
	byHost   map[string]*gate
	delay    time.Duration
	parallel int
}

func newGates(delay time.Duration, parallel int) *gates {
	return &gates{byHost: map[string]*gate{}, delay: delay, parallel: max(parallel, 1)}
}

func (g *gates) get(host string) *gate {
	g.mu.Lock()
	defer g.mu.Unlock()
	h := g.byHost[host]
	if h == nil {
		h = &gate{slots: make(chan struct{}, g.parallel), delay: g.delay}
		g.byHost[host] = h
	}
	return h
}

// gate limits requests to one host: at most cap(slots) at once, starts at
// least delay apart, and none before notBefore (set by Retry-After and
// backoff). Every wait honours the context, unlike Colly's LimitRule.
type gate struct {
	slots     chan struct{}
	delay     time.Duration
	mu        sync.Mutex
	next      time.Time // earliest start of the next request
	notBefore time.Time
}

// acquire waits for a slot and the host's next start time; release must
// be called after the request.
func (g *gate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		g.mu.Lock()
		now := time.Now()
		start := later(g.next, g.notBefore)
		if !now.Before(start) {
			g.next = now.Add(g.delay)
			g.mu.Unlock()
			return nil
		}
		g.mu.Unlock()
		if err := sleep(ctx, start.Sub(now)); err != nil {
			<-g.slots
			return err
		}
	}
}

func (g *gate) release() { <-g.slots }

// hold pushes the host's next start to at least now+d (Retry-After, backoff).
func (g *gate) hold(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := time.Now().Add(d); t.After(g.notBefore) {
		g.notBefore = t
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryAfter parses a Retry-After header (seconds or HTTP date) relative
// to now; ok is false when absent or unparsable.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// backoff is the wait before retry number attempt (1-based): base·2^(n-1),
// or the server's Retry-After, capped at maxWait either way.
func backoff(attempt int, base, maxWait time.Duration, h http.Header, now time.Time) time.Duration {
	d, ok := retryAfter(h, now)
	if !ok {
		d = base << min(attempt-1, 20)
	}
	return min(d, maxWait)
}
