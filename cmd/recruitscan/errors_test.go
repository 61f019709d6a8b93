package main

import (
	"net"
	"strings"
	"testing"
	"time"
)

func TestDemoPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, stderr, err := runCmd(t, "", "demo", "--listen", l.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), l.Addr().String()) {
		t.Fatalf("err = %v (stderr %s), want 'port already in use' naming %s", err, stderr, l.Addr())
	}
}

func TestUnreachableRedisFailsFast(t *testing.T) {
	// A port nothing listens on: bind one, note it, close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start := time.Now()
	_, _, err = runCmd(t, "", "demo", "--listen", "127.0.0.1:0", "--redis", "redis://"+addr+"/0")
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("err = %v, want an error naming %s", err, addr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s to fail; want fast", d)
	}
}

func TestRunRefusesMissingConfig(t *testing.T) {
	_, _, err := runCmd(t, "", "run", "--config", "/nonexistent/recruitscan.yaml", "--listen", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/recruitscan.yaml") {
		t.Fatalf("err = %v", err)
	}
}
