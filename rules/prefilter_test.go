package rules

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/recruitscan/recruitscan/rules/norm"
)

func TestPrefilterFormula(t *testing.T) {
	for _, tc := range []struct{ re, want string }{
		// The brief's examples: the two alternations and the digit.
		{`(?:yuran|fee|fees|biaya) ?:? ?(?:rm|rs|ksh) ?\d`, `[0-9] (biaya|fee|yuran) (ksh|rm|rs)`},
		{`\b\d[\d,.]* ?(?:k |alaf )?(?:riyal|riyals|sar|kd)`, `[0-9] (kd|riyal|sar)`},
		// Cross products while small.
		{`ab(?:c|d)e`, `(abce|abde)`},
		{`x?y`, `[y]`},
		{`\d{3}`, `[0-9]`},
		{`1[4-7]\b`, `(14|15|16|17)`},
		// Whatever may be empty or is too wide demands nothing.
		{`a*`, `*`},
		{`(?:abc)?`, `*`},
		{`.`, `*`},
		{`[a-z]+`, `[a-z]`},
		{`\w+`, `[0-9A-Z_a-z]`},
		{`\S`, `*`},
		{`[^0-9]`, `*`},
		{`^$`, `*`},
		{`\bfoo|bar`, `(bar|foo)`},
		{`foo|.`, `*`},
		{`(?:foo|bar\d)baz`, `(bar0baz|bar1baz|bar2baz|bar3baz|bar4baz|bar5baz|bar6baz|bar7baz|bar8baz|bar9baz|foobaz)`},
		{`(?:foo|bar\d+)baz`, `baz {foo OR [0-9] bar}`},
		{`(?:a+|b)c`, `[ab] [c]`},
		// Case folding: every form a rune takes (k also matches the
		// Kelvin sign, s the long s).
		{`(?i)ok`, "(OK|Ok|O\u212a|oK|ok|o\u212a)"},
		{`(?i)sa`, "(SA|Sa|sA|sa|\u017fA|\u017fa)"},
		// A pattern rune that an invalid input byte would match.
		{`a\x{FFFD}b`, `*`},
		{`a[\x{FFFD}x]b`, `[a] [b]`},
		// Long literals are cut to a prefix.
		{`abcdefghijklmnopqrstuvwxyz`, `abcdefghijklmnop`},
		// Too many alternatives demand nothing, but a digit still counts.
		{`(?:` + manyAlternatives(80) + `)`, `*`},
		{`(?:` + manyAlternatives(80) + `)\d`, `[0-9]`},
	} {
		if got := NewPrefilter(tc.re).String(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.re, got, tc.want)
		}
	}
}

func manyAlternatives(n int) string {
	var alts []string
	for i := 0; i < n; i++ {
		alts = append(alts, string(rune('a'+i%26))+string(rune('a'+i*7%26))+string(rune('A'+i/26)))
	}
	return strings.Join(alts, "|")
}

// trickyRegexes exercise what the packs do not: case folding, empty
// matches, wide classes, nesting.
var trickyRegexes = []string{
	`(?i)fee ?rm\d`, `(?i)kd|sar`, `(?i:ab)c?d`, `a*b?c*`, `(?:ab|cd)*e`,
	`(?:a|b\d|c+)+x`, `\bfoo\b|\Bbar`, `^\d+$`, `(?m)^ab$`, `.{2,}x`,
	`(?:ab){2,3}`, `[^a]b`, `[ab]{0,2}c`, `x(?:y|)z`, `(?s)a.b`,
	`(?:` + manyAlternatives(80) + `)\d`, `\pL\d`, `[\x{FFFD}a]b`,
	`(?i)ſtraße`, `(?:telegram|تلغرام) ?\d{3}`, `a\x{FFFD}b`,
}

// TestPrefilterGenerated checks the prefilters of the built-in and the
// tricky regexes on strings generated from the regexes themselves: every
// one the regex matches (alone or with text around it) the prefilter must
// accept.
func TestPrefilterGenerated(t *testing.T) {
	exprs := append(builtinRegexes(t), trickyRegexes...)
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, expr := range exprs {
		re := regexp.MustCompile(expr)
		p := NewPrefilter(expr)
		sy, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		sy = sy.Simplify()
		matched := 0
		for i := 0; i < 2000; i++ {
			var sb strings.Builder
			sb.WriteString(context(rnd))
			generate(sy, rnd, &sb)
			sb.WriteString(context(rnd))
			for _, s := range []string{sb.String(), strings.TrimSpace(sb.String())} {
				if loc := re.FindStringIndex(s); loc != nil {
					matched++
					assertMayMatch(t, expr, p, s)
					assertMayMatch(t, expr, p, s[loc[0]:loc[1]])
				}
			}
		}
		if matched < 200 {
			t.Errorf("%s: only %d generated strings match", expr, matched)
		}
	}
}

func assertMayMatch(t *testing.T, expr string, p *Prefilter, s string) {
	t.Helper()
	in := BytesIn([]byte(s))
	if !p.MayMatch([]byte(s), &in) {
		t.Errorf("%s matches %q, prefilter %s says skip", expr, s, p)
	}
}

// context is random text to put around a generated match.
func context(rnd *rand.Rand) string {
	words := []string{"", "", " ", "x ", "12 ", " a", "رسوم ", " 5", "\n", "फीस ", "k", "Fee "}
	return words[rnd.IntN(len(words))]
}

// palette is what wide classes and "." produce: mostly what the packs
// look for, so that generated strings match.
var palette = []rune("aekrsz019 ,.:$€-_@\nAK\u017f\u212aعرس٣जमা২ශ්‍ර")

