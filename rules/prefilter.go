package rules

import (
	"bytes"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Prefilter is a necessary condition for a regex to match: a formula
// (AND/OR) over literal byte strings, every one of which a match of the
// regex must contain where the formula demands it, as RE2's prefilter.
// A text where the formula is false cannot hold a match, so the regex need
// not run on it. A nil *Prefilter demands nothing.
//
// The formula is computed from the regex's syntax tree and is
// conservative: whatever it does not model (a repetition that may be
// empty, a large character class, any character) demands nothing.
type Prefilter struct {
	op   pfOp
	subs []*Prefilter // pfAnd, pfOr
	set  ByteSet      // pfLits: the single-byte literals
	lits []pfLit      // pfLits: the longer ones
}

type pfOp uint8

const (
	pfLits pfOp = iota // any one of the literals
	pfAnd
	pfOr
)

type pfLit struct {
	s    []byte
	mask ByteSet // the bytes of s: a text lacking one cannot contain s
}

// ByteSet is a set of byte values.
type ByteSet [4]uint64

// BytesIn returns the set of byte values in b.
func BytesIn(b []byte) ByteSet {
	var s ByteSet
	for _, c := range b {
		s[c>>6] |= 1 << (c & 63)
	}
	return s
}

func (s *ByteSet) add(c byte) { s[c>>6] |= 1 << (c & 63) }

func (s *ByteSet) meets(t *ByteSet) bool {
	return s[0]&t[0]|s[1]&t[1]|s[2]&t[2]|s[3]&t[3] != 0
}

func (s *ByteSet) holds(t *ByteSet) bool {
	return s[0]&t[0] == t[0] && s[1]&t[1] == t[1] && s[2]&t[2] == t[2] && s[3]&t[3] == t[3]
}

// MayMatch reports whether b meets the formula: false means the regex has
// no match in b. in must be BytesIn(b).
func (p *Prefilter) MayMatch(b []byte, in *ByteSet) bool {
	if p == nil {
		return true
	}
	switch p.op {
	case pfAnd:
		for _, s := range p.subs {
			if !s.MayMatch(b, in) {
				return false
			}
		}
		return true
	case pfOr:
		for _, s := range p.subs {
			if s.MayMatch(b, in) {
				return true
			}
		}
		return false
	}
	if in.meets(&p.set) {
		return true
	}
	for i := range p.lits {
		if l := &p.lits[i]; in.holds(&l.mask) && bytes.Contains(b, l.s) {
			return true
		}
	}
	return false
}

// String shows the formula: literals of an OR in parentheses separated by
// "|", AND as juxtaposition, single bytes in brackets; "*" for nil.
func (p *Prefilter) String() string {
	if p == nil {
		return "*"
	}
	var parts []string
	switch p.op {
	case pfAnd:
		for _, s := range p.subs {
			parts = append(parts, s.String())
		}
		return strings.Join(parts, " ")
	case pfOr:
		for _, s := range p.subs {
			parts = append(parts, s.String())
		}
		return "{" + strings.Join(parts, " OR ") + "}"
	}
	if p.set != (ByteSet{}) {
		var cs []byte
		for c := 0; c < 256; c++ {
			if p.set[c>>6]&(1<<(c&63)) != 0 {
				cs = append(cs, byte(c))
			}
		}
		parts = append(parts, "["+byteRanges(cs)+"]")
	}
	for _, l := range p.lits {
		parts = append(parts, quoteLit(string(l.s)))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, "|") + ")"
}

func byteRanges(cs []byte) string {
	var sb strings.Builder
	for i := 0; i < len(cs); {
		j := i
		for j+1 < len(cs) && cs[j+1] == cs[j]+1 {
			j++
		}
		sb.WriteString(quoteLit(string(cs[i])))
		if j > i+1 {
			sb.WriteString("-")
		}
		if j > i {
			sb.WriteString(quoteLit(string(cs[j])))
		}
		i = j + 1
	}
	return sb.String()
}

func quoteLit(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// Limits that keep a formula small and quick to test.
const (
	pfMaxSet   = 64 // strings in one exact set or one OR of literals
	pfMaxCross = 16 // strings in a cross product of two sets
	pfMaxLit   = 16 // bytes kept of a literal (a prefix is also required)
	pfMaxClass = 64 // runes of a character class still enumerated
	pfMaxNodes = 64 // children of one AND or OR
)

// NewPrefilter returns the prefilter of a regex (syntax.Perl flags, as
// regexp.Compile), or nil when it demands nothing or does not parse.
func NewPrefilter(expr string) *Prefilter {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	n := pfInfoOf(re).node()
	if needsDigit(re) && !n.digit() {
		// The formula's limits may have dropped what needsDigit sees: the
		// prefilter never demands less than a digit.
		n = pfAnd2(n, pfLitsNode(digits()))
	}
	return n.compile()
}

// pfNode is a formula while it is built.
type pfNode struct {
	op   pfOp
	subs []*pfNode // pfAnd, pfOr
	lits []string  // pfLits: sorted, none contains another
}

// pfInfo describes a subexpression: either exactly the (small, finite) set
// of strings it matches, or a formula its matches meet.
type pfInfo struct {
	exact   []string // when isExact: sorted, without duplicates
	isExact bool
	match   *pfNode // when !isExact; nil demands nothing
}

func exactOf(s ...string) pfInfo {
	slices.Sort(s)
	return pfInfo{exact: slices.Compact(s), isExact: true}
}

var anything = pfInfo{}

// node is the formula an info demands.
func (in pfInfo) node() *pfNode {
	if in.isExact {
		return pfLitsNode(in.exact)
	}
	return in.match
}

func pfInfoOf(re *syntax.Regexp) pfInfo {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactOf("")
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			subs := make([]pfInfo, len(re.Rune))
			for i, r := range re.Rune {
				subs[i] = foldInfo(r)
			}
			return pfConcat(subs)
		}
		var sb strings.Builder
		for _, r := range re.Rune {
			if !plainRune(r) {
				return anything
			}
			sb.WriteRune(r)
		}
		return exactOf(sb.String())
	case syntax.OpCharClass:
		return classInfo(re.Rune)
	case syntax.OpCapture:
		return pfInfoOf(re.Sub[0])
	case syntax.OpQuest:
		sub := pfInfoOf(re.Sub[0])
		if sub.isExact && len(sub.exact) < pfMaxSet {
			return exactOf(append(slices.Clone(sub.exact), "")...)
		}
		return anything
	case syntax.OpPlus:
		return pfInfo{match: pfInfoOf(re.Sub[0]).node()}
	case syntax.OpRepeat:
		if re.Min > 0 {
			return pfInfo{match: pfInfoOf(re.Sub[0]).node()}
		}
		return anything
	case syntax.OpConcat:
		subs := make([]pfInfo, len(re.Sub))
		for i, s := range re.Sub {
			subs[i] = pfInfoOf(s)
		}
		return pfConcat(subs)
	case syntax.OpAlternate:
		return pfAlternate(re.Sub)
	}
	// OpAnyChar, OpAnyCharNotNL, OpStar, OpNoMatch and the rest.
	return anything
}

