package norm

import (
	"testing"
	"unicode/utf8"
)

// FuzzNormalize: every normalised byte maps back to a non-empty span of
// the original on rune boundaries, spans never go backwards, the output
// is valid UTF-8 and normalising twice changes nothing.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Free  VISA!!", "f r e e visa", "تـأشيرة  حُرّة", "٠٥٠١٢٣", "ＦＲＥＥ", "wh@tsapp", "a.b.c", "18-25", "$500 ₹1,35,000",
		"आज़ाद वीज़ा", "ৃ্য়", "\u200b\u202e", "ﬁ ﬀ", "a\nb. c", "1.500,00", "x@y.com", "ß", "İ", "\xff\xfe", "ፓስፖርትሽ", "ගමන් බලපත්‍රය"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		out := n.String()
		if !utf8.ValidString(out) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, out)
		}
		// rune boundaries as the decoder sees them (invalid bytes are
		// one-byte runes)
		bound := map[int]bool{len(s): true}
		for i := 0; i < len(s); {
			bound[i] = true
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		prev := 0
		for i := 0; i < n.Len(); i++ {
			a, b := n.Span(i, i+1)
			if a < 0 || b > len(s) || a >= b {
				t.Fatalf("Normalize(%q): byte %d maps to [%d,%d)", s, i, a, b)
			}
			if !bound[a] || !bound[b] {
				t.Fatalf("Normalize(%q): byte %d maps off rune boundaries [%d,%d)", s, i, a, b)
			}
			if a < prev {
				t.Fatalf("Normalize(%q): span of byte %d goes backwards (%d < %d)", s, i, a, prev)
			}
			prev = a
		}
		if again := String(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
	})
}
