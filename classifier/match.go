package classifier

import (
	"unicode"
	"unicode/utf8"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// field is one normalised field of an ad.
type field struct {
	name recruitscan.Field
	orig string
	n    *norm.Text
}

// occ is one occurrence of a pattern for a rule, in normalised offsets.
type occ struct {
	field      int
	start, end int
}

// match is a rule's matched span (normalised offsets) before it becomes a
// Hit.
type match struct {
	rule       int
	field      int
	start, end int
}

// occurrences maps each rule to its pattern occurrences, by role. It is
// reused from ad to ad (reset), so its slices keep their capacity.
type occurrences struct {
	byRule  []*ruleOccs // by rule index; nil when the rule has no occurrence
	slab    []*ruleOccs // every ruleOccs ever handed out, the first n in use
	n       int
	touched []int32
	matches []rules.Match // the automata's output, reused field to field
}

type ruleOccs struct {
	roles [rules.NumRoles][]occ
}

func newOccurrences(rs *rules.RuleSet) *occurrences {
	return &occurrences{byRule: make([]*ruleOccs, len(rs.Rules()))}
}

// of returns the occurrences of rule, creating them on first use.
func (o *occurrences) of(rule int32) *ruleOccs {
	if ro := o.byRule[rule]; ro != nil {
		return ro
	}
	if o.n == len(o.slab) {
		o.slab = append(o.slab, &ruleOccs{})
	}
	ro := o.slab[o.n]
	o.n++
	for i := range ro.roles {
		ro.roles[i] = ro.roles[i][:0]
	}
	o.byRule[rule] = ro
	o.touched = append(o.touched, rule)
	return ro
}

// reset empties o for the next ad.
func (o *occurrences) reset() {
	for _, r := range o.touched {
		o.byRule[r] = nil
	}
	o.touched = o.touched[:0]
	o.n = 0
	if cap(o.matches) > 1<<14 {
		o.matches = nil // a huge ad's buffer is not kept in the pool
	}
}

// scan runs the automaton over every field and keeps the occurrences that
// sit on word boundaries.
func scan(rs *rules.RuleSet, fields []field) *occurrences {
	o := newOccurrences(rs)
	scanInto(rs, fields, o)
	return o
}

// scanInto is scan into an empty (new or reset) o.
func scanInto(rs *rules.RuleSet, fields []field, o *occurrences) {
	for fi, f := range fields {
		b := f.n.Bytes()
		o.matches = rs.AppendMatches(o.matches[:0], b)
		for _, m := range o.matches {
			if !leftBoundary(b, m.Start, m.End) {
				continue
			}
			end, rightOK := rightBoundary(b, m.Start, m.End)
			for _, ref := range rs.Refs(m.PatternID) {
				if !rightOK && !ref.Prefix {
					continue
				}
				e := m.End
				if rightOK {
					e = end // through an accepted suffix: "years" not "year|s", so after-windows see the next word
				}
				ro := o.of(ref.Rule)
				ro.roles[ref.Role] = append(ro.roles[ref.Role], occ{fi, m.Start, e})
			}
		}
	}
}

// leftBoundary accepts a match at the start of a word, or after a clitic
// of the script's own kind (Arabic و ف ب ل ك ال, Ethiopic በ ለ የ ከ,
// Indonesian/Malay di- ber- ter-, Tagalog mag- nag- with a reduplicated
// syllable: "magtatago" holds "tago").
func leftBoundary(b []byte, s, e int) bool {
	if s == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRune(b[:s])
	if !norm.IsWordRune(r) {
		return true
	}
	ws := s
	for ws > 0 {
		r, size := utf8.DecodeLastRune(b[:ws])
		if !norm.IsWordRune(r) {
			break
		}
		ws -= size
	}
	first, _ := utf8.DecodeRune(b[s:])
	if first < 0x250 {
		return latinPrefix(string(b[ws:s]), b[s:e])
	}
	return allowedPrefix(first, string(b[ws:s]))
}

// minAffixed is the shortest Latin pattern (in bytes) that may take an
// Indonesian/Malay/Tagalog affix: short words would match inside others.
const minAffixed = 4

// latinPrefix accepts an Indonesian/Malay or Tagalog verbal prefix before
// a pattern of at least minAffixed bytes, optionally followed by the
// reduplicated first syllable of the stem (Tagalog future/progressive).
func latinPrefix(prefix string, pat []byte) bool {
	if len(pat) < minAffixed || len(prefix) == 0 {
		return false
	}
	if latinPrefixes[prefix] {
		return true
	}
	for _, n := range []int{2, 1} { // "ta" of "tago", "i" of "iwan"
		// The syllable alone ("hahawak", "tatabi") or after a prefix ("magtatago").
		if len(prefix) >= n && prefix[len(prefix)-n:] == string(pat[:n]) && (len(prefix) == n || latinPrefixes[prefix[:len(prefix)-n]]) {
			return true
		}
	}
	return false
}

// rightBoundary accepts a match at the end of a word or before a suffix of
// the script's own kind (plural s, Arabic pronoun suffixes, Bengali case
// endings, Nepali postpositions), and returns where the word ends.
func rightBoundary(b []byte, s, e int) (int, bool) {
	if e >= len(b) {
		return e, true
	}
	r, _ := utf8.DecodeRune(b[e:])
	if !norm.IsWordRune(r) {
		return e, true
	}
	we := e
	for we < len(b) {
		r, size := utf8.DecodeRune(b[we:])
		if !norm.IsWordRune(r) {
			break
		}
		we += size
	}
	last, _ := utf8.DecodeLastRune(b[s:e])
	return we, allowedSuffix(last, string(b[e:we]), e-s)
}

var (
	arabicPrefixes = set("و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "وب", "ول", "س", "وس")
	arabicSuffixes = set("ه", "ها", "هم", "هن", "ك", "كم", "ي", "نا", "ات", "ين", "ون", "ان", "ا", "و", "يه", "هات", "تها", "تين", "ت")
	latinSuffixes  = set("s", "es", "nya", "ng")
	// Indonesian/Malay (-kan -an -i -lah -nya -ku -mu) and Tagalog (-an -in -han -hin)
	// suffixes, only after patterns of at least minAffixed bytes.
	latinLongSuffixes = set("kan", "an", "i", "lah", "ku", "mu", "in", "han", "hin", "kanlah")
	// Indonesian/Malay and Tagalog verbal prefixes.
	latinPrefixes = set("di", "me", "mem", "men", "meng", "meny", "ber", "be", "ter", "ke", "se", "pe", "pem", "pen", "peng", "per",
		"mag", "nag", "pag", "ma", "na", "pa", "i", "ipa", "ipag", "maki", "naki", "mang", "nang", "pang", "ika", "ka", "mapa", "napa")
	bengaliSuffix  = set("র", "এর", "ের", "য", "যে", "তে", "কে", "টি", "টা", "গুলো", "রা", "দের", "ও", "ই", "ে", "েই", "ের", "ে়", "ি")
	nepaliSuffix   = set("मा", "को", "का", "की", "ले", "लाई", "हरू", "हरु", "बाट", "सँग", "मै")
	ethiopicPrefix = set("በ", "ለ", "የ", "ከ", "ስለ", "እንደ", "ለነ", "ወደ")
)

func set(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

func allowedPrefix(first rune, prefix string) bool {
	switch {
	case unicode.Is(unicode.Arabic, first):
		return arabicPrefixes[prefix]
	case unicode.Is(unicode.Ethiopic, first):
		return ethiopicPrefix[prefix]
	}
	return false
}

func allowedSuffix(last rune, suffix string, patLen int) bool {
	switch {
	case last < 0x250:
		return latinSuffixes[suffix] || (patLen >= minAffixed && latinLongSuffixes[suffix])
	case unicode.Is(unicode.Arabic, last):
		return arabicSuffixes[suffix]
	case unicode.Is(unicode.Bengali, last):
		return bengaliSuffix[suffix] || utf8.RuneCountInString(suffix) <= 2
	case unicode.Is(unicode.Devanagari, last):
		return nepaliSuffix[suffix]
	case unicode.Is(unicode.Sinhala, last), unicode.Is(unicode.Ethiopic, last):
		return utf8.RuneCountInString(suffix) <= 3
	}
	return false
}
