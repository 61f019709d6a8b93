package norm

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// kind is how the normaliser treats one input rune.
type kind uint8

const (
	kindWord kind = iota // letters, digits and marks: emitted as fold
	kindSep              // whitespace, punctuation, symbols: one space
	kindDrop             // invisible or decorative: nothing
	kindKeep             // symbols kept as their own token (+ % and currency)
)

// entry is the precomputed treatment of one BMP rune.
type entry struct {
	kind kind
	fold string // output for kindWord/kindKeep when it differs from the rune
	same bool   // output is the rune itself
}

var (
	tableOnce sync.Once
	table     []entry // indexed by rune, BMP only
)

func bmpTable() []entry {
	tableOnce.Do(func() {
		t := make([]entry, 0x10000)
		for r := rune(0); r < 0x10000; r++ {
			t[r] = compute(r)
		}
		table = t
	})
	return table
}

func lookup(r rune) entry {
	if r < 0x10000 {
		return bmpTable()[r]
	}
	return compute(r)
}

// arabicMap holds the Arabic and Persian/Urdu letter-form unifications of
// Lucene's ArabicNormalizer and PersianNormalizer.
var arabicMap = map[rune]rune{
	'آ': 'ا', 'أ': 'ا', 'إ': 'ا', 'ٱ': 'ا',
	'ى': 'ي', 'ی': 'ي', 'ے': 'ي', 'ئ': 'ي',
	'ة': 'ه', 'ۀ': 'ه', 'ہ': 'ه', 'ھ': 'ه', 'ۃ': 'ه',
	'ک': 'ك', 'ؤ': 'و',
}

func compute(r rune) entry { return computeRune(r, true) }

// lookAlike maps Cyrillic and Greek letters that look like Latin ones to
// the Latin letter, so "frее visа" typed with Cyrillic е and а still reads
// "free visa". No built-in pack is written in those scripts.
var lookAlike = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'х': 'x', 'у': 'y', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w',
	'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c', 'Т': 't', 'Х': 'x', 'У': 'y', 'І': 'i', 'Ј': 'j', 'Ѕ': 's',
	'α': 'a', 'ε': 'e', 'ο': 'o', 'ρ': 'p', 'ν': 'v', 'ι': 'i', 'κ': 'k', 'τ': 't', 'υ': 'u',
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
}

// computeRune is compute; decompose is false for the runes of a
// decomposition, which must not be decomposed again.
func computeRune(r rune, decompose bool) entry {
	if l, ok := lookAlike[r]; ok {
		return entry{kind: kindWord, fold: string(l)}
	}
	switch {
	case r < 0x80:
		return computeASCII(r)
	case isDrop(r):
		return entry{kind: kindDrop}
	case unicode.Is(unicode.Nd, r):
		return entry{kind: kindWord, fold: string(rune('0' + digitValue(r)))}
	}
	if m, ok := arabicMap[r]; ok {
		return entry{kind: kindWord, fold: string(m)}
	}
	if decompose && needsCompat(r) {
		return foldString(norm.NFKC.String(string(r)))
	}
	// Also inside a decomposition: a compatibility form may compose to an
	// accented letter (U+212B Angstrom → Å), whose accent must go as it
	// would for Å itself. Only letters that do decompose recurse (Æ does
	// not), and NFD output never decomposes again.
	if needsDecompose(r) {
		if d := norm.NFD.String(string(r)); d != string(r) {
			return foldString(d)
		}
	}
	switch {
	case r == 0x0901: // Devanagari candrabindu spelt as anusvara
		return entry{kind: kindWord, fold: "\u0902"}
	case unicode.IsLetter(r) || unicode.IsMark(r):
		l := unicode.ToLower(r)
		if l == r {
			return entry{kind: kindWord, same: true}
		}
		// fold the lower-case form too, so the result is a fixed point
		// ("Ԁ" → "ԁ" → look-alike "d")
		if e := computeRune(l, decompose); e.kind == kindWord && !e.same {
			return e
		}
		return entry{kind: kindWord, fold: string(l)}
	case unicode.Is(unicode.Sc, r):
		return entry{kind: kindKeep, same: true}
	case decompose && (unicode.IsDigit(r) || unicode.IsNumber(r)):
		return foldString(norm.NFKC.String(string(r)))
	}
	return entry{kind: kindSep}
}

func computeASCII(r rune) entry {
	switch {
	case r >= 'A' && r <= 'Z':
		return entry{kind: kindWord, fold: string(r + 32)}
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return entry{kind: kindWord, same: true}
	case r == '+' || r == '%' || r == '$':
		return entry{kind: kindKeep, same: true}
	case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
		return entry{kind: kindDrop}
	}
	return entry{kind: kindSep}
}

// foldString folds the runes of a decomposition, keeping letters and
// digits and dropping marks that decorate Latin letters.
func foldString(s string) entry {
	out := make([]byte, 0, len(s))
	k := kindSep
	for _, r := range s {
		if r >= 0x300 && r <= 0x36f || r == 0x093c || r == 0x09bc {
			continue
		}
		e := computeRune(r, false) // not lookup: this runs while the table is built
		if e.kind == kindDrop || e.kind == kindSep {
			continue
		}
		if k != kindWord {
			k = e.kind
		}
		if e.same {
			out = utf8.AppendRune(out, r)
		} else {
			out = append(out, e.fold...)
		}
	}
	if len(out) == 0 {
		if k == kindSep {
			return entry{kind: kindSep}
		}
		return entry{kind: kindDrop}
	}
	return entry{kind: k, fold: string(out)}
}

// isDrop reports runes that carry no meaning for matching: zero-width
// characters, bidi controls, tatweel, Arabic harakat, combining accents,
// nukta, variation selectors, emoji modifiers.
func isDrop(r rune) bool {
	switch {
	case r == 0x00ad, r == 0x0640, r == 0x0670, r == 0x0654, r == 0x0655:
		return true
	case r >= 0x064b && r <= 0x0652:
		return true
	case r >= 0x0300 && r <= 0x036f:
		return true
	case r == 0x093c, r == 0x09bc:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x206f:
		return true
	case r == 0xfeff, r >= 0xfe00 && r <= 0xfe0f, r >= 0x1f3fb && r <= 0x1f3ff:
		return true
	case r >= 0xe0000 && r <= 0xe007f:
		return true
	}
	return false
}

func needsCompat(r rune) bool {
	switch {
	case r >= 0xfb00 && r <= 0xfeff, r >= 0xff00 && r <= 0xffef:
		return true
	case r >= 0x2100 && r <= 0x214f, r >= 0x2460 && r <= 0x24ff:
		return true
	case r >= 0x1d400 && r <= 0x1d7ff, r >= 0x1f100 && r <= 0x1f1ff && r < 0x1f1e6:
		return true
	case r >= 0x2070 && r <= 0x209f, r >= 0x00b2 && r <= 0x00b9:
		return true
	}
	return false
}

func needsDecompose(r rune) bool {
	switch {
	case r >= 0x00c0 && r <= 0x024f, r >= 0x1e00 && r <= 0x1eff:
		return true
	case r >= 0x0958 && r <= 0x095f, r >= 0x09dc && r <= 0x09df:
		return true
	}
	return false
}

// digitValue returns the value of a decimal digit (Unicode class Nd):
// each Nd range is a run of whole blocks of ten starting at zero.
func digitValue(r rune) int {
	start := r
	for start > 0 && unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(r-start) % 10
}
