// Package norm is the text normaliser shared by rule compilation and the
// classifier: the same function is applied to rule phrases and to ad text,
// so that matching is done on one canonical form while every match can be
// mapped back to the exact bytes of the original text.
//
// The canonical form follows shared/domain/indicators.md: Arabic letter
// forms unified (آ أ إ ٱ → ا, ى → ي, ة → ه), tatweel and harakat dropped,
// Persian/Urdu forms unified (ی ے → ي, ک → ك, ہ ۀ → ه), every Unicode decimal
// digit to ASCII, NFKC for compatibility characters, Latin accents removed,
// lower case. Whitespace and punctuation become single spaces; punctuation
// inside a word ("e.mail") and spaced-out letters ("f r e e") are
// joined, "@" inside a Latin word reads as "a" ("wh@tsapp"). A hyphen
// separates words ("mag-apply", "free-visa"): rule phrases also match
// written together ("freevisa"), which covers hashtags and "fee-s" alike.
//
//	t := norm.Normalize("Free  VISA!!")
//	t.String()         // "free visa"
//	t.Span(0, 4)       // 0, 4: "Free" in the original
package norm

import (
	"unicode"
	"unicode/utf8"
)

// Text is a normalised text with its map back to the original.
type Text struct {
	b     []byte
	start []int32 // original start offset of the rune behind each byte
	end   []int32 // original end offset of the rune behind each byte
}

// Bytes returns the normalised text. The caller must not modify it.
func (t *Text) Bytes() []byte { return t.b }

// String returns the normalised text.
func (t *Text) String() string { return string(t.b) }

// Len returns the length of the normalised text in bytes.
func (t *Text) Len() int { return len(t.b) }

// Span maps the normalised byte range [s, e) back to the original text. The
// result lies on rune boundaries of the original and is never empty when
// s < e.
func (t *Text) Span(s, e int) (int, int) {
	if s < 0 {
		s = 0
	}
	if e > len(t.b) {
		e = len(t.b)
	}
	if s >= e {
		return 0, 0
	}
	return int(t.start[s]), int(t.end[e-1])
}

// String normalises s and returns the canonical form only.
func String(s string) string {
	t := Normalize(s)
	return string(t.b)
}

// Normalize returns the canonical form of s with its offset map.
func Normalize(s string) *Text {
	n := &normalizer{t: &Text{
		b:     make([]byte, 0, len(s)),
		start: make([]int32, 0, len(s)),
		end:   make([]int32, 0, len(s)),
	}}
	n.run(s)
	n.joinSpacedLetters()
	for len(n.t.b) > 0 && (n.t.b[len(n.t.b)-1] == ' ' || n.t.b[len(n.t.b)-1] == '\n') {
		n.trim()
	}
	return n.t
}

type normalizer struct {
	t        *Text
	sepStart int  // original offset of a pending separator, -1 if none
	sepEnd   int  //
	sepHard  bool // the pending separator ends a sentence or line
	lastWord bool // the last emitted byte belongs to a word
}

