package review

import (
	"strings"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier"
	"github.com/recruitscan/recruitscan/rules"
)

// TestHighlightsFromClassifier holds the contract between the classifier's
// byte offsets and the highlighter on real verdicts: every hit and every
// contact lands in the text, and each <mark> shows exactly its hit's text.
func TestHighlightsFromClassifier(t *testing.T) {
	rs, err := rules.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	c, err := classifier.New(classifier.Config{Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	ads := []recruitscan.Ad{
		{Title: "شغالة إثيوبية للتنازل", Body: "تأشيرة حرة للبيع، الدفع مقدماً 9500 ريال. الجواز عند الكفيل. واتساب فقط ٠٥٠٥٥٥٠١٤٧"},
		{Title: "دبئی میں نوکری", Body: "ویزا فیس امیدوار ادا کرے گا۔ پاسپورٹ کمپنی کے پاس رہے گا۔ واٹس ایپ +92 300 1234567"},
		{Title: "Drivers needed in Riyadh - free visa", Body: "Pay the recruitment fee before travel. Passport kept by the company. WhatsApp only +966 50 123 4567"},
		{Title: "Ｆｒｅｅ ｖｉｓａ 𝐟𝐨𝐫 𝐬𝐚𝐥𝐞", Body: "Salary 1,200 KD\u00a0— contact\u200b @agent_kw — pay deposit first"},
	}
	total := 0
	for _, ad := range ads {
		v := c.Classify(ad)
		for field, text := range map[recruitscan.Field]string{"title": ad.Title, "body": ad.Body} {
			hits := append(append([]recruitscan.Hit(nil), v.Hits...), v.Mitigations...)
			segs, bad := highlight(text, field, hits, v.Entities)
			if len(bad) > 0 {
				t.Errorf("%q: hits not placeable: %+v", ad.Title, bad)
			}
			for _, h := range hits {
				if h.Field == field && text[h.Start:h.End] != h.Text {
					t.Errorf("%q: hit %s text %q, but its span reads %q", ad.Title, h.Rule, h.Text, text[h.Start:h.End])
				}
			}
			for _, e := range v.Entities {
				if e.Field == field && !validSpan(text, e.Start, e.End) {
					t.Errorf("%q: entity %+v not on the text", ad.Title, e)
				}
			}
			var b strings.Builder
			for _, s := range segs {
				b.WriteString(s.Text)
				if len(s.Hits) > 0 {
					total++
				}
			}
			if b.String() != text {
				t.Errorf("%q: segments join to %q", ad.Title, b.String())
			}
		}
	}
	if total == 0 {
		t.Error("the built-in rules highlighted nothing in four risky ads")
	}
}
