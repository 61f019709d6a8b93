package store

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
)

func TestNewClientForms(t *testing.T) {
	cases := []struct {
		url  string
		want string // client type
		addr string
	}{
		{"redis://127.0.0.1:6379/2", "*redis.Client", "127.0.0.1:6379"},
		{"rediss://user:pw@redis.example:6380/0", "*redis.Client", "redis.example:6380"},
		{"redis://a:1,b:2,c:3", "*redis.ClusterClient", "cluster a:1,b:2,c:3"},
		{"redis://a:1?addr=b:2&cluster=true", "*redis.ClusterClient", "cluster a:1,b:2"},
		{"redis+sentinel://s1:26379,s2:26379/mymaster/1", "*redis.Client", "sentinel s1:26379,s2:26379 master mymaster"},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			cl, addr, err := newClient(c.url)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			got := map[bool]string{true: "*redis.ClusterClient", false: "*redis.Client"}[isCluster(cl)]
			if got != c.want || addr != c.addr {
				t.Errorf("newClient = %s %q, want %s %q", got, addr, c.want, c.addr)
			}
			if o, ok := cl.(*redis.Client); ok && (!o.Options().ContextTimeoutEnabled || o.Options().ReadTimeout != defaultReadTimeout) {
				t.Errorf("options: %+v", o.Options())
			}
		})
	}
}

func isCluster(c redis.UniversalClient) bool { _, ok := c.(*redis.ClusterClient); return ok }

func TestSentinelOptions(t *testing.T) {
	cl, _, err := newClient("rediss+sentinel://:secret@s1:26379,s2:26380/mymaster/3?dial_timeout=1s")
	if err != nil {
		t.Fatal(err)
	}
	cl.Close()
	u, _ := url.Parse("rediss+sentinel://:secret@s1:26379,s2:26380/mymaster/3?dial_timeout=1s")
	o, err := sentinelOptions(u)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{o.MasterName, o.SentinelAddrs, o.DB, o.Password, o.DialTimeout, o.TLSConfig != nil, o.ContextTimeoutEnabled}
	want := []any{"mymaster", []string{"s1:26379", "s2:26380"}, 3, "secret", time.Second, true, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sentinel options (-want +got):\n%s", diff)
	}
	if _, _, err := newClient("redis+sentinel://s1:26379"); err == nil {
		t.Error("sentinel URL without a master name accepted")
	}
}

func TestConnectErrors(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx := context.Background()
	start := time.Now()
	_, err := Connect(ctx, "redis://"+addr+"/0")
	if !errors.Is(err, recruitscan.ErrUnavailable) || !strings.Contains(err.Error(), addr) {
		t.Errorf("Connect to a closed port: %v; want ErrUnavailable naming %s", err, addr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Connect took %v to fail", d)
	}
	_, err = Connect(ctx, "redis://u:hunter2@[bad")
	if !errors.Is(err, recruitscan.ErrInvalid) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad URL: %v; want ErrInvalid without the password", err)
	}
}

func TestEmbeddedTTLsExpire(t *testing.T) {
	e, err := StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !strings.HasPrefix(e.URL(), "redis://127.0.0.1:") {
		t.Errorf("URL %s is not on loopback", e.URL())
	}
	c, err := Connect(context.Background(), e.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	c.Set(ctx, "k", "v", 200*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for c.Exists(ctx, "k").Val() == 1 {
		if time.Now().After(deadline) {
			t.Fatal("a 200ms TTL did not expire in 5s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.Close()
	e.Close() // idempotent
}

func TestClusterRejectsCrossSlot(t *testing.T) {
	// Proves the cluster backend can catch a missing hash tag, so the
	// suite passing on it means the store's tags hold.
	c, prefix := openCluster(t)
	err := c.Eval(context.Background(), "return redis.call('MSET', KEYS[1], 1, KEYS[2], 2)",
		[]string{prefix + "a", prefix + "b"}).Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("cross-slot script on the cluster: %v, want CROSSSLOT", err)
	}
}

// TestSentinel connects through a real redis-server in sentinel mode that
// monitors a master on loopback, and runs store operations through it.
func TestSentinel(t *testing.T) {
	dir := t.TempDir()
	master, mport, err := startRedis(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { master.Process.Kill(); master.Wait() }()
	sdir := t.TempDir()
	conf := sdir + "/sentinel.conf"
	body := "sentinel monitor mymaster 127.0.0.1 " + itoa(int64(mport)) + " 1\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sport, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	sentinel := exec.Command("redis-server", conf, "--sentinel", "--port", itoa(int64(sport)),
		"--bind", "127.0.0.1", "--dir", sdir, "--logfile", sdir+"/sentinel.log")
	if err := sentinel.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sentinel.Process.Kill(); sentinel.Wait() }()
	if err := waitPing(sport, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	c, err := Connect(context.Background(), "redis+sentinel://127.0.0.1:"+itoa(int64(sport))+"/mymaster/0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, _ := New(Config{Client: c})
	ctx := context.Background()
	if _, err := s.AppendAd(ctx, mkAd("a1", "through sentinel")); err != nil {
		t.Fatal(err)
	}
	// The write landed on the master the sentinel names.
	direct := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + itoa(int64(mport))})
	defer direct.Close()
	if n, err := direct.XLen(ctx, s.k.adStream()).Result(); err != nil || n != 1 {
		t.Errorf("master's ad stream: %d, %v; want 1", n, err)
	}
}
