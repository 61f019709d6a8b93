package rules

import (
	"regexp"

	"github.com/recruitscan/recruitscan"
)

// Mode says how a rule's matches count.
type Mode string

// Modes.
const (
	// Active rules' hits count toward the score and are shown to reviewers.
	Active Mode = "active"
	// Shadow rules are computed and reported, never counted or queued: a
	// way to try a rule on live traffic before trusting it.
	Shadow Mode = "shadow"
	// Feature rules are building blocks for composite rules: matched, never
	// reported or counted on their own.
	Feature Mode = "feature"
)

// Rule is one compiled detection rule. A RuleSet's rules are immutable:
// never modify one.
type Rule struct {
	ID          string
	Indicator   recruitscan.Indicator
	Languages   []string // languages the patterns are written in; "any" for all
	Description string   // English, shown to reviewers
	References  []string // sources and rationale
	Weight      float64
	Mode        Mode
	// Offsets names the indicators a mitigating rule lowers ("no fees"
	// offsets worker_pays_fees, not coercion); empty means the whole score.
	Offsets []recruitscan.Indicator

	Phrases []string         // as written; matched after normalisation at word boundaries
	Regex   []*regexp.Regexp // on normalised text; structured things only
	// RegexNeed[i] is what every match of Regex[i] contains (literals,
	// a digit): a window that lacks it need not be searched (set at
	// compile; nil when it demands nothing).
	RegexNeed []*Prefilter
	// Trigger phrases gate the regexes: they run only on the sentences
	// where a trigger occurs, which keeps regexes off the hot path.
	Trigger []string
	Near    *Near   // proximity: a phrase of A within N words of one of B
	Unless  *Unless // negation window that cancels a match
	When    *When   // composite condition over other rules and indicators

	Examples Examples

	Pack string // pack name
	File string // source file
	Line int    // line of the rule in File

	col   int // column of the rule in File
	index int // position in RuleSet.Rules
}

// Index returns the rule's position in its RuleSet's Rules.
func (r *Rule) Index() int { return r.index }

// Near is a proximity condition: a phrase of A and a phrase of B no more
// than Within words apart, in either order.
type Near struct {
	A, B   []string
	Within int
}

// Unless cancels a match when one of Before occurs within Window words
// before it or one of After within Window words after it ("no fees" is not
// a fee).
type Unless struct {
	Before, After []string
	Window        int
	// WindowAfter, when set, bounds the after-side apart: in verb-final
	// languages a negation right after the match belongs to it, one three
	// words on belongs to the next clause.
	WindowAfter int

	before, after phraseSet // normalised phrases, set at compile
	maxWords      int       // longest phrase in words
	idioms        *idioms   // shared: word groups where a negation word does not negate
}

// idioms are word groups that contain a negation word without negating
// ("قبل ما" is "before", "not only", "no later than"), from the packs'
// $notneg list. One set serves every rule.
type idioms struct {
	set      phraseSet
	maxWords int
}

// phraseSet is a set of normalised phrases. Negation windows ask it about
// every run of words around every candidate match, nearly always in
// vain: a 1,024-bit filter on length and first and last byte answers most
// of those without hashing the words.
type phraseSet struct {
	m      map[string]bool
	filter [16]uint64
}

func phraseKey(p []byte) uint {
	if len(p) == 0 {
		return 0
	}
	return (uint(len(p))*131 + uint(p[0])*31 + uint(p[len(p)-1])) & 1023
}

func (s *phraseSet) add(p string) {
	if s.m == nil {
		s.m = map[string]bool{}
	}
	s.m[p] = true
	k := phraseKey([]byte(p))
	s.filter[k>>6] |= 1 << (k & 63)
}

func (s *phraseSet) has(p []byte) bool {
	k := phraseKey(p)
	return s.filter[k>>6]&(1<<(k&63)) != 0 && s.m[string(p)]
}

// Idiom reports whether the normalised words are a group in which a
// negation word does not negate.
func (u *Unless) Idiom(words []byte) bool { return u.idioms != nil && u.idioms.set.has(words) }

// IdiomWords is the length in words of the longest idiom (0 without any).
func (u *Unless) IdiomWords() int {
	if u.idioms == nil {
		return 0
	}
	return u.idioms.maxWords
}

// NegatedBefore reports whether the normalised phrase is one of the
// rule's before-negations (no copy of the phrase is made).
func (u *Unless) NegatedBefore(phrase []byte) bool { return u.before.has(phrase) }

// NegatedAfter reports whether the normalised phrase is one of the rule's
// after-negations.
func (u *Unless) NegatedAfter(phrase []byte) bool { return u.after.has(phrase) }

// MaxWords is the length in words of the longest negation phrase.
func (u *Unless) MaxWords() int { return u.maxWords }

// When is a composite condition: every id in All and at least MinAny ids of
// Any are present. An id names a rule or an indicator; features count.
type When struct {
	All    []string
	Any    []string
	MinAny int
}

// Examples are texts the rule must and must not match; `recruitscan rules
// test` checks them.
type Examples struct {
	Match   []string
	NoMatch []string
}
