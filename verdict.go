package recruitscan

// Field names the part of an ad a hit or entity was found in.
type Field string

// Fields.
const (
	FieldTitle Field = "title"
	FieldBody  Field = "body"
)

// Hit is one match of a rule in an ad: the evidence behind a flag.
type Hit struct {
	Rule      string    `json:"rule"`
	Indicator Indicator `json:"indicator"`
	// Field, Start and End locate the match in the original (not
	// normalised) text: Start and End are UTF-8 byte offsets into that
	// field, Start < End, on rune boundaries.
	Field Field  `json:"field"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	// Description is the rule's explanation, in English, for reviewers.
	Description string  `json:"description,omitempty"`
	Weight      float64 `json:"weight,omitempty"`
}

// EntityKind is the kind of a contact or money entity.
type EntityKind string

// Entity kinds.
const (
	EntityPhone    EntityKind = "phone"
	EntityEmail    EntityKind = "email"
	EntityWhatsApp EntityKind = "whatsapp"
	EntityTelegram EntityKind = "telegram"
	EntityHandle   EntityKind = "handle"
	EntityURL      EntityKind = "url"
	EntityMoney    EntityKind = "money"
)

// Entity is a contact or amount found in an ad. Value is normalised so that
// equal entities compare equal across ads (phones in E.164, emails lower
// case, handles without "@", money as "AMOUNT CUR").
type Entity struct {
	Kind  EntityKind `json:"kind"`
	Value string     `json:"value"`
	Field Field      `json:"field"`
	Start int        `json:"start"`
	End   int        `json:"end"`
	Text  string     `json:"text"`
}

// Verdict is the classifier's result for one ad. It is deterministic: the
// same content and rule set give the same verdict.
type Verdict struct {
	AdID        string `json:"ad_id,omitempty"`
	ContentHash string `json:"content_hash,omitempty"`
	// Lang is the main language (BCP 47: "ar", "ur", "hi", "ar-Latn"...);
	// Langs lists every language found when a post mixes them.
	Lang       string      `json:"lang"`
	Langs      []string    `json:"langs,omitempty"`
	Level      Level       `json:"level"`
	Score      float64     `json:"score"`
	Flagged    bool        `json:"flagged"`
	Indicators []Indicator `json:"indicators"`
	// Hits are active rules' matches; Mitigations lower the score; Shadow
	// are shadow-mode rules' matches, reported but never counted.
	Hits        []Hit    `json:"hits"`
	Mitigations []Hit    `json:"mitigations,omitempty"`
	Shadow      []Hit    `json:"shadow,omitempty"`
	Entities    []Entity `json:"entities,omitempty"`
	// RulesVersion identifies the rule set that produced the verdict.
	RulesVersion string `json:"rules_version,omitempty"`
}