// plainRune reports whether r matches only its own UTF-8 encoding: the
// regexp engine reads an invalid input byte as utf8.RuneError, so that
// rune matches bytes that are not its encoding.
func plainRune(r rune) bool {
	return utf8.ValidRune(r) && r != utf8.RuneError
}

// foldInfo is the set of runes a case-folded literal rune matches.
func foldInfo(r rune) pfInfo {
	out := []string{}
	f := r
	for {
		if !plainRune(f) {
			return anything
		}
		out = append(out, string(f))
		if f = unicode.SimpleFold(f); f == r {
			break
		}
	}
	return exactOf(out...)
}

func classInfo(ranges []rune) pfInfo {
	n := 0
	for i := 0; i+1 < len(ranges); i += 2 {
		n += int(ranges[i+1]-ranges[i]) + 1
		if n > pfMaxClass {
			return anything
		}
	}
	if n == 0 {
		return anything
	}
	out := make([]string, 0, n)
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			if !plainRune(r) {
				return anything
			}
			out = append(out, string(r))
		}
	}
	return exactOf(out...)
}

// pfConcat joins consecutive exact sets into their cross product while it
// stays small; a set that would grow too big becomes a requirement (its
// strings, one of which must occur) and a new product starts.
func pfConcat(subs []pfInfo) pfInfo {
	cur := []string{""}
	exact := true
	var match *pfNode
	for _, s := range subs {
		if s.isExact && (len(cur) == 1 || len(cur)*len(s.exact) <= pfMaxCross) {
			cur = cross(cur, s.exact)
			continue
		}
		exact = false
		match = pfAnd2(match, pfLitsNode(cur))
		if s.isExact {
			cur = s.exact
			continue
		}
		cur = []string{""}
		match = pfAnd2(match, s.match)
	}
	if exact {
		return exactOf(cur...)
	}
	return pfInfo{match: pfAnd2(match, pfLitsNode(cur))}
}

func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func pfAlternate(subs []*syntax.Regexp) pfInfo {
	infos := make([]pfInfo, len(subs))
	exact := true
	var all []string
	for i, s := range subs {
		infos[i] = pfInfoOf(s)
		if !infos[i].isExact {
			exact = false
		}
		all = append(all, infos[i].exact...)
	}
	if exact {
		if in := exactOf(all...); len(in.exact) <= pfMaxSet {
			return in
		}
	}
	n := infos[0].node()
	for _, in := range infos[1:] {
		n = pfOr2(n, in.node())
	}
	return pfInfo{match: n}
}