// generate writes a random string the (simplified) regex re may match;
// empty-width assertions are not enforced, the caller checks the result.
func generate(re *syntax.Regexp, rnd *rand.Rand, sb *strings.Builder) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				for n := rnd.IntN(4); n > 0; n-- {
					r = unicode.SimpleFold(r)
				}
			}
			writeRune(sb, r, rnd)
		}
	case syntax.OpCharClass:
		var in []rune
		for _, r := range palette {
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if re.Rune[i] <= r && r <= re.Rune[i+1] {
					in = append(in, r)
				}
			}
		}
		if len(in) > 0 && rnd.IntN(4) > 0 {
			sb.WriteRune(in[rnd.IntN(len(in))])
			return
		}
		i := 2 * rnd.IntN(len(re.Rune)/2)
		lo, hi := re.Rune[i], re.Rune[i+1]
		writeRune(sb, lo+rune(rnd.Int64N(int64(hi-lo)+1)), rnd)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		sb.WriteRune(palette[rnd.IntN(len(palette))])
	case syntax.OpCapture:
		generate(re.Sub[0], rnd, sb)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, 3
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
			if hi < 0 {
				hi = lo + 3
			}
		}
		for n := lo + rnd.IntN(hi-lo+1); n > 0; n-- {
			generate(re.Sub[0], rnd, sb)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			generate(s, rnd, sb)
		}
	case syntax.OpAlternate:
		generate(re.Sub[rnd.IntN(len(re.Sub))], rnd, sb)
	}
}

// writeRune writes r; U+FFFD, which the regexp engine also reads from an
// invalid byte, is sometimes one.
func writeRune(sb *strings.Builder, r rune, rnd *rand.Rand) {
	if r == utf8.RuneError && rnd.IntN(2) == 0 {
		sb.WriteByte(0xff)
		return
	}
	sb.WriteRune(r)
}

func builtinRegexes(t *testing.T) []string {
	rs, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs.Rules() {
		for _, re := range r.Regex {
			out = append(out, re.String())
		}
	}
	if len(out) < 35 {
		t.Fatalf("only %d built-in regexes", len(out))
	}
	return out
}

// TestPrefilterCorpus runs every built-in regex over the pack examples,
// the dev corpus and the probe ads (normalised, as the classifier sees
// them): around every trigger occurrence, on windows like the
// classifier's, the prefilter must never skip one the regex matches; and
// on every line and every match it must accept. It must also skip a good
// share of the trigger windows, or it is useless.
func TestPrefilterCorpus(t *testing.T) {
	rs, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	texts := corpusRaw(t)
	for _, r := range rs.Rules() {
		texts = append(texts, r.Examples.Match...)
		texts = append(texts, r.Examples.NoMatch...)
	}
	var windows, skipped, digitSkipped, matches int
	for _, text := range texts {
		b := norm.Normalize(text).Bytes()
		for _, m := range rs.AppendMatches(nil, b) {
			for _, ref := range rs.Refs(m.PatternID) {
				r := rs.Rules()[ref.Rule]
				if ref.Role != RoleTrigger {
					continue
				}
				lo, hi := windowOf(b, m.Start, m.End)
				w := b[lo:hi]
				for i, re := range r.Regex {
					windows++
					in := BytesIn(w)
					may := r.RegexNeed[i].MayMatch(w, &in)
					if !strings.ContainsAny(string(w), "0123456789") && needsDigitExpr(re.String()) {
						digitSkipped++ // the former test, hasDigit and needsDigit
						if may {
							t.Errorf("%s: %s: the digit test skips %q, the prefilter %s does not", r.ID, re, w, r.RegexNeed[i])
						}
					}
					if may {
						continue
					}
					skipped++
					if re.Match(w) {
						t.Errorf("%s: %s matches %q, prefilter %s says skip", r.ID, re, w, r.RegexNeed[i])
					}
				}
			}
		}
		for _, line := range strings.Split(string(b), "\n") {
			for _, r := range rs.Rules() {
				for i, re := range r.Regex {
					for _, loc := range re.FindAllStringIndex(line, -1) {
						matches++
						assertMayMatch(t, re.String(), r.RegexNeed[i], line)
						assertMayMatch(t, re.String(), r.RegexNeed[i], line[loc[0]:loc[1]])
						assertMayMatch(t, re.String(), r.RegexNeed[i], line[max(loc[0]-3, 0):loc[1]])
					}
				}
			}
		}
	}
	share := float64(skipped) / float64(windows)
	t.Logf("%d texts, %d regex matches; trigger windows: %d regex runs, prefilter skips %d (%.0f%%), the digit test alone %d (%.0f%%)",
		len(texts), matches, windows, skipped, 100*share, digitSkipped, 100*float64(digitSkipped)/float64(windows))
	if matches < 500 {
		t.Errorf("only %d regex matches in the corpus: not a test", matches)
	}
	if share < 0.5 || skipped < 2*digitSkipped {
		t.Errorf("the prefilter skips %.0f%% of windows (the digit test %d of %d): too few", 100*share, digitSkipped, windows)
	}
}

func needsDigitExpr(expr string) bool {
	sy, err := syntax.Parse(expr, syntax.Perl)
	return err == nil && needsDigit(sy.Simplify())
}

// windowOf is the classifier's regex window around [s, e): 80 bytes each
// side within the line, on rune boundaries.
func windowOf(b []byte, s, e int) (int, int) {
	lo := max(strings.LastIndexByte(string(b[:s]), '\n')+1, s-80)
	for lo > 0 && lo < len(b) && b[lo]&0xC0 == 0x80 {
		lo--
	}
	hi := len(b)
	if i := strings.IndexByte(string(b[e:]), '\n'); i >= 0 {
		hi = e + i
	}
	hi = min(hi, e+80)
	for hi < len(b) && b[hi]&0xC0 == 0x80 {
		hi++
	}
	return lo, hi
}
