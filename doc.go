// Package recruitscan holds the domain types shared by every part of the
// recruitment risk scanner: ads and their evidence, verdicts and hits,
// indicators and levels, review items, decisions and audit entries, and the
// public sentinel errors.
//
// The package imports no other project package. Crawlers produce [Ad]s, the
// classifier turns an Ad into a [Verdict], the store keeps both and queues
// flagged ads as [ReviewItem]s, and reviewers answer with a [Decision].
//
// A minimal use, classifying one ad (see package classifier):
//
//	rs, _ := rules.LoadBuiltin()
//	c, _ := classifier.New(classifier.Config{Rules: rs})
//	v := c.Classify(recruitscan.Ad{Title: "free visa", Body: "pay 9,500 SAR, WhatsApp only"})
//	fmt.Println(v.Level, v.Indicators)
package recruitscan
