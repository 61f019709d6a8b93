package classifier

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/recruitscan/recruitscan/rules"
)

// maxMatchesPerRule bounds the hits one rule reports for one ad.
const maxMatchesPerRule = 8

// evaluate turns occurrences into matches per rule: phrases, proximity and
// regexes, minus negated ones; then composites in dependency order.
func evaluate(rs *rules.RuleSet, fields []field, o *occurrences) map[int][]match {
	out := map[int][]match{}
	for idx, ro := range o.byRule {
		if ro == nil {
			continue
		}
		r := rs.Rules()[idx]
		ms := phraseMatches(int(idx), ro)
		ms = append(ms, nearMatches(int(idx), r, fields, ro)...)
		ms = keepUnnegated(r, fields, ms)
		if len(ms) > 0 {
			out[int(idx)] = ms
		}
	}
	for idx, ro := range o.byRule {
		if ro == nil {
			continue
		}
		r := rs.Rules()[idx]
		if len(r.Regex) == 0 || len(ro.roles[rules.RoleTrigger]) == 0 {
			continue
		}
		ms := regexMatches(r, fields, ro.roles[rules.RoleTrigger])
		ms = keepUnnegated(r, fields, ms)
		if len(ms) > 0 {
			out[int(idx)] = append(out[int(idx)], ms...)
		}
	}
	for idx, ms := range out {
		out[idx] = dedupe(ms)
	}
	composites(rs, out)
	return out
}

func phraseMatches(idx int, ro *ruleOccs) []match {
	var ms []match
	for _, oc := range ro.roles[rules.RolePhrase] {
		ms = append(ms, match{idx, oc.field, oc.start, oc.end})
	}
	return ms
}

// nearMatches pairs A and B occurrences in the same field no more than
// Within words apart. Each A keeps its first partner whose pair is not
// negated, so a negation near one partner ("tak perlu pengalaman, bayar
// yuran RM4,500 dahulu") does not hide another ("RM4,500 dahulu").
func nearMatches(idx int, r *rules.Rule, fields []field, ro *ruleOccs) []match {
	if r.Near == nil {
		return nil
	}
	var ms []match
	for _, a := range ro.roles[rules.RoleNearA] {
		text := fields[a.field].n.Bytes()
		for _, b := range ro.roles[rules.RoleNearB] {
			if a.field != b.field || overlaps(a, b) {
				continue
			}
			m := match{idx, a.field, min(a.start, b.start), max(a.end, b.end)}
			gap := text[min(a.end, b.end):max(a.start, b.start)]
			if wordsIn(gap) > r.Near.Within || negatedInside(r.Unless, gap) {
				continue
			}
			if r.Unless != nil && negated(r.Unless, text, m) {
				continue
			}
			ms = append(ms, m)
			break
		}
	}
	return ms
}

// negatedInside reports a before-negation between the two parts of a
// proximity match ("passport ... hindi namin kukunin": we will NOT take).
func negatedInside(u *rules.Unless, gap []byte) bool {
	if u == nil {
		return false
	}
	ws := bytes.Fields(gap)
	for i := range ws {
		for l := 1; l <= u.MaxWords() && i+l <= len(ws); l++ {
			if u.NegatedBefore(bytes.Join(ws[i:i+l], []byte{' '})) && !idiomIn(u, ws, i, i+l) {
				return true
			}
		}
	}
	return false
}

func overlaps(a, b occ) bool { return a.start < b.end && b.start < a.end }

// wordsIn counts the words of a gap between two matches.
func wordsIn(gap []byte) int {
	if bytes.IndexByte(gap, '\n') >= 0 {
		return 1 << 20 // never across a sentence or line break
	}
	g := bytes.TrimSpace(gap)
	if len(g) == 0 {
		return 0
	}
	return bytes.Count(g, []byte{' '}) + 1
}

// regexWindow is how far around a trigger a rule's regexes look: the
// structured thing (an age, hours, a licence number) sits next to it.
const regexWindow = 80

// regexPrefilter turns on the regexes' prefilters (rules.Prefilter): off
// only in tests, which check that it changes no verdict.
var regexPrefilter = true

// regexMatches runs a rule's regexes around each trigger, within its
// sentence, once per window; a regex runs only on a window that holds
// what every match of it holds (its prefilter: literals, a digit).
func regexMatches(r *rules.Rule, fields []field, triggers []occ) []match {
	var ms []match
	for _, sp := range regexWindows(fields, triggers) {
		b := fields[sp.field].n.Bytes()
		w := b[sp.start:sp.end]
		in := rules.BytesIn(w)
		for i, re := range r.Regex {
			if regexPrefilter && !r.RegexNeed[i].MayMatch(w, &in) {
				continue // the window lacks a literal every match holds
			}
			for _, loc := range re.FindAllIndex(w, maxMatchesPerRule) {
				if loc[0] < loc[1] {
					ms = append(ms, match{r.Index(), sp.field, sp.start + loc[0], sp.start + loc[1]})
				}
			}
		}
	}
	return ms
}

