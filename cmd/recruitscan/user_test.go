package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recruitscan/recruitscan/review"
)

// TestUserCommand: add, passwd and disable edit the config in place,
// keep its comments, and leave a file that loads.
func TestUserCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recruitscan.yaml")
	os.WriteFile(path, []byte("# our deployment\nserver:\n  listen: 127.0.0.1:9000 # behind the proxy\n"), 0o600)

	if _, stderr, err := runCmd(t, "first-password-1\n", "user", "add", "amina", "--role", "lead", "--languages", "ar,ur", "--config", path); err != nil {
		t.Fatalf("user add: %v\n%s", err, stderr)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatalf("config after add: %v", err)
	}
	if len(cfg.Users) != 1 || cfg.Users[0].Name != "amina" || cfg.Users[0].Role != "lead" || strings.Join(cfg.Users[0].Languages, ",") != "ar,ur" {
		t.Fatalf("users = %+v", cfg.Users)
	}
	if !review.CheckPassword(cfg.Users[0].PasswordHash, "first-password-1") {
		t.Error("the stored hash does not match the password given")
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "# our deployment") || !strings.Contains(string(b), "# behind the proxy") {
		t.Errorf("comments lost:\n%s", b)
	}
	if strings.Contains(string(b), "first-password-1") {
		t.Error("the password itself was written to the config")
	}

	if _, _, err := runCmd(t, "x\n", "user", "add", "amina", "--config", path); err == nil {
		t.Error("adding an existing user succeeded")
	}
	if _, _, err := runCmd(t, "short\n", "user", "add", "bob", "--config", path); err == nil {
		t.Error("a password under the minimum length was accepted")
	}
	if _, stderr, err := runCmd(t, "second-password-2\n", "user", "passwd", "amina", "--config", path); err != nil {
		t.Fatalf("user passwd: %v\n%s", err, stderr)
	}
	if _, stderr, err := runCmd(t, "", "user", "disable", "amina", "--config", path); err != nil {
		t.Fatalf("user disable: %v\n%s", err, stderr)
	}
	cfg, err = LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	u := cfg.Users[0]
	if !u.Disabled || !review.CheckPassword(u.PasswordHash, "second-password-2") || review.CheckPassword(u.PasswordHash, "first-password-1") {
		t.Errorf("after passwd and disable: %+v", u)
	}
	if _, _, err := runCmd(t, "", "user", "disable", "nobody", "--config", path); err == nil {
		t.Error("disabling an unknown user succeeded")
	}
}
