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
