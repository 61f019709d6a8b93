package classifier

import (
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
)

func builtin(t testing.TB) *Classifier {
	t.Helper()
	rs, err := rules.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBuiltinExamples(t *testing.T) {
	c := builtin(t)
	fails, n := c.TestExamples()
	for _, f := range fails {
		t.Error(f)
	}
	if n == 0 {
		t.Fatal("no examples ran")
	}
}

func TestHitSpansInOriginal(t *testing.T) {
	c := builtin(t)
	ad := recruitscan.Ad{Title: "تـأشيرة  حرة", Body: "Get your FREE-VISA now, ٠٥٠١٢٣٤٥٦٧"}
	v := c.Classify(ad)
	if len(v.Hits) < 2 {
		t.Fatalf("hits = %+v", v.Hits)
	}
	for _, h := range v.Hits {
		src := ad.Body
		if h.Field == recruitscan.FieldTitle {
			src = ad.Title
		}
		if src[h.Start:h.End] != h.Text {
			t.Errorf("hit %+v: text %q differs from original %q", h, h.Text, src[h.Start:h.End])
		}
	}
	if v.Hits[0].Text != "تـأشيرة  حرة" || v.Hits[1].Text != "FREE-VISA" {
		t.Errorf("hit texts = %q, %q", v.Hits[0].Text, v.Hits[1].Text)
	}
	t.Logf("%+v", v)
}

func TestNegationWindow(t *testing.T) {
	c := builtin(t)
	tests := []struct {
		text string
		want bool
	}{
		{"Placement fee: 300 USD", true},
		{"No placement fee", false},
		{"We do not charge any placement fee", false},               // "do not" 2 words, window 3
		{"No experience or degree needed, placement fee 300", true}, // negation too far
		{"No experience needed.\nPlacement fee 300", true},
		{"Placement fee is paid by employer", false}, // after-negation, two words
		{"placement fee placement fee", true},
	}
	for _, tt := range tests {
		if got := c.Fires("fees.named_fee", tt.text); got != tt.want {
			t.Errorf("Fires(fees.named_fee, %q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
