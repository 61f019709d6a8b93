package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
)

// Connection defaults, applied where the URL does not set them.
const (
	defaultDialTimeout  = 2 * time.Second
	defaultReadTimeout  = 3 * time.Second
	defaultWriteTimeout = 3 * time.Second
	defaultMaxRetries   = 3
	minRetryBackoff     = 8 * time.Millisecond
	maxRetryBackoff     = 512 * time.Millisecond
	pingTimeout         = 5 * time.Second // refused connections fail at once; this bounds a silent address
)

// Connect opens a Redis client for url and pings it with a short deadline.
// Accepted forms:
//
//	redis://[user:pass@]host:port[/db][?opts]        one server
//	rediss://…                                       one server over TLS
//	redis://h1:p1,h2:p2,h3:p3  or  redis://h1:p1?addr=h2:p2&cluster=true
//	                                                 a Redis Cluster
//	redis+sentinel://[:pass@]s1:26379,s2:26379/mymaster[/db]
//	                                                 a Sentinel-managed master
//	                                                 (rediss+sentinel for TLS)
//
// Query options are go-redis' (dial_timeout, read_timeout, pool_size…).
// Every client has ContextTimeoutEnabled, dial/read/write timeouts and
// retries with backoff (go-redis reconnects by itself). The error names the
// address and wraps recruitscan.ErrUnavailable when the ping fails.
func Connect(ctx context.Context, rawURL string) (redis.UniversalClient, error) {
	c, addr, err := newClient(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password included
		}
		return nil, fmt.Errorf("connect %s: %w: %v", redactURL(rawURL), recruitscan.ErrInvalid, err)
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect %s: %w: %v", addr, recruitscan.ErrUnavailable, err)
	}
	return c, nil
}

// newClient builds the client for rawURL and says which address it names.
func newClient(rawURL string) (redis.UniversalClient, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, "", err
	}
	q := u.Query()
	switch {
	case strings.HasSuffix(u.Scheme, "+sentinel"):
		o, err := sentinelOptions(u)
		if err != nil {
			return nil, "", err
		}
		return redis.NewFailoverClient(o), "sentinel " + strings.Join(o.SentinelAddrs, ",") + " master " + o.MasterName, nil
	case strings.Contains(u.Host, ",") || q.Get("cluster") == "true" || q.Has("addr"):
		o, err := clusterOptions(u)
		if err != nil {
			return nil, "", err
		}
		return redis.NewClusterClient(o), "cluster " + strings.Join(o.Addrs, ","), nil
	}
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	o.ContextTimeoutEnabled = true
	o.DialTimeout = orDefault(o.DialTimeout, defaultDialTimeout)
	o.ReadTimeout = orDefault(o.ReadTimeout, defaultReadTimeout)
	o.WriteTimeout = orDefault(o.WriteTimeout, defaultWriteTimeout)
	o.MaxRetries = orDefaultInt(o.MaxRetries, defaultMaxRetries)
	o.MinRetryBackoff, o.MaxRetryBackoff = minRetryBackoff, maxRetryBackoff
	return redis.NewClient(o), o.Addr, nil
}

// splitHosts turns "h1:p1,h2:p2" in u.Host into the first host (kept in u)
// and "addr" query values for the rest, the form go-redis parses.
func splitHosts(u *url.URL) *url.URL {
	v := *u
	q := v.Query()
	q.Del("cluster")
	hosts := strings.Split(v.Host, ",")
	v.Host = hosts[0]
	for _, h := range hosts[1:] {
		if h != "" {
			q.Add("addr", h)
		}
	}
	v.RawQuery = q.Encode()
	return &v
}

func clusterOptions(u *url.URL) (*redis.ClusterOptions, error) {
	o, err := redis.ParseClusterURL(splitHosts(u).String())
	if err != nil {
		return nil, err
	}
	o.ContextTimeoutEnabled = true
	o.DialTimeout = orDefault(o.DialTimeout, defaultDialTimeout)
	o.ReadTimeout = orDefault(o.ReadTimeout, defaultReadTimeout)
	o.WriteTimeout = orDefault(o.WriteTimeout, defaultWriteTimeout)
	o.MaxRetries = orDefaultInt(o.MaxRetries, defaultMaxRetries)
	o.MinRetryBackoff, o.MaxRetryBackoff = minRetryBackoff, maxRetryBackoff
	return o, nil
}

// sentinelOptions parses redis+sentinel://[:pass@]s1,s2/master[/db].
func sentinelOptions(u *url.URL) (*redis.FailoverOptions, error) {
	v := splitHosts(u)
	tlsOn := strings.HasPrefix(v.Scheme, "rediss")
	v.Scheme = "redis"
	q := v.Query()
	parts := strings.Split(strings.Trim(v.Path, "/"), "/")
	if parts[0] != "" {
		q.Set("master_name", parts[0])
	}
	if len(parts) > 1 {
		q.Set("db", parts[1])
	}
	if q.Get("master_name") == "" {
		return nil, fmt.Errorf("sentinel url needs a master name (redis+sentinel://host:26379/mymaster)")
	}
	v.Path = ""
	v.RawQuery = q.Encode()
	o, err := redis.ParseFailoverURL(v.String())
	if err != nil {
		return nil, err
	}
	if u.User != nil { // the password is the master's, as in redis://
		o.Password, _ = u.User.Password()
		o.Username = u.User.Username()
	}
	if tlsOn {
		o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	o.ContextTimeoutEnabled = true
	o.DialTimeout = orDefault(o.DialTimeout, defaultDialTimeout)
	o.ReadTimeout = orDefault(o.ReadTimeout, defaultReadTimeout)
	o.WriteTimeout = orDefault(o.WriteTimeout, defaultWriteTimeout)
	o.MaxRetries = orDefaultInt(o.MaxRetries, defaultMaxRetries)
	o.MinRetryBackoff, o.MaxRetryBackoff = minRetryBackoff, maxRetryBackoff
	return o, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func orDefaultInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// redactURL hides a password in a URL before it goes into an error.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable redis url)"
	}
	return u.Redacted()
}

// Embedded is an in-process Redis-protocol server (miniredis) on
// 127.0.0.1, for the demo, tests and single-analyst use. Nothing it holds
// survives Close. A goroutine moves its clock so that TTLs expire in real
// time, as on a real server.
type Embedded struct {
	m    *miniredis.Miniredis
	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// embeddedTick is how often the embedded server's TTL clock is advanced.
const embeddedTick = 100 * time.Millisecond

// StartEmbedded starts an embedded server on a free loopback port.
func StartEmbedded() (*Embedded, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w: %v", recruitscan.ErrUnavailable, err)
	}
	e := &Embedded{m: m, stop: make(chan struct{})}
	e.wg.Add(1)
	go e.drive()
	return e, nil
}

// drive advances miniredis' TTLs by the wall time that passed, until Close.
func (e *Embedded) drive() {
	defer e.wg.Done()
	t := time.NewTicker(embeddedTick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-e.stop:
			return
		case now := <-t.C:
			e.m.FastForward(now.Sub(last))
			last = now
		}
	}
}

// URL is the redis:// URL of the embedded server.
func (e *Embedded) URL() string { return "redis://" + e.m.Addr() + "/0" }

// Close stops the server and its clock goroutine. Safe to call twice.
func (e *Embedded) Close() {
	e.once.Do(func() {
		close(e.stop)
		e.wg.Wait()
		e.m.Close()
	})
}
