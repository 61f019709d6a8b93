package norm

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Free  VISA!!", "free visa"},
		{"Fee Rs. 50,000. Pay now", "fee rs 50000\npay now"}, // a currency's stop is not a sentence end
		{"ගාස්තුව රු. 150000", "ගාස්තුව රු 150000"},
		{"f r e e visa", "free visa"},
		{"F.R.E.E visa", "free visa"},
		{"wh@tsapp only", "whatsapp only"},
		{"no fee-s", "no fee s"},
		{"mag-top up", "mag top up"},
		{"تأشيرة حرة", "تاشيره حره"},
		{"تـــأشيـرة  حُرّة", "تاشيره حره"},
		{"آزاد ویزا", "ازاد ويزا"},
		{"٠٥٠١٢٣٤٥٦٧", "0501234567"},
		{"۰۳۰۰", "0300"},
		{"१००% गारंटी", "100% गारंटी"},
		{"১০০% গ্যারান্টি", "100% গ্যারান্টি"},
		{"Ｆｒｅｅ ｖｉｓａ", "free visa"},
		{"réseau Sécurité", "reseau securite"},
		{"आज़ाद वीज़ा", "आजाद वीजा"},
		{"14,000 SAR", "14000 sar"},
		{"+966 50 123 4567", "+966 50 123 4567"},
		{"#maidsfortransfer", "maidsfortransfer"},
		{"coffee", "coffee"},
		{"RM8,000 sar1500 5k", "rm 8000 sar 1500 5k"},
		{"visa 7orra", "visa 7 orra"},
		{"frее visа", "free visa"}, // Cyrillic е and а
		{"ΡΑΥ FΕΕ", "pay fee"},     // Greek capitals
		{"  ", ""},
		{"a\u200bb", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Normalize(tt.in)
			if got.String() != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got.String(), tt.want)
			}
			checkSpans(t, tt.in, got)
		})
	}
}

func TestSpanMapsBack(t *testing.T) {
	in := "Contact on WH@TSAPP: ٠٥٠١٢٣"
	n := Normalize(in)
	s := n.String()
	i := len("contact on ")
	if s[i:i+8] != "whatsapp" {
		t.Fatalf("normalised %q", s)
	}
	a, b := n.Span(i, i+8)
	if in[a:b] != "WH@TSAPP" {
		t.Errorf("span = %q, want %q", in[a:b], "WH@TSAPP")
	}
}

func checkSpans(t *testing.T, in string, n *Text) {
	t.Helper()
	for i := 0; i < n.Len(); i++ {
		a, b := n.Span(i, i+1)
		if a < 0 || b > len(in) || a >= b || !utf8.RuneStart(in[a]) || (b < len(in) && !utf8.RuneStart(in[b])) {
			t.Fatalf("byte %d maps to bad span [%d,%d) of %q", i, a, b, in)
		}
	}
}
