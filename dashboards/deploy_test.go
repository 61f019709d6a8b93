package dashboards

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The deploy/ examples are checked with the tools that will read them.

func TestDeployPrometheusConfig(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "../deploy/prometheus.yml", filepath.Join(dir, "prometheus.yml"))
	copyFile(t, rulesFile, filepath.Join(dir, "recruitscan.rules.yml"))
	out, err := exec.Command(promtool(t), "check", "config", filepath.Join(dir, "prometheus.yml")).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check config deploy/prometheus.yml: %v\n%s", err, out)
	}
	cfg := readString(t, "../deploy/prometheus.yml")
	for _, job := range []string{"recruitscan-crawl", "recruitscan-classify", "recruitscan-serve"} {
		if !strings.Contains(cfg, "job_name: "+job) {
			t.Errorf("deploy/prometheus.yml: no scrape job %s (RecruitscanTargetDown and the dashboards expect it)", job)
		}
	}
}

func TestDeploySystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze not found: install it with 'sudo apt-get install -y systemd'")
	}
	dir := t.TempDir()
	for _, part := range []string{"crawl", "classify", "serve"} {
		name := "recruitscan-" + part + ".service"
		unit := readString(t, filepath.Join("../deploy/systemd", name))
		want := "ExecStart=/usr/local/bin/recruitscan " + part + " "
		if !strings.Contains(unit, want) {
			t.Errorf("deploy/systemd/%s: no %q line", name, want)
		}
		// verify wants the binary to exist; /bin/true stands in for it.
		unit = strings.ReplaceAll(unit, "/usr/local/bin/recruitscan", "/bin/true")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	units, _ := filepath.Glob(filepath.Join(dir, "*.service"))
	cmd := exec.Command(analyze, append([]string{"verify"}, units...)...)
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// deploy/redis.conf starts a real redis-server with AOF on and no
// eviction, and a write survives a restart.
func TestDeployRedisConfAOF(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server not found: install it with 'sudo apt-get install -y redis-server'")
	}
	dir := t.TempDir()
	ctx := context.Background()

	c, exited := startRedis(t, bin, dir)
	for key, want := range map[string]string{"appendonly": "yes", "appendfsync": "everysec", "maxmemory-policy": "noeviction"} {
		got, err := c.ConfigGet(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got[key] != want {
			t.Errorf("deploy/redis.conf: %s = %q, want %q", key, got[key], want)
		}
	}
	if err := c.XAdd(ctx, &redis.XAddArgs{Stream: "{rs:s}:ads", Values: []string{"ad", "kept"}}).Err(); err != nil {
		t.Fatal(err)
	}
	// SHUTDOWN NOSAVE: no RDB snapshot, so only the AOF can bring it back.
	_ = c.Do(ctx, "SHUTDOWN", "NOSAVE").Err()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("redis-server did not exit on SHUTDOWN")
	}

	c, _ = startRedis(t, bin, dir)
	n, err := c.XLen(ctx, "{rs:s}:ads").Result()
	if err != nil || n != 1 {
		t.Fatalf("after a restart the stream has %d entries (%v), want 1 from the AOF", n, err)
	}
}

// startRedis runs redis-server with deploy/redis.conf on a free loopback
// port in dir, and returns a client and a channel closed when the server
// exits; cleanup stops it.
func startRedis(t *testing.T, bin, dir string) (*redis.Client, <-chan struct{}) {
	t.Helper()
	port := freePort(t)
	conf, err := filepath.Abs("../deploy/redis.conf")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, conf, "--port", fmt.Sprint(port), "--bind", "127.0.0.1",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"), "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port), MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return c, done
		}
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server with deploy/redis.conf exited:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server with deploy/redis.conf did not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.WriteFile(to, []byte(readString(t, from)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
