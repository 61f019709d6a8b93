package rules

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// Role says what a pattern means for its rule.
type Role uint8

// Roles.
const (
	RolePhrase  Role = iota // a phrase of Rule.Phrases
	RoleNearA               // a phrase of Near.A
	RoleNearB               // a phrase of Near.B
	RoleTrigger             // a phrase of Trigger (gates Regex)
	numRoles
)

// NumRoles is the number of pattern roles.
const NumRoles = int(numRoles)

// PatternRef ties an automaton pattern to a rule.
type PatternRef struct {
	Rule   int32 // index in RuleSet.Rules
	Role   Role
	Prefix bool // written with a trailing "*": no word boundary after it
}

// RuleSet is a compiled, immutable set of rules: Aho-Corasick automata
// (one per script group) over the normalised phrases of every rule, the regexes, and
// the composite rules in evaluation order. Safe for concurrent use.
type RuleSet struct {
	rules    []*Rule
	byID     map[string]*Rule
	autos    []scriptAuto   // one automaton per script group
	patterns []string       // normalised text by pattern id
	refs     [][]PatternRef // by pattern id
	order    []int          // composite rules, dependencies first
	lists    map[string][]string
	version  string
}

// Version returns a stable hash of the compiled packs.
func (rs *RuleSet) Version() string { return rs.version }

// Rules returns the rules in load order. The caller must not modify them.
func (rs *RuleSet) Rules() []*Rule { return rs.rules }

// Rule returns the rule with the given id, or nil.
func (rs *RuleSet) Rule(id string) *Rule { return rs.byID[id] }

// Composites returns the indexes of composite rules (those with When),
// each after the rules it depends on.
func (rs *RuleSet) Composites() []int { return rs.order }

// Match is one occurrence of a pattern: PatternID at b[Start:End].
type Match struct {
	PatternID  int
	Start, End int
}

// AppendMatches appends to out every (overlapping) occurrence of a
// pattern in the normalised text b, with global pattern ids, by end and
// longest first at each end; a caller that reuses out from text to text
// does not grow a new slice each time. Word boundaries are the caller's
// to check. Only the automata of the scripts present in b run.
func (rs *RuleSet) AppendMatches(out []Match, b []byte) []Match {
	present := scriptsIn(b)
	for _, sa := range rs.autos {
		if sa.script != scriptCommon && present&(1<<sa.script) == 0 {
			continue
		}
		n := len(out)
		out = sa.auto.findAll(b, out)
		for i := n; i < len(out); i++ {
			out[i].PatternID = sa.ids[out[i].PatternID]
		}
	}
	return out
}

// Refs returns the rule references of a pattern id.
func (rs *RuleSet) Refs(pattern int) []PatternRef { return rs.refs[pattern] }

// Pattern returns the normalised text of a pattern id.
func (rs *RuleSet) Pattern(id int) string { return rs.patterns[id] }

// Phrases returns every normalised phrase of the set (for export to other
// tools), sorted and without duplicates.
func (rs *RuleSet) Phrases() []string {
	out := append([]string(nil), rs.patterns...)
	sortStrings(out)
	return out
}

type compiler struct {
	rs     *RuleSet
	lists  map[string]listDef
	index  map[string]int // normalised pattern → id
	errs   []error
	source map[*Rule]*pack
	notneg *idioms // compiled $notneg, on first use
}

func compile(packs []*pack, disable []string) (*RuleSet, []error) {
	c := &compiler{
		rs:     &RuleSet{byID: map[string]*Rule{}},
		lists:  map[string]listDef{},
		index:  map[string]int{},
		source: map[*Rule]*pack{},
	}
	c.collectLists(packs)
	c.rs.lists = map[string][]string{}
	for name, l := range c.lists {
		c.rs.lists[name] = l.items
	}
	off := c.disabled(packs, disable)
	for _, pk := range packs {
		c.checkRefs(pk)
		for _, r := range pk.Rules {
			c.source[r] = pk
			c.add(r, off)
		}
	}
	for _, r := range c.rs.rules {
		c.patternsOf(r)
	}
	c.orderComposites()
	c.build()
	return c.rs, c.errs
}

func (c *compiler) errorf(file string, line int, format string, args ...any) {
	c.errs = append(c.errs, &PosError{File: file, Line: line, Col: 1, Msg: fmt.Sprintf(format, args...)})
}

func (c *compiler) ruleErrorf(r *Rule, format string, args ...any) {
	c.errs = append(c.errs, &PosError{File: r.File, Line: r.Line, Col: max(r.col, 1), Msg: fmt.Sprintf(format, args...)})
}

func (c *compiler) collectLists(packs []*pack) {
	for _, pk := range packs {
		for name, l := range pk.Lists {
			if _, dup := c.lists[name]; dup {
				c.errorf(pk.File, l.line, "list %q is already defined in another pack", name)
				continue
			}
			c.lists[name] = l
		}
	}
}

// disabled gathers ids to leave out from Config.Disable and the packs'
// `disable:`; an id that names no rule is an error.
func (c *compiler) disabled(packs []*pack, disable []string) map[string]bool {
	all := map[string]bool{}
	for _, pk := range packs {
		for _, r := range pk.Rules {
			all[r.ID] = true
		}
	}
	off := map[string]bool{}
	for _, id := range disable {
		if !all[id] {
			c.errs = append(c.errs, fmt.Errorf("disable %q: no such rule: %w", id, recruitscan.ErrInvalid))
		}
		off[id] = true
	}
	for _, pk := range packs {
		for _, id := range pk.Disable {
			if !all[id] {
				c.errorf(pk.File, pk.disableLine, "disable %q: no such rule", id)
			}
			off[id] = true
		}
	}
	return off
}

