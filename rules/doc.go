// Package rules is the rule-pack format of recruitscan: strict YAML parsing
// with file:line:col errors (all of them at once), validation, and
// compilation into an immutable RuleSet that the classifier runs. The
// built-in packs are embedded from rules/packs/*.yaml.
//
// A pack file:
//
//	pack: fees
//	lists:
//	  neg_en: [no, "free of", without]
//	rules:
//	  - id: fees.placement_fee
//	    indicator: worker_pays_fees
//	    languages: [en]
//	    description: The worker is asked to pay a placement fee.
//	    references: ["ILO General principles for fair recruitment (2019)"]
//	    weight: 1.5
//	    phrases: ["placement fee", "processing fee*"]   # * = prefix, no word end needed
//	    unless: {before: [$neg_en], window: 2}          # "no placement fee" does not count
//	    examples:
//	      match: ["Placement fee: 300 USD"]
//	      no_match: ["No placement fee charged"]
//
// The full format, normalisation, negation and scoring are described in
// rules/packs/README.md. Other pattern kinds: regex (Go RE2 syntax on the normalised text, for
// structured things such as ages and amounts; it runs only on the sentences
// where one of the rule's trigger phrases occurs), near (a phrase of a within
// N words of one of b) and when (a composite: all of these rule ids or
// indicators, and min_any of any). Mode is active (counts), shadow
// (reported, never counted) or feature (a building block for composites).
//
// Loading:
//
//	rs, err := rules.Load(rules.Config{Dirs: []string{"/etc/recruitscan/rules"}})
//	if err != nil { /* errors.Join of file:line:col problems */ }
//	fmt.Println(rs.Version())
package rules
