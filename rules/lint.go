package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/recruitscan/recruitscan/rules/norm"
)

// Finding is one lint problem.
type Finding struct {
	File string
	Line int
	Rule string
	Kind string // duplicate, same-normal-form, no-examples, unreachable, unused-feature
	Msg  string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: rule %s: %s", f.File, f.Line, f.Kind, f.Rule, f.Msg)
}

// Lint finds problems that parse without error: phrases repeated within
// an indicator, phrases of one rule that normalise to the same thing,
// rules without examples, phrases that can never match (a sentence break
// inside, or cancelled by the rule's own negation), features no composite
// uses and composites that depend only on disabled rules.
func (rs *RuleSet) Lint() []Finding {
	var out []Finding
	out = append(out, rs.lintPhrases()...)
	out = append(out, rs.lintExamples()...)
	out = append(out, rs.lintFeatures()...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

func finding(r *Rule, kind, format string, args ...any) Finding {
	return Finding{File: r.File, Line: r.Line, Rule: r.ID, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// lintPhrases reports same-normal-form phrases inside a rule, phrases shared
// by two rules of one indicator, and phrases that can never match.
func (rs *RuleSet) lintPhrases() []Finding {
	var out []Finding
	owner := map[string]*Rule{} // indicator + normal form → first rule
	for _, r := range rs.rules {
		seen := map[string]string{}
		negs := rs.negations(r)
		for _, ph := range rs.expandAll(r.Phrases) {
			n := norm.String(strings.TrimSuffix(ph, "*"))
			if prev, ok := seen[n]; ok {
				out = append(out, finding(r, "same-normal-form", "%q and %q both normalise to %q", prev, ph, n))
				continue
			}
			seen[n] = ph
			if strings.Contains(n, "\n") {
				out = append(out, finding(r, "unreachable", "phrase %q spans a sentence break and can never match", ph))
			}
			if negs[n] {
				out = append(out, finding(r, "unreachable", "phrase %q is also one of its own negations", ph))
			}
			key := string(r.Indicator) + "\x00" + n
			if first, ok := owner[key]; ok && first != r && r.Mode != Feature && first.Mode != Feature {
				out = append(out, finding(r, "duplicate", "phrase %q is also in rule %s (%s:%d)", ph, first.ID, first.File, first.Line))
			} else if !ok {
				owner[key] = r
			}
		}
	}
	return out
}

func (rs *RuleSet) negations(r *Rule) map[string]bool {
	m := map[string]bool{}
	if r.Unless == nil {
		return m
	}
	for _, ph := range rs.expandAll(append(append([]string(nil), r.Unless.Before...), r.Unless.After...)) {
		m[norm.String(ph)] = true
	}
	return m
}

// expandAll resolves "$list" references against the compiled patterns'
// lists; lists are kept by the compiler, so resolve through the rule set.
func (rs *RuleSet) expandAll(in []string) []string {
	var out []string
	for _, s := range in {
		if strings.HasPrefix(s, "$") {
			out = append(out, rs.lists[s[1:]]...)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (rs *RuleSet) lintExamples() []Finding {
	var out []Finding
	for _, r := range rs.rules {
		if len(r.Examples.Match) == 0 {
			out = append(out, finding(r, "no-examples", "no example that must match"))
		}
	}
	return out
}

// lintFeatures reports feature rules that no composite refers to: they
// can never affect a verdict.
func (rs *RuleSet) lintFeatures() []Finding {
	used := map[string]bool{}
	for _, r := range rs.rules {
		if r.When != nil {
			for _, id := range append(append([]string(nil), r.When.All...), r.When.Any...) {
				used[id] = true
			}
		}
	}
	var out []Finding
	for _, r := range rs.rules {
		if r.Mode == Feature && !used[r.ID] {
			out = append(out, finding(r, "unused-feature", "feature rule is used by no composite and can never affect a verdict"))
		}
	}
	return out
}
