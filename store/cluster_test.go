package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan/internal/testredis"
)

// The cluster backend: STORE_CLUSTER_URL (for example from
// testdata/cluster.sh) or, when unset, a 3-master cluster this test binary
// starts from redis-server on loopback ports and stops at exit.

var (
	clusterOnce  sync.Once
	clusterURL   string
	clusterErr   error
	clusterProcs []*exec.Cmd
	clusterDir   string
)

func openCluster(t *testing.T) (redis.UniversalClient, string) {
	clusterOnce.Do(func() {
		if u := os.Getenv("STORE_CLUSTER_URL"); u != "" {
			clusterURL = u
			return
		}
		clusterURL, clusterErr = startCluster()
	})
	if clusterErr != nil {
		t.Fatalf("redis cluster: %v", clusterErr)
	}
	c, err := Connect(context.Background(), clusterURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(*redis.ClusterClient); !ok {
		t.Fatalf("Connect(%s) gave %T, want a cluster client", clusterURL, c)
	}
	prefix := testredis.Prefix(t)
	t.Cleanup(func() { testredis.Cleanup(t, c, prefix); c.Close() })
	return c, prefix
}

// freePort finds a loopback port whose cluster bus port (+10000) is free too.
func freePort() (int, error) {
	for range 100 {
		p := 20000 + rand.IntN(20000)
		if portFree(p) && portFree(p+10000) {
			return p, nil
		}
	}
	return 0, fmt.Errorf("no free port pair found")
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// startRedis starts redis-server on a free port in dir with extra args and
// waits until it answers.
func startRedis(dir string, args ...string) (*exec.Cmd, int, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	cmd, err := startRedisOn(dir, port, args...)
	return cmd, port, err
}

// startRedisOn starts redis-server on port (see startRedis).
func startRedisOn(dir string, port int, args ...string) (*exec.Cmd, error) {
	all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--logfile", filepath.Join(dir, "redis.log")}, args...)
	cmd := exec.Command("redis-server", all...)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server (install the redis-server package): %w", err)
	}
	if err := waitPing(port, 10*time.Second); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
		return nil, fmt.Errorf("redis-server on %d: %v\n%s", port, err, log)
	}
	return cmd, nil
}

func waitPing(port int, d time.Duration) error {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(d)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func startCluster() (string, error) {
	dir, err := os.MkdirTemp("", "store-cluster-")
	if err != nil {
		return "", err
	}
	clusterDir = dir
	var addrs []string
	for i := range 3 {
		d := filepath.Join(dir, strconv.Itoa(i))
		os.MkdirAll(d, 0o755)
		cmd, port, err := startRedis(d, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--appendonly", "no")
		if err != nil {
			stopCluster()
			return "", err
		}
		clusterProcs = append(clusterProcs, cmd)
		addrs = append(addrs, "127.0.0.1:"+strconv.Itoa(port))
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		stopCluster()
		return "", fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out)
	}
	if err := waitClusterOK(addrs); err != nil {
		stopCluster()
		return "", err
	}
	return "redis://" + strings.Join(addrs, ","), nil
}

// waitClusterOK waits until every node reports cluster_state:ok.
func waitClusterOK(addrs []string) error {
	deadline := time.Now().Add(20 * time.Second)
	for _, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a})
		for {
			info, err := c.ClusterInfo(context.Background()).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				c.Close()
				return fmt.Errorf("cluster at %s not ok: %v %s", a, err, info)
			}
			time.Sleep(100 * time.Millisecond)
		}
		c.Close()
	}
	return nil
}

func stopCluster() {
	for _, p := range clusterProcs {
		p.Process.Kill()
		p.Wait()
	}
	clusterProcs = nil
	if clusterDir != "" {
		os.RemoveAll(clusterDir)
	}
}
