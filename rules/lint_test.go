package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinLintClean runs `rules lint` on the built-in packs: make test
// fails when a pack gains a duplicate, an unreachable phrase or a rule
// without examples.
func TestBuiltinLintClean(t *testing.T) {
	rs, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rs.Lint() {
		t.Error(f)
	}
}

func TestLintFindsProblems(t *testing.T) {
	dir := t.TempDir()
	pack := `pack: lintme
rules:
  - id: lintme.one
    indicator: job_scam
    description: d
    phrases: ["Easy Money", "easy  money", "stop. here"]
    unless: {before: ["easy money"]}
  - id: lintme.two
    indicator: job_scam
    description: d
    phrases: ["EASY MONEY"]
    examples: {match: ["easy money"]}
  - id: lintme.feature
    indicator: job_scam
    mode: feature
    description: d
    phrases: ["x y z"]
    examples: {match: ["x y z"]}
`
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := Load(Config{Dirs: []string{dir}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rs.Lint() {
		got = append(got, f.Rule+" "+f.Kind)
	}
	want := []string{"lintme.one same-normal-form", "lintme.one unreachable", "lintme.one unreachable",
		"lintme.two duplicate", "lintme.one no-examples", "lintme.feature unused-feature"}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("lint lacks %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
