package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesTestAndLintOnBuiltin: `rules test` and `rules lint` pass on the
// built-in packs (so make test runs them).
func TestRulesTestAndLintOnBuiltin(t *testing.T) {
	for _, sub := range []string{"test", "lint"} {
		out, _, err := runCmd(t, "", "rules", sub)
		if err != nil {
			t.Errorf("rules %s: %v\n%s", sub, err, out)
		}
	}
}

func TestRulesTestFailsOnBadExample(t *testing.T) {
	dir := t.TempDir()
	pack := "pack: mine\nrules:\n  - id: mine.r\n    indicator: job_scam\n    description: d\n    phrases: [\"easy money\"]\n    examples: {match: [\"hard work\"]}\n"
	if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "", "rules", "test", "--dir", dir)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("err = %v, want exit 1", err)
	}
	if !strings.Contains(out, `mine.yaml:3: rule mine.r did not match example "hard work"`) {
		t.Errorf("output lacks the failing example:\n%s", out)
	}
}

func TestRulesBadPackNamesPlace(t *testing.T) {
	_, _, err := runCmd(t, "", "rules", "lint", "--dir", "../../rules/testdata/bad")
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:7:5: unknown key \"wieght\"") {
		t.Fatalf("err = %v", err)
	}
}

func TestExportPhrases(t *testing.T) {
	out, _, err := runCmd(t, "", "rules", "export-phrases")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "\nfree visa\n") || strings.Count(out, "\n") < 500 {
		t.Errorf("export-phrases: %d lines, free visa missing?", strings.Count(out, "\n"))
	}
}

func TestEvalDevCorpus(t *testing.T) {
	out, _, err := runCmd(t, "", "eval", "-q", devCorpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"ads 260", "overall   precision", "per language:", "  ar ", "per indicator"} {
		if !strings.Contains(out, w) {
			t.Errorf("eval output lacks %q:\n%s", w, out)
		}
	}
}

func TestEvalMalformedLineNamesIt(t *testing.T) {
	f := filepath.Join(t.TempDir(), "x.jsonl")
	if err := os.WriteFile(f, []byte("{\"id\":\"a\",\"title\":\"t\",\"body\":\"b\"}\n{oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCmd(t, "", "eval", f)
	if err == nil || !strings.Contains(err.Error(), "x.jsonl:2:") {
		t.Fatalf("err = %v, want the line named", err)
	}
}
