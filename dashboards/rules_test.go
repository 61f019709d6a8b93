package dashboards

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const rulesFile = "rules/recruitscan.rules.yml"

// promtool finds promtool in $PROMTOOL or on PATH. A missing promtool
// fails the test with the command that installs it: never a skip.
func promtool(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PROMTOOL"); p != "" {
		return p
	}
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: install it with 'sudo apt-get install -y prometheus' (Debian/Ubuntu) " +
			"or set PROMTOOL to its path; 'make test' installs it when run as root")
	}
	return p
}

func TestPromtoolCheckRules(t *testing.T) {
	out, err := exec.Command(promtool(t), "check", "rules", rulesFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules %s: %v\n%s", rulesFile, err, out)
	}
	if !strings.Contains(string(out), "SUCCESS") {
		t.Fatalf("promtool check rules %s: no SUCCESS in\n%s", rulesFile, out)
	}
}

func TestPromtoolTestRules(t *testing.T) {
	files := ruleTestFiles(t)
	out, err := exec.Command(promtool(t), append([]string{"test", "rules"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "SUCCESS"); n != len(files) {
		t.Fatalf("promtool test rules: %d of %d files passed\n%s", n, len(files), out)
	}
}

// ruleFile is the part of a Prometheus rule file these tests read.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record      string            `yaml:"record"`
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// ruleTestFile is the part of a promtool unit-test file these tests read.
type ruleTestFile struct {
	Tests []struct {
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

func loadRules(t testing.TB) ruleFile {
	t.Helper()
	var rf ruleFile
	readYAML(t, rulesFile, &rf)
	return rf
}

func readYAML(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func ruleTestFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("rules/tests/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no promtool test files in rules/tests (%v)", err)
	}
	return files
}

func alertNames(rf ruleFile) []string {
	var names []string
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				names = append(names, r.Alert)
			}
		}
	}
	return names
}

// Every alert has a promtool case where it fires and one where it does not.
func TestEveryAlertIsTested(t *testing.T) {
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, f := range ruleTestFiles(t) {
		var tf ruleTestFile
		readYAML(t, f, &tf)
		for _, tc := range tf.Tests {
			for _, a := range tc.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					fires[a.Alertname] = true
				} else {
					quiet[a.Alertname] = true
				}
			}
		}
	}
	names := alertNames(loadRules(t))
	if len(names) < 7 {
		t.Fatalf("%s: %d alerts, want at least the 7 of issue 6", rulesFile, len(names))
	}
	for _, n := range names {
		if !fires[n] {
			t.Errorf("alert %s: no promtool test where it fires", n)
		}
		if !quiet[n] {
			t.Errorf("alert %s: no promtool test where it stays quiet", n)
		}
	}
	for n := range fires {
		if !slices.Contains(names, n) {
			t.Errorf("promtool tests name alert %s, which %s does not define", n, rulesFile)
		}
	}
}

// Every alert links a runbook section of README.md that exists.
func TestEveryAlertHasARunbook(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(readme), "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			anchors[githubAnchor(h)] = true
		}
	}
	for _, g := range loadRules(t).Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			url := r.Annotations["runbook_url"]
			_, anchor, ok := strings.Cut(url, "dashboards/README.md#")
			if !ok {
				t.Errorf("alert %s: runbook_url %q does not point into dashboards/README.md", r.Alert, url)
				continue
			}
			if anchor != strings.ToLower(r.Alert) || !anchors[anchor] {
				t.Errorf("alert %s: runbook_url anchor %q has no '### %s' section in README.md", r.Alert, anchor, r.Alert)
			}
			if r.Annotations["summary"] == "" {
				t.Errorf("alert %s: no summary annotation", r.Alert)
			}
		}
	}
}

// githubAnchor is the anchor GitHub gives a heading (for the simple
// headings used here: lower case, spaces to hyphens, punctuation dropped).
func githubAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