func (n *normalizer) run(s string) {
	n.sepStart = -1
	table := bmpTable()
	for i := 0; i < len(s); {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if n.sepStart < 0 && !asciiLetterDigitEdge(n.t.b, rune(c)) { // fast path: lower-case ASCII inside a word
				n.emitByte(c, i)
				n.lastWord = true
				i++
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var e entry
		if r < 0x10000 {
			e = table[r]
		} else {
			e = compute(r)
		}
		switch e.kind {
		case kindDrop:
		case kindSep:
			n.separator(s, i, size, r)
		default:
			n.word(s, i, size, r, e)
		}
		i += size
	}
}

// separator handles whitespace and punctuation. Punctuation between two
// word characters is dropped ("fee-s" → "fees"); "@" there reads as "a".
func (n *normalizer) separator(s string, i, size int, r rune) {
	if n.lastWord && n.sepStart < 0 && isJoiner(r) && i+size < len(s) {
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		digitsOnly := r == ',' || r == '.' || r == 0x066b || r == 0x066c
		if r == '.' && !isDigitByte(n.t.b) && isLatinLetter(next) {
			digitsOnly = false // "F.R.E.E", "e.mail"
		}
		if ne := lookup(next); ne.kind == kindWord && sameClass(n.t.b, next) && (!digitsOnly || isDigitByte(n.t.b)) {
			if r == '@' && isLatinLetter(next) && n.prevLatin() {
				n.emit("a", i, i+size)
			}
			return
		}
	}
	if n.sepStart < 0 {
		n.sepStart, n.sepEnd, n.sepHard = i, i+size, false
	}
	if isHardBreak(r) && !(r == '.' && currencyAbbrev(lastWord(n.t.b))) {
		n.sepHard = true
	}
}

// currencyAbbrev lists the currency abbreviations written with a full stop
// ("Rs. 50,000", "රු. 150000", "Tk. 5000"): the stop does not end the
// sentence, or the amount would lose its currency.
func currencyAbbrev(w []byte) bool {
	switch string(w) {
	case "rs", "tk", "rp", "ksh", "sh", "dh", "shs", "රු", "रु", "रू", "टका", "ৰু":
		return true
	}
	return false
}

// lastWord returns the last word of the normalised text so far.
func lastWord(b []byte) []byte {
	i := len(b)
	for i > 0 && b[i-1] != ' ' && b[i-1] != '\n' {
		i--
	}
	return b[i:]
}

// isHardBreak lists the separators that end a sentence, line or list
// item: phrases, negations and proximity never reach across them.
func isHardBreak(r rune) bool {
	switch r {
	case '\n', '\r', '.', '!', '?', ';', '|', '\u2022', '\u061f', '\u061b', '\u0964', '\u0965', '\u06d4', '\u2026', '\u1362', '\u1361', '\u00b7':
		return true
	}
	return r >= 0x2190 && r <= 0x2bff || r >= 0x1f000 && r <= 0x1faff
}

func (n *normalizer) word(s string, i, size int, r rune, e entry) {
	if n.sepStart >= 0 {
		if len(n.t.b) > 0 {
			sep := " "
			if n.sepHard {
				sep = "\n"
			}
			n.emit(sep, n.sepStart, n.sepEnd)
		}
		n.sepStart = -1
	}
	if e.kind == kindKeep && n.lastWord && !isDigitByte(n.t.b) {
		n.emit(" ", i, i+size)
	}
	out := e.fold
	if e.same {
		out = s[i : i+size]
	}
	// the edge is judged on the folded output: a Cyrillic "О" after a
	// digit becomes an ASCII "o" and must split like one
	if n.lastWord && out != "" && asciiLetterDigitEdge(n.t.b, rune(out[0])) {
		n.emit(" ", i, i+size) // "rm8000" → "rm 8000", "sar1500" → "sar 1500"
	}
	n.emit(out, i, i+size)
	n.lastWord = e.kind == kindWord
}

func (n *normalizer) emitByte(c byte, at int) {
	n.t.b = append(n.t.b, c)
	n.t.start = append(n.t.start, int32(at))
	n.t.end = append(n.t.end, int32(at+1))
}

func (n *normalizer) emit(out string, s, e int) {
	for k := 0; k < len(out); k++ {
		n.t.b = append(n.t.b, out[k])
		n.t.start = append(n.t.start, int32(s))
		n.t.end = append(n.t.end, int32(e))
	}
	n.lastWord = out != " " && out != "\n"
}

func (n *normalizer) trim() {
	k := len(n.t.b) - 1
	n.t.b, n.t.start, n.t.end = n.t.b[:k], n.t.start[:k], n.t.end[:k]
}

func (n *normalizer) prevLatin() bool {
	r, _ := utf8.DecodeLastRune(n.t.b)
	return isLatinLetter(r)
}

// isJoiner lists the punctuation that may sit inside a word.
func isJoiner(r rune) bool {
	switch r {
	case '.', '_', '*', '\'', '\u2019', '\u2018', '\u00b7', '@', ',', 0x066b, 0x066c:
		return true
	}
	return false
}

// sameClass reports whether the rune before the end of b and next are both
// letters or both digits ("1.500" joins, "a.5" does not).
func sameClass(b []byte, next rune) bool {
	prev, _ := utf8.DecodeLastRune(b)
	pl := unicode.IsLetter(prev) || unicode.IsMark(prev)
	nl := unicode.IsLetter(next) || unicode.IsMark(next)
	return pl == nl
}

// asciiLetterDigitEdge reports an ASCII letter followed by a digit or a
// digit followed by an ASCII letter: the two are separate words
// ("rm8000", "5k" stays: k after digits is an amount suffix).
func asciiLetterDigitEdge(b []byte, next rune) bool {
	if len(b) == 0 || next >= 0x80 {
		return false
	}
	prev := b[len(b)-1]
	prevLetter := prev >= 'a' && prev <= 'z'
	nextLetter := next >= 'a' && next <= 'z' || next >= 'A' && next <= 'Z'
	nextDigit := next >= '0' && next <= '9'
	return prevLetter && nextDigit || isDigitByte(b) && nextLetter && next != 'k' && next != 'K'
}

func isDigitByte(b []byte) bool {
	return len(b) > 0 && b[len(b)-1] >= '0' && b[len(b)-1] <= '9'
}

func isLatinLetter(r rune) bool {
	return r < 0x250 && unicode.IsLetter(r)
}

// IsWordRune reports whether r is part of a word in the normalised text:
// letters, digits and combining marks (vowel signs of Indic scripts).
func IsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}
