package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/review"
)

// TestServeFromConfig runs `recruitscan serve` as its own process on the
// test Redis with a user from the config: health and metrics are open, the
// API needs a login, and the configured user can log in.
func TestServeFromConfig(t *testing.T) {
	hash, err := review.HashPassword("serve-password-1")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "recruitscan.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("users:\n  - name: lee\n    role: reviewer\n    password_hash: %q\n", hash)), 0o600)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	_, prefix := testredis.Client(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RECRUITSCAN_TEST_MAIN=1",
		"RECRUITSCAN_TEST_ARGS=serve --config "+cfg+" --listen "+addr+" --redis "+testredis.URL(t)+" --prefix "+strings.TrimSuffix(prefix, ":"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if strings.Contains(out.String(), "serve-password-1") {
			t.Error("the password appeared in the server's output")
		}
	}()
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/api/v1/queue": 401} {
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	login := func(pw string) int {
		// The login form carries a CSRF token bound to a pre-login cookie.
		page, err := c.Get(base + "/login")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(page.Body)
		page.Body.Close()
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("no CSRF token on the login page:\n%s", b)
		}
		resp, err := c.PostForm(base+"/login", url.Values{"username": {"lee"}, "password": {pw}, "csrf": {string(m[1])}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := login("wrong-password"); code == http.StatusSeeOther {
		t.Errorf("a wrong password logged in")
	}
	if code := login("serve-password-1"); code != http.StatusSeeOther {
		t.Fatalf("login = %d, want 303\n%s", code, out.String())
	}
	resp, err := c.Get(base + "/api/v1/queue")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/v1/queue after login = %d, want 200", resp.StatusCode)
	}
}
