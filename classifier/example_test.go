package classifier_test

import (
	"fmt"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier"
	"github.com/recruitscan/recruitscan/rules"
)

func Example() {
	rs, err := rules.LoadBuiltin()
	if err != nil {
		panic(err)
	}
	c, err := classifier.New(classifier.Config{Rules: rs})
	if err != nil {
		panic(err)
	}
	ad := recruitscan.Ad{
		Title: "خادمة للتنازل",
		Body:  "Housemaid for transfer, transfer price 13,000 SAR. Passport with us.\nWhatsApp only 055 555 0216",
	}
	v := c.Classify(ad)
	fmt.Println(v.Flagged, v.Level, v.Indicators)
	h := v.Hits[0]
	fmt.Printf("%s %q at %s[%d:%d]\n", h.Rule, h.Text, h.Field, h.Start, h.End)
	// Output:
	// true high [person_transfer_sale document_retention anonymous_contact]
	// transfer.tanazul "للتنازل" at title[11:25]
}
