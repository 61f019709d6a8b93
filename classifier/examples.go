package classifier

import (
	"fmt"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// ExampleFailure is a rule example that did not behave as declared.
type ExampleFailure struct {
	Rule    string
	File    string
	Line    int
	Example string
	Want    bool // true: should have matched
}

func (f ExampleFailure) String() string {
	verb := "did not match"
	if !f.Want {
		verb = "matched"
	}
	return fmt.Sprintf("%s:%d: rule %s %s example %q", f.File, f.Line, f.Rule, verb, f.Example)
}

// TestExamples runs every rule's examples: each `match` example must make
// the rule fire (in any mode), each `no_match` example must not. It
// returns the failures and the number of examples run.
func (c *Classifier) TestExamples() ([]ExampleFailure, int) {
	var fails []ExampleFailure
	n := 0
	for _, r := range c.rules.Rules() {
		for _, ex := range r.Examples.Match {
			n++
			if !c.Fires(r.ID, ex) {
				fails = append(fails, ExampleFailure{r.ID, r.File, r.Line, ex, true})
			}
		}
		for _, ex := range r.Examples.NoMatch {
			n++
			if c.Fires(r.ID, ex) {
				fails = append(fails, ExampleFailure{r.ID, r.File, r.Line, ex, false})
			}
		}
	}
	return fails, n
}

// Fires reports whether the rule with the given id matches text (as an
// ad body), whatever its mode.
func (c *Classifier) Fires(ruleID, text string) bool {
	r := c.rules.Rule(ruleID)
	if r == nil {
		return false
	}
	fields := []field{{name: recruitscan.FieldBody, orig: text, n: norm.Normalize(text)}}
	out := evaluate(c.rules, fields, scan(c.rules, fields))
	return len(out[r.Index()]) > 0 && c.rules.Rules()[r.Index()] == r
}
