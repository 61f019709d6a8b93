package recruitscan

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestLevelText(t *testing.T) {
	for l := LevelNone; l <= LevelHigh; l++ {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back Level
		if err := json.Unmarshal(b, &back); err != nil || back != l {
			t.Errorf("%s: round trip %s → %v (%v)", l, b, back, err)
		}
	}
	if _, err := ParseLevel("severe"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseLevel(severe) err = %v, want ErrInvalid", err)
	}
	if _, err := json.Marshal(Level(9)); err == nil {
		t.Error("marshalling an out-of-range level succeeded")
	}
	if !(LevelLow < LevelMedium && LevelMedium < LevelHigh) {
		t.Error("levels are not ordered")
	}
}

func TestParseDecision(t *testing.T) {
	for _, s := range []string{"confirm", "dismiss", "escalate", "needs-second-look"} {
		if d, err := ParseDecision(s); err != nil || string(d) != s {
			t.Errorf("ParseDecision(%q) = %q, %v", s, d, err)
		}
	}
	if _, err := ParseDecision("delete"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseDecision(delete) err = %v", err)
	}
}

func TestIdentity(t *testing.T) {
	a := AdID("board", "https://x.example/ad/1")
	if a != AdID("board", "https://x.example/ad/1") || a == AdID("board2", "https://x.example/ad/1") || a == AdID("board", "https://x.example/ad/2") {
		t.Error("AdID is not a stable function of source and key")
	}
	// The separator keeps ("ab","c") and ("a","bc") apart.
	if AdID("ab", "c") == AdID("a", "bc") {
		t.Error("AdID collides across the source/key boundary")
	}
	x := Ad{Title: "t", Body: "b"}
	y := Ad{Title: "tb", Body: ""}
	if x.ContentHash() == y.ContentHash() {
		t.Error("ContentHash collides across the title/body boundary")
	}
	x2 := x
	x2.URL = "elsewhere"
	if x.ContentHash() != x2.ContentHash() {
		t.Error("ContentHash depends on more than the text")
	}
}

func TestIndicators(t *testing.T) {
	ids := Indicators()
	if len(ids) != 12 {
		t.Fatalf("%d indicators, the taxonomy has 12", len(ids))
	}
	for _, i := range ids {
		if !i.Valid() {
			t.Errorf("%s not valid", i)
		}
	}
	if Indicator("made_up").Valid() || !Mitigating.Valid() {
		t.Error("Valid accepts an unknown id or rejects mitigating")
	}
}

func TestRoleValid(t *testing.T) {
	for _, r := range []Role{RoleReviewer, RoleLead, RoleAdmin} {
		if !r.Valid() {
			t.Errorf("%s not valid", r)
		}
	}
	if Role("root").Valid() || Role("").Valid() {
		t.Error("Valid accepts an unknown role")
	}
}
