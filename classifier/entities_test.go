package classifier

import (
	"strings"
	"testing"
)

// TestLowerASCII: ASCII letters are lowered, every other byte (UTF-8 of
// "É", the Kelvin sign that strings.ToLower would make a "k") stays.
func TestLowerASCII(t *testing.T) {
	for in, want := range map[string]string{
		"WA.ME/966":           "wa.me/966",
		"Https://T.Me/Jobs":   "https://t.me/jobs",
		"ÉTÉ \u212A WhatsApp": "ÉtÉ \u212A whatsapp",
		"":                    "",
	} {
		if got := lowerASCII(in); got != want {
			t.Errorf("lowerASCII(%q) = %q, want %q", in, got, want)
		}
	}
	if s := "رقم WA.me"; len(lowerASCII(s)) != len(s) || !strings.Contains(lowerASCII(s), "wa.me") {
		t.Errorf("lowerASCII(%q) = %q", s, lowerASCII(s))
	}
}