// regexWindows are the windows around triggers, merged: windows of
// nearby triggers overlap ("pay the fee, deposit 50k"), and merged, each
// byte is searched once.
func regexWindows(fields []field, triggers []occ) []occ {
	spans := make([]occ, 0, len(triggers))
	for _, t := range triggers {
		s, e := regexSpan(fields[t.field].n.Bytes(), t)
		spans = append(spans, occ{t.field, s, e})
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].field != spans[j].field {
			return spans[i].field < spans[j].field
		}
		return spans[i].start < spans[j].start
	})
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && merged[n-1].field == sp.field && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// regexSpan is the window around a trigger: regexWindow bytes each side,
// within the sentence, on rune boundaries.
func regexSpan(b []byte, t occ) (int, int) {
	s := max(bytes.LastIndexByte(b[:t.start], '\n')+1, t.start-regexWindow)
	for s > 0 && s < len(b) && !utf8.RuneStart(b[s]) {
		s--
	}
	e := len(b)
	if i := bytes.IndexByte(b[t.end:], '\n'); i >= 0 {
		e = t.end + i
	}
	e = min(e, t.end+regexWindow)
	for e < len(b) && !utf8.RuneStart(b[e]) {
		e++
	}
	return s, e
}

// keepUnnegated drops matches with a negation phrase within the window
// before (or after) them in the same sentence.
func keepUnnegated(r *rules.Rule, fields []field, ms []match) []match {
	if r.Unless == nil || len(ms) == 0 {
		return ms
	}
	kept := ms[:0]
	for _, m := range ms {
		if !negated(r.Unless, fields[m.field].n.Bytes(), m) {
			kept = append(kept, m)
		}
	}
	return kept
}

// negated looks at the words of the match's sentence within the window
// (plus the longest negation's length) on each side. Normalised text has
// single spaces between the words of a sentence, so a phrase of several
// words is a plain slice of it: no allocation.
func negated(u *rules.Unless, b []byte, m match) bool {
	span := max(u.Window, u.WindowAfter) + u.MaxWords()
	var buf [16]int
	// A match through a prefix ("magtrabaho" holding "trabaho", "بالعمل"
	// holding "عمل") starts inside its word: the before-window starts at
	// the word's start.
	start := m.start
	for start > 0 && b[start-1] != ' ' && b[start-1] != '\n' {
		start--
	}
	before := wordStartsBefore(b, start, span, buf[:0])
	for i, ws := range before { // i = words between the phrase start and the match
		for l := 1; l <= u.MaxWords() && l <= i+1; l++ {
			we := start - 1
			if i+1-l > 0 {
				we = before[i+1-l-1] - 1
			}
			if i+1-l <= u.Window && we > ws && withClitics(b[ws:we], u.NegatedBefore) && !idiomAround(u, b, ws, we, m) {
				return true
			}
		}
	}
	after := wordEndsAfter(b, m.end, span, buf[:0])
	for i, we := range after {
		for l := 1; l <= u.MaxWords() && l <= i+1; l++ {
			ws := m.end + 1
			if i+1-l > 0 {
				ws = after[i-l] + 1
			}
			if i+1-l <= u.WindowAfter && ws < we && withClitics(b[ws:we], u.NegatedAfter) && !idiomAround(u, b, ws, we, m) {
				return true
			}
		}
	}
	return false
}

// withClitics looks the words up as they are, then, when they start with
// an Arabic proclitic (و ف ب ل ك, ال after one of them or alone), without
// it: "بجواز" is "with a passport", so an unless-list holding "جواز" holds
// it too. Only a stem of three or more letters is looked up, so that "كما"
// (as) does not become the negation "ما".
func withClitics(words []byte, in func([]byte) bool) bool {
	if in(words) {
		return true
	}
	rest := words
	for range 2 {
		switch {
		case len(rest) >= 4 && rest[0] == 0xd8 && rest[1] == 0xa7 && rest[2] == 0xd9 && rest[3] == 0x84: // ال
			rest = rest[4:]
		case len(rest) >= 2 && ((rest[0] == 0xd9 && (rest[1] == 0x88 || rest[1] == 0x81 || rest[1] == 0x84 || rest[1] == 0x83)) || (rest[0] == 0xd8 && rest[1] == 0xa8)): // و ف ل ك ب
			rest = rest[2:]
		default:
			return false
		}
		if utf8.RuneCount(firstWord(rest)) >= 3 && in(rest) {
			return true
		}
	}
	return false
}

func firstWord(b []byte) []byte {
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		return b[:i]
	}
	return b
}

