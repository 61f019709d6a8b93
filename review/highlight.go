package review

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/recruitscan/recruitscan"
)

// segment is a run of ad text with the hits that cover it. Templates
// print Text through html/template, so it is always escaped; a segment
// with hits becomes a <mark>, a bidi control becomes a visible label.
type segment struct {
	Text string
	Hits []recruitscan.Hit
	// Bidi is set for a single bidi control character (shown as a label
	// such as "[U+202E RLO]" instead of reordering the text around it).
	Bidi string
	// LTR marks a contact (phone, email, handle, URL): it is isolated
	// left to right, so "+966 50…" does not read "…50 966+" inside RTL text.
	LTR bool
}

// Indicators names the segment's indicators, for data attributes.
func (s segment) Indicators() string {
	var out []string
	for _, h := range s.Hits {
		if !containsString(out, string(h.Indicator)) {
			out = append(out, string(h.Indicator))
		}
	}
	return strings.Join(out, " ")
}

// Rules names the segment's rules, for data attributes.
func (s segment) Rules() string {
	var out []string
	for _, h := range s.Hits {
		out = append(out, h.Rule)
	}
	return strings.Join(out, " ")
}

// Explain is the hover/focus text: each hit's indicator and description.
func (s segment) Explain() string {
	var out []string
	for _, h := range s.Hits {
		d := h.Description
		if d == "" {
			d = h.Rule
		}
		out = append(out, fmt.Sprintf("%s: %s (rule %s)", h.Indicator, d, h.Rule))
	}
	return strings.Join(out, "; ")
}

// Mitigating reports whether every hit of the segment lowers risk.
func (s segment) Mitigating() bool {
	for _, h := range s.Hits {
		if h.Indicator != recruitscan.Mitigating {
			return false
		}
	}
	return len(s.Hits) > 0
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// validSpan reports whether [start, end) is a non-empty span of text on
// rune boundaries: the hit can be placed in the original text.
func validSpan(text string, start, end int) bool {
	if start < 0 || end > len(text) || start >= end {
		return false
	}
	return (start == len(text) || utf8.RuneStart(text[start])) && (end == len(text) || utf8.RuneStart(text[end]))
}

// highlight splits text at the byte offsets of the hits (and contact
// entities) in field and returns the segments and the hits that could not
// be placed (bad spans). Overlapping hits split into segments covered by
// each set of hits.
func highlight(text string, field recruitscan.Field, hits []recruitscan.Hit, ents []recruitscan.Entity) ([]segment, []recruitscan.Hit) {
	var placed, bad []recruitscan.Hit
	cuts := map[int]bool{0: true, len(text): true}
	var ltr [][2]int
	for _, e := range ents {
		if e.Field == field && e.Kind != recruitscan.EntityMoney && validSpan(text, e.Start, e.End) {
			ltr = append(ltr, [2]int{e.Start, e.End})
			cuts[e.Start], cuts[e.End] = true, true
		}
	}
	for _, h := range hits {
		if h.Field != field {
			continue
		}
		if !validSpan(text, h.Start, h.End) {
			bad = append(bad, h)
			continue
		}
		placed = append(placed, h)
		cuts[h.Start], cuts[h.End] = true, true
	}
	bounds := make([]int, 0, len(cuts))
	for c := range cuts {
		bounds = append(bounds, c)
	}
	sort.Ints(bounds)
	var segs []segment
	for i := 0; i+1 < len(bounds); i++ {
		a, b := bounds[i], bounds[i+1]
		var cover []recruitscan.Hit
		for _, h := range placed {
			if h.Start <= a && b <= h.End {
				cover = append(cover, h)
			}
		}
		isLTR := false
		for _, r := range ltr {
			isLTR = isLTR || r[0] <= a && b <= r[1]
		}
		for _, sg := range splitBidi(text[a:b], cover) {
			sg.LTR = isLTR && sg.Bidi == ""
			segs = append(segs, sg)
		}
	}
	return segs, bad
}

// bidiNames are the bidi embedding, override and isolate controls. In ad
// text they could make a phrase read differently from what it says, so
// they are shown as labels and never reach the browser as characters.
var bidiNames = map[rune]string{
	'\u202A': "LRE", '\u202B': "RLE", '\u202C': "PDF", '\u202D': "LRO", '\u202E': "RLO",
	'\u2066': "LRI", '\u2067': "RLI", '\u2068': "FSI", '\u2069': "PDI",
}

// splitBidi cuts s around bidi controls; each control becomes its own
// labelled segment carrying the same hits.
func splitBidi(s string, hits []recruitscan.Hit) []segment {
	var out []segment
	start := 0
	for i, r := range s {
		name, ok := bidiNames[r]
		if !ok {
			continue
		}
		if i > start {
			out = append(out, segment{Text: s[start:i], Hits: hits})
		}
		out = append(out, segment{Hits: hits, Bidi: fmt.Sprintf("[U+%04X %s]", r, name)})
		start = i + utf8.RuneLen(r)
	}
	if start < len(s) {
		out = append(out, segment{Text: s[start:], Hits: hits})
	}
	return out
}

// inert makes a short ad-derived string (a title in a list) safe to show
// in running text: bidi controls become labels, other controls are
// dropped, and invalid UTF-8 is replaced. html/template escapes the rest.
func inert(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		if name, ok := bidiNames[r]; ok {
			fmt.Fprintf(&b, "[U+%04X %s]", r, name)
			continue
		}
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
