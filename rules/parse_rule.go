package rules

import (
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/recruitscan/recruitscan"
)

// rule parses one rule mapping.
func (p *parser) rule(n *yaml.Node, pk *pack) *Rule {
	r := &Rule{File: p.file, Line: n.Line, col: n.Column, Pack: pk.Name, Weight: 1, Mode: Active}
	nerr := len(p.errs)
	p.mapping(n, map[string]func(*yaml.Node){
		"id":          func(v *yaml.Node) { r.ID = p.ruleID(v) },
		"indicator":   func(v *yaml.Node) { r.Indicator = p.indicator(v) },
		"languages":   func(v *yaml.Node) { r.Languages = p.strs(v) },
		"description": func(v *yaml.Node) { r.Description = p.str(v) },
		"references":  func(v *yaml.Node) { r.References = p.strs(v) },
		"weight":      func(v *yaml.Node) { r.Weight = p.weight(v) },
		"mode":        func(v *yaml.Node) { r.Mode = p.mode(v) },
		"phrases":     func(v *yaml.Node) { r.Phrases = p.phrases(v, pk) },
		"regex":       func(v *yaml.Node) { r.Regex = p.regexes(v) },
		"trigger":     func(v *yaml.Node) { r.Trigger = p.phrases(v, pk) },
		"near":        func(v *yaml.Node) { r.Near = p.near(v, pk) },
		"unless":      func(v *yaml.Node) { r.Unless = p.unless(v, pk) },
		"when":        func(v *yaml.Node) { r.When = p.when(v) },
		"examples":    func(v *yaml.Node) { r.Examples = p.examples(v) },
		"offsets":     func(v *yaml.Node) { r.Offsets = p.offsets(v) },
	}, "id", "indicator", "description")
	if len(r.Phrases) == 0 && len(r.Regex) == 0 && r.Near == nil && r.When == nil && len(p.errs) == nerr {
		p.errorf(n, "rule %s: %v", r.ID, errNoPattern)
	}
	if len(r.Regex) > 0 && len(r.Trigger) == 0 && len(p.errs) == nerr {
		p.errorf(n, "rule %s: regex needs trigger phrases (the regexes run only on sentences where one occurs)", r.ID)
	}
	if len(r.Trigger) > 0 && len(r.Regex) == 0 && len(p.errs) == nerr {
		p.errorf(n, "rule %s: trigger without regex", r.ID)
	}
	if len(r.Offsets) > 0 && r.Indicator != recruitscan.Mitigating && len(p.errs) == nerr {
		p.errorf(n, "rule %s: offsets is for mitigating rules only", r.ID)
	}
	if r.Description == "" && len(p.errs) == nerr {
		p.errorf(n, "rule %s: empty description", r.ID)
	}
	if len(r.Languages) == 0 {
		r.Languages = []string{"any"}
	}
	return r
}

func (p *parser) ruleID(n *yaml.Node) string {
	s := p.str(n)
	if s != "" && !ruleID.MatchString(s) {
		p.errorf(n, "rule id %q: want lower-case words joined by dots, like fees.upfront_payment", s)
	}
	return s
}

func (p *parser) indicator(n *yaml.Node) recruitscan.Indicator {
	i := recruitscan.Indicator(p.str(n))
	if i != "" && !i.Valid() {
		p.errorf(n, "unknown indicator %q (see shared/domain/indicators.md)", i)
	}
	return i
}

func (p *parser) offsets(n *yaml.Node) []recruitscan.Indicator {
	var out []recruitscan.Indicator
	for _, c := range p.seq(n) {
		if i := p.indicator(c); i != "" {
			out = append(out, i)
		}
	}
	return out
}

func (p *parser) weight(n *yaml.Node) float64 {
	w := p.num(n)
	if w < 0 || w > 10 {
		p.errorf(n, "weight %v out of range [0, 10]", w)
	}
	return w
}

func (p *parser) mode(n *yaml.Node) Mode {
	m := Mode(p.str(n))
	switch m {
	case Active, Shadow, Feature:
		return m
	}
	p.errorf(n, "mode %q: want active, shadow or feature", m)
	return Active
}

func (p *parser) regexes(n *yaml.Node) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, c := range p.seq(n) {
		s := p.str(c)
		re, err := regexp.Compile(s)
		if err != nil {
			p.errorf(c, "regex: %v", err)
			continue
		}
		out = append(out, re)
	}
	return out
}

func (p *parser) near(n *yaml.Node, pk *pack) *Near {
	nr := &Near{Within: 5}
	p.mapping(n, map[string]func(*yaml.Node){
		"a":      func(v *yaml.Node) { nr.A = p.phrases(v, pk) },
		"b":      func(v *yaml.Node) { nr.B = p.phrases(v, pk) },
		"within": func(v *yaml.Node) { nr.Within = p.int(v) },
	}, "a", "b")
	return nr
}

func (p *parser) unless(n *yaml.Node, pk *pack) *Unless {
	u := &Unless{Window: 3}
	p.mapping(n, map[string]func(*yaml.Node){
		"before":       func(v *yaml.Node) { u.Before = p.phrases(v, pk) },
		"after":        func(v *yaml.Node) { u.After = p.phrases(v, pk) },
		"window":       func(v *yaml.Node) { u.Window = p.int(v) },
		"window_after": func(v *yaml.Node) { u.WindowAfter = p.int(v) },
	})
	if u.WindowAfter == 0 {
		u.WindowAfter = u.Window
	}
	if len(u.Before) == 0 && len(u.After) == 0 {
		p.errorf(n, "unless needs before or after phrases")
	}
	return u
}

func (p *parser) when(n *yaml.Node) *When {
	w := &When{MinAny: 1}
	p.mapping(n, map[string]func(*yaml.Node){
		"all":     func(v *yaml.Node) { w.All = p.strs(v) },
		"any":     func(v *yaml.Node) { w.Any = p.strs(v) },
		"min_any": func(v *yaml.Node) { w.MinAny = p.int(v) },
	})
	if len(w.All) == 0 && len(w.Any) == 0 {
		p.errorf(n, "when needs all or any")
	}
	if len(w.Any) > 0 && w.MinAny > len(w.Any) {
		p.errorf(n, "when: min_any %d exceeds the %d ids of any", w.MinAny, len(w.Any))
	}
	if len(w.Any) == 0 {
		w.MinAny = 0
	}
	return w
}

func (p *parser) examples(n *yaml.Node) Examples {
	var e Examples
	p.mapping(n, map[string]func(*yaml.Node){
		"match":    func(v *yaml.Node) { e.Match = p.strs(v) },
		"no_match": func(v *yaml.Node) { e.NoMatch = p.strs(v) },
	})
	return e
}

func sortStrings(s []string) { sort.Strings(s) }

// trimAll trims spaces of every string.
func trimAll(s []string) []string {
	for i := range s {
		s[i] = strings.TrimSpace(s[i])
	}
	return s
}