// idiomAround reports whether the negation at b[ws:we] is part of an idiom
// with the words around it ("قبل ما": before), so it negates nothing. An
// idiom that takes in the match itself does not count: in "no less than"
// with the match "no", "less" still cancels it.
func idiomAround(u *rules.Unless, b []byte, ws, we int, m match) bool {
	n := u.IdiomWords() - 1
	if n < 1 {
		return false
	}
	var bb, ab [8]int
	before := wordStartsBefore(b, ws, min(n, len(bb)), bb[:0])
	after := wordEndsAfter(b, we, min(n, len(ab)), ab[:0])
	for p := 0; p <= len(before); p++ {
		start := ws
		if p > 0 {
			start = before[p-1]
		}
		for s := 0; s <= len(after) && p+s <= n; s++ {
			end := we
			if s > 0 {
				end = after[s-1]
			}
			if p+s > 0 && (end <= m.start || start >= m.end) && u.Idiom(b[start:end]) {
				return true
			}
		}
	}
	return false
}

// idiomIn is idiomAround for the words of a proximity gap: ws[i:j] is the
// negation.
func idiomIn(u *rules.Unless, ws [][]byte, i, j int) bool {
	n := u.IdiomWords()
	for a := max(0, j-n); a <= i; a++ {
		for e := j; e <= min(len(ws), a+n); e++ {
			if e-a > j-i && u.Idiom(bytes.Join(ws[a:e], []byte{' '})) {
				return true
			}
		}
	}
	return false
}

// wordStartsBefore returns the start offsets of up to n words before p
// (nearest first), stopping at a sentence break. It expects a space just
// before p, as between words of normalised text.
func wordStartsBefore(b []byte, p, n int, out []int) []int {
	if p == 0 || b[p-1] != ' ' {
		return out
	}
	i := p - 1
	for len(out) < n && i > 0 {
		j := i
		for j > 0 && b[j-1] != ' ' && b[j-1] != '\n' {
			j--
		}
		if j == i {
			break
		}
		out = append(out, j)
		if j == 0 || b[j-1] == '\n' {
			break
		}
		i = j - 1
	}
	return out
}

// wordEndsAfter returns the end offsets of up to n words after p (nearest
// first), stopping at a sentence break.
func wordEndsAfter(b []byte, p, n int, out []int) []int {
	if p >= len(b) || b[p] != ' ' {
		return out
	}
	i := p + 1
	for len(out) < n && i < len(b) {
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\n' {
			j++
		}
		if j == i {
			break
		}
		out = append(out, j)
		if j == len(b) || b[j] == '\n' {
			break
		}
		i = j + 1
	}
	return out
}

// dedupe sorts matches, drops exact duplicates and those contained in a
// longer match of the same rule, and bounds their number.
func dedupe(ms []match) []match {
	sort.Slice(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.field != b.field {
			return a.field < b.field
		}
		if a.start != b.start {
			return a.start < b.start
		}
		return a.end > b.end
	})
	out := ms[:0]
	for _, m := range ms {
		if n := len(out); n > 0 && out[n-1].field == m.field && m.start >= out[n-1].start && m.end <= out[n-1].end {
			continue
		}
		out = append(out, m)
		if len(out) == maxMatchesPerRule {
			break
		}
	}
	return out
}

// composites evaluates the rules with a When, dependencies first. A
// composite's matches are the first match of each id that satisfied it.
func composites(rs *rules.RuleSet, out map[int][]match) {
	for _, idx := range rs.Composites() {
		r := rs.Rules()[idx]
		var ms []match
		ok := true
		for _, id := range r.When.All {
			m, found := present(rs, out, id, idx)
			if !found {
				ok = false
				break
			}
			ms = append(ms, m)
		}
		if !ok {
			continue
		}
		n := 0
		for _, id := range r.When.Any {
			if m, found := present(rs, out, id, idx); found {
				ms = append(ms, m)
				n++
			}
		}
		if n < r.When.MinAny {
			continue
		}
		for i := range ms {
			ms[i].rule = idx
		}
		out[idx] = dedupe(append(out[idx], ms...))
	}
}

// present finds the first match of a rule id, or of an indicator among
// active rules' matches.
func present(rs *rules.RuleSet, out map[int][]match, id string, self int) (match, bool) {
	if r := rs.Rule(id); r != nil {
		ms := out[r.Index()]
		if len(ms) > 0 && rs.Rules()[r.Index()] == r {
			return ms[0], true
		}
		return match{}, false
	}
	best, found := match{}, false
	for idx, ms := range out {
		r := rs.Rules()[idx]
		if idx == self || string(r.Indicator) != id || r.Mode != rules.Active || len(ms) == 0 {
			continue
		}
		if !found || idx < best.rule {
			best, found = ms[0], true
			best.rule = idx
		}
	}
	return best, found
}
