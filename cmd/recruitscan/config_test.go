package main

import (
	"os"
	"strings"
	"testing"
)

func TestExampleConfigParses(t *testing.T) {
	c, err := LoadConfig("../../recruitscan.example.yaml")
	if err != nil {
		// The example's hashes are placeholders: only the hash check may fail.
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.Contains(line, "password_hash must be a bcrypt hash") {
				t.Fatalf("example config: %v", err)
			}
		}
		return
	}
	if len(c.Sources) != 4 {
		t.Errorf("sources = %d, want 4", len(c.Sources))
	}
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"misspelt key", "redis:\n  url: redis://x\nserver:\n  lisen: 127.0.0.1:1\n",
			[]string{`cfg.yaml:4: unknown key "lisen"`}},
		{"unknown top-level key", "redsi:\n  url: x\n", []string{`cfg.yaml:1: unknown key "redsi"`}},
		{"several problems at once", "server:\n  lisen: a\nrules:\n  treshold: low\n",
			[]string{`cfg.yaml:2: unknown key "lisen"`, `cfg.yaml:4: unknown key "treshold"`}},
		{"bad value", "rules:\n  threshold: extreme\n", []string{`cfg.yaml:2: rules.threshold "extreme"`}},
		{"bad source", "sources:\n  - id: a\n    type: html\n    urls: [http://x]\n  - id: b\n    type: gopher\n",
			[]string{`cfg.yaml:5: sources[1] (b): type "gopher"`, `cfg.yaml:5: sources[1] (b): urls`}},
		{"bad duration", "server:\n  session_ttl: forever\n", []string{"cfg.yaml:2:"}},
		{"not yaml", "server: [\n", []string{"cfg.yaml:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("cfg.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestEmptyConfigGetsDefaults(t *testing.T) {
	c, err := ParseConfig("empty.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Listen != "127.0.0.1:8080" || c.Rules.Threshold != "medium" {
		t.Errorf("defaults not applied: %+v", c)
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := LoadConfig("/nonexistent/recruitscan.yaml")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/recruitscan.yaml") {
		t.Fatalf("err = %v", err)
	}
	_ = os.ErrNotExist
}