func (c *compiler) checkRefs(pk *pack) {
	for _, ref := range pk.refs {
		if _, ok := c.lists[ref.name]; !ok {
			c.errs = append(c.errs, &PosError{File: pk.File, Line: ref.line, Col: ref.col, Msg: fmt.Sprintf("unknown list $%s", ref.name)})
		}
	}
}

func (c *compiler) add(r *Rule, off map[string]bool) {
	if r.ID == "" {
		return
	}
	if prev, dup := c.rs.byID[r.ID]; dup {
		c.ruleErrorf(r, "duplicate rule id %q (first at %s:%d)", r.ID, prev.File, prev.Line)
		return
	}
	c.rs.byID[r.ID] = r
	if off[r.ID] {
		return
	}
	r.index = len(c.rs.rules)
	c.rs.rules = append(c.rs.rules, r)
}

// expand replaces "$list" entries by the list's phrases.
func (c *compiler) expand(in []string) []string {
	var out []string
	for _, s := range in {
		if strings.HasPrefix(s, "$") {
			out = append(out, c.lists[s[1:]].items...)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (c *compiler) patternsOf(r *Rule) {
	r.RegexNeed = make([]*Prefilter, len(r.Regex))
	for i, re := range r.Regex {
		r.RegexNeed[i] = NewPrefilter(re.String())
	}
	c.addAll(r, RolePhrase, r.Phrases)
	c.addAll(r, RoleTrigger, r.Trigger)
	if r.Near != nil {
		c.addAll(r, RoleNearA, r.Near.A)
		c.addAll(r, RoleNearB, r.Near.B)
	}
	if r.Unless != nil {
		// Negations are not automaton patterns: they are checked only
		// around a candidate match, so short words like "no" or "ما" cost
		// nothing on the hot path.
		r.Unless.before = c.negSet(r.Unless.Before, &r.Unless.maxWords)
		r.Unless.after = c.negSet(r.Unless.After, &r.Unless.maxWords)
		r.Unless.idioms = c.idioms()
	}
}

// idioms compiles the $notneg list once; nil when no pack defines it.
func (c *compiler) idioms() *idioms {
	if c.notneg == nil {
		l, ok := c.lists["notneg"]
		if !ok {
			return nil
		}
		c.notneg = &idioms{}
		c.notneg.set = c.negSet(l.items, &c.notneg.maxWords)
	}
	return c.notneg
}

func (c *compiler) negSet(phrases []string, maxWords *int) phraseSet {
	var m phraseSet
	for _, ph := range c.expand(phrases) {
		n := norm.String(ph)
		if n == "" {
			continue
		}
		m.add(n)
		*maxWords = max(*maxWords, strings.Count(n, " ")+1)
	}
	return m
}

func (c *compiler) addAll(r *Rule, role Role, phrases []string) {
	for _, ph := range c.expand(phrases) {
		prefix := strings.HasSuffix(ph, "*")
		n := norm.String(strings.TrimSuffix(ph, "*"))
		if n == "" {
			c.ruleErrorf(r, "rule %s: phrase %q is empty after normalisation", r.ID, ph)
			continue
		}
		ref := PatternRef{Rule: int32(r.index), Role: role, Prefix: prefix}
		c.addPattern(n, ref)
		// "free visa" also as "#freevisa", "free-visa": short key terms
		// only, as hashtags are (phrases, not proximity parts or
		// triggers); more would just grow the automaton.
		if joined := strings.ReplaceAll(n, " ", ""); role == RolePhrase && joined != n && isLatin(n) && strings.Count(n, " ") <= 2 && len(joined) <= maxJoined {
			c.addPattern(joined, ref)
		}
	}
}

func (c *compiler) addPattern(n string, ref PatternRef) {
	id, ok := c.index[n]
	if !ok {
		id = len(c.rs.patterns)
		c.index[n] = id
		c.rs.patterns = append(c.rs.patterns, n)
		c.rs.refs = append(c.rs.refs, nil)
	}
	for _, r := range c.rs.refs[id] {
		if r == ref {
			return
		}
	}
	c.rs.refs[id] = append(c.rs.refs[id], ref)
}

// maxJoined bounds the length of a phrase's joined-up variant.
const maxJoined = 20

func isLatin(s string) bool {
	for _, r := range s {
		if r >= 0x250 && unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// build compiles one automaton per script group: a single automaton over
// every script's patterns has tens of thousands of states and a transition
// table far larger than the CPU cache; split, each is small and fast, and
// an ad only pays for the scripts it is written in.
func (c *compiler) build() {
	groups := map[script][]int{}
	for id, p := range c.rs.patterns {
		sc := patternScript(p)
		groups[sc] = append(groups[sc], id)
	}
	for sc := script(0); sc < numScripts; sc++ {
		ids := groups[sc]
		if len(ids) == 0 {
			continue
		}
		ps := make([]string, len(ids))
		for i, id := range ids {
			ps[i] = c.rs.patterns[id]
		}
		a := buildAutomaton(ps)
		c.rs.autos = append(c.rs.autos, scriptAuto{script: sc, auto: a, ids: ids})
	}
}
