package rules

import (
	"errors"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/recruitscan/recruitscan"
)

func TestLoadBuiltin(t *testing.T) {
	rs, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Rules()) == 0 || rs.Version() == "" {
		t.Fatalf("rules=%d version=%q", len(rs.Rules()), rs.Version())
	}
	again, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if again.Version() != rs.Version() {
		t.Errorf("version not stable: %s vs %s", again.Version(), rs.Version())
	}
}

func TestLoadReportsEveryError(t *testing.T) {
	_, err := Load(Config{Dirs: []string{"testdata/bad"}})
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, recruitscan.ErrInvalid) {
		t.Errorf("error %v is not ErrInvalid", err)
	}
	want := []string{
		"testdata/bad/bad.yaml:4:16: unknown indicator \"not_an_indicator\"",
		"testdata/bad/bad.yaml:7:5: unknown key \"wieght\"",
		"testdata/bad/bad.yaml:8:9: rule id \"Bad Id\"",
		"testdata/bad/bad.yaml:11:11: mode \"sometimes\"",
		"testdata/bad/bad.yaml:12:15: unknown list $nolist",
		"testdata/bad/bad.yaml:16:13: regex: error parsing regexp",
		"testdata/bad/bad.yaml:13:5: rule bad.three: when refers to \"no.such.rule\"",
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

func TestUserPackDisablesBuiltin(t *testing.T) {
	rs, err := Load(Config{Dirs: []string{"testdata/good"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := rs.Rule("user.local_term"); r == nil {
		t.Error("user rule missing")
	}
	for _, r := range rs.Rules() {
		if r.ID == "visa_trading.free_visa" {
			t.Error("disabled rule still active")
		}
	}
	base, _ := LoadBuiltin()
	if base.Version() == rs.Version() {
		t.Error("version does not change with user packs")
	}
}

func TestDisableUnknownRule(t *testing.T) {
	_, err := Load(Config{Disable: []string{"no.such"}})
	if err == nil || !strings.Contains(err.Error(), `disable "no.such"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestSyntaxErrorHasPosition(t *testing.T) {
	_, errs := parsePack("x.yaml", []byte("pack: a\nrules:\n  - id: [\n"))
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "x.yaml:") {
		t.Fatalf("errs = %v", errs)
	}
}

func TestNeedsDigit(t *testing.T) {
	for re, want := range map[string]bool{
		`\d{1,3} ?k`: true, `(?:pay|send) \d+`: true, `[0-9]{3,}`: true, `age (?:1[4-7]|one)`: false,
		`(?:[1-9]|1\d) days?`: true, `\d*x`: false, `hours?`: false, `(?:\d+|\d{2}) h`: true, `[0-9a-z]+`: false,
	} {
		sy, err := syntax.Parse(re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := needsDigit(sy.Simplify()); got != want {
			t.Errorf("needsDigit(%s) = %v, want %v", re, got, want)
		}
	}
}
