// Package classifier turns an ad into a Verdict: it normalises the text
// (rules/norm), identifies the language(s), runs the compiled rule set's
// Aho-Corasick automata (one per script group) with word-boundary, proximity, negation
// and composite checks, extracts entities (phones in E.164, emails,
// WhatsApp/Telegram links and handles, URLs, money), scores the distinct
// indicators and explains every hit with its span in the original text.
// With Config.Model, the statistical text model (classifier/textmodel)
// adds indicators the rules missed, as weak signals explained by the words
// that weighed most.
//
// It is pure: no I/O, deterministic, safe for concurrent use.
//
//	rs, err := rules.LoadBuiltin()
//	if err != nil { ... }
//	c, err := classifier.New(classifier.Config{Rules: rs})
//	if err != nil { ... }
//	v := c.Classify(recruitscan.Ad{Title: "Free visa", Body: "Pay 500 SAR, WhatsApp only"})
//	fmt.Println(v.Level, v.Indicators, v.Hits[0].Text)
package classifier