// pfLitsNode demands one of the strings. A string that contains another
// is dropped (the other is the weaker demand, and enough); each is cut to
// pfMaxLit bytes (its prefix is also a demand). The empty string, or too
// many strings, demand nothing.
func pfLitsNode(set []string) *pfNode {
	if slices.Contains(set, "") {
		return nil
	}
	keep := minimal(set)
	for i, s := range keep {
		keep[i] = s[:min(len(s), pfMaxLit)]
	}
	keep = minimal(keep)
	if len(keep) > pfMaxSet {
		return nil
	}
	return &pfNode{op: pfLits, lits: keep}
}

// minimal returns the strings of set that contain no other, sorted.
func minimal(set []string) []string {
	byLen := slices.Clone(set)
	slices.SortFunc(byLen, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	var keep []string
	for _, s := range byLen {
		if !slices.ContainsFunc(keep, func(k string) bool { return strings.Contains(s, k) }) {
			keep = append(keep, s)
		}
	}
	slices.Sort(keep)
	return keep
}

func pfAnd2(a, b *pfNode) *pfNode {
	var subs []*pfNode
	for _, n := range []*pfNode{a, b} {
		switch {
		case n == nil:
		case n.op == pfAnd:
			subs = append(subs, n.subs...)
		default:
			subs = append(subs, n)
		}
	}
	subs = dedupe(subs)
	switch {
	case len(subs) == 0:
		return nil
	case len(subs) == 1:
		return subs[0]
	case len(subs) > pfMaxNodes:
		subs = subs[:pfMaxNodes] // demanding less is safe
	}
	return &pfNode{op: pfAnd, subs: subs}
}

func pfOr2(a, b *pfNode) *pfNode {
	if a == nil || b == nil {
		return nil
	}
	if a.op == pfLits && b.op == pfLits {
		return pfLitsNode(append(slices.Clone(a.lits), b.lits...))
	}
	var subs []*pfNode
	for _, n := range []*pfNode{a, b} {
		if n.op == pfOr {
			subs = append(subs, n.subs...)
		} else {
			subs = append(subs, n)
		}
	}
	subs = dedupe(subs)
	if len(subs) > pfMaxNodes {
		return nil
	}
	if len(subs) == 1 {
		return subs[0]
	}
	return &pfNode{op: pfOr, subs: subs}
}

func dedupe(ns []*pfNode) []*pfNode {
	seen := map[string]bool{}
	out := ns[:0]
	for _, n := range ns {
		if k := n.key(); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

func (n *pfNode) key() string {
	if n == nil {
		return "*"
	}
	var sb strings.Builder
	sb.WriteByte("LAO"[n.op])
	sb.WriteByte('(')
	for _, l := range n.lits {
		sb.WriteString(strconv.Quote(l))
	}
	for _, s := range n.subs {
		sb.WriteString(s.key())
	}
	sb.WriteByte(')')
	return sb.String()
}

// digit reports whether every text meeting n holds an ASCII digit.
func (n *pfNode) digit() bool {
	if n == nil {
		return false
	}
	switch n.op {
	case pfAnd:
		return slices.ContainsFunc(n.subs, (*pfNode).digit)
	case pfOr:
		return !slices.ContainsFunc(n.subs, func(s *pfNode) bool { return !s.digit() })
	}
	return !slices.ContainsFunc(n.lits, func(l string) bool {
		return !strings.ContainsAny(l, "0123456789")
	})
}

func digits() []string {
	out := make([]string, 10)
	for i := range out {
		out[i] = string(rune('0' + i))
	}
	return out
}

// compile turns n into its Prefilter: single bytes into a ByteSet, and an
// AND's cheapest, most often false parts first.
func (n *pfNode) compile() *Prefilter {
	if n == nil {
		return nil
	}
	p := &Prefilter{op: n.op}
	if n.op == pfLits {
		for _, l := range n.lits {
			if len(l) == 1 {
				p.set.add(l[0])
				continue
			}
			pl := pfLit{s: []byte(l)}
			for i := 0; i < len(l); i++ {
				pl.mask.add(l[i])
			}
			p.lits = append(p.lits, pl)
		}
		return p
	}
	for _, s := range n.subs {
		p.subs = append(p.subs, s.compile())
	}
	if n.op == pfAnd {
		slices.SortStableFunc(p.subs, func(a, b *Prefilter) int { return a.cost() - b.cost() })
	}
	return p
}

// cost ranks a formula by the work to test it.
func (p *Prefilter) cost() int {
	if p.op == pfLits {
		return len(p.lits)
	}
	c := 1
	for _, s := range p.subs {
		c += s.cost()
	}
	return c
}

// needsDigit reports whether every match of re holds an ASCII digit.
func needsDigit(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r >= '0' && r <= '9' {
				return true
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] < '0' || re.Rune[i+1] > '9' {
				return false
			}
		}
		return len(re.Rune) > 0
	case syntax.OpCapture, syntax.OpPlus:
		return needsDigit(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min > 0 && needsDigit(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if needsDigit(sub) {
				return true
			}
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !needsDigit(sub) {
				return false
			}
		}
		return len(re.Sub) > 0
	}
	return false
}
