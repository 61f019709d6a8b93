// Package testredis gives tests a real Redis server, isolated per test by a
// unique key prefix that is removed when the test ends.
//
// The server comes from REDIS_URL (make test starts a throwaway redis-server
// and sets it); when REDIS_URL is unset it falls back to
// redis://127.0.0.1:6379/0 if that answers, and otherwise fails the test
// with the command that fixes it. It never skips: a missing Redis is a
// failure, not a pass.
package testredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultURL is tried when REDIS_URL is unset.
const DefaultURL = "redis://127.0.0.1:6379/0"

// URL returns the Redis URL tests use, failing t if none answers.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		u = DefaultURL
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("testredis: REDIS_URL %q: %v", u, err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("testredis: no Redis at %s (%v): run `make test`, which starts one, or start one with `redis-server --port 6379 --save ''` and set REDIS_URL", opt.Addr, err)
	}
	return u
}

// Client returns a client for the test Redis and a key prefix unique to
// this test. Every key under the prefix is deleted when the test ends.
func Client(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	opt, _ := redis.ParseURL(URL(t))
	c := redis.NewClient(opt)
	prefix := Prefix(t)
	t.Cleanup(func() {
		Cleanup(t, c, prefix)
		c.Close()
	})
	return c, prefix
}

// Prefix returns a key prefix unique to this test run, such as
// "t:TestClaim:3fa2c1:".
func Prefix(t testing.TB) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer("/", "_", " ", "_", "{", "_", "}", "_").Replace(t.Name())
	return "t:" + name + ":" + hex.EncodeToString(b[:]) + ":"
}

// Cleanup deletes every key that contains prefix (keys may wrap the
// prefix in a {hash tag}, so the match is not anchored).
func Cleanup(t testing.TB, c redis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pattern := "*" + escapeGlob(prefix) + "*"
	del := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			c.Unlink(ctx, iter.Val())
		}
		return iter.Err()
	}
	var err error
	switch cc := c.(type) {
	case *redis.ClusterClient:
		err = cc.ForEachMaster(ctx, del)
	case *redis.Client:
		err = del(ctx, cc)
	}
	if err != nil {
		t.Logf("testredis: cleanup of %s: %v", prefix, err)
	}
}

func escapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`, "]", `\]`).Replace(s)
}
