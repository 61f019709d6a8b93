package rules

import (
	"bytes"
	"testing"
)

// TestPhraseSetFilter: every negation phrase of the built-in packs is
// found through the filter, and the filter alone turns away most of the
// word runs of real ads that are not negations.
func TestPhraseSetFilter(t *testing.T) {
	rs, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	var sets []*phraseSet
	for _, r := range rs.Rules() {
		if r.Unless == nil {
			continue
		}
		sets = append(sets, &r.Unless.before, &r.Unless.after)
	}
	for _, s := range sets {
		for p := range s.m {
			members++
			if !s.has([]byte(p)) {
				t.Errorf("phrase %q is in the set, has says no", p)
			}
		}
	}
	if members < 1000 {
		t.Fatalf("%d negation phrases in the built-in packs; the test needs them", members)
	}
	asked, passed := 0, 0
	for _, text := range corpusTexts(t)[:500] {
		words := bytes.Fields(text)
		for i := range words {
			for l := 1; l <= 3 && i+l <= len(words); l++ {
				run := bytes.Join(words[i:i+l], []byte{' '})
				for _, s := range sets {
					k := phraseKey(run)
					asked++
					if s.filter[k>>6]&(1<<(k&63)) != 0 {
						passed++
					}
				}
			}
		}
	}
	t.Logf("%d negation phrases; the filter let %d of %d lookups through to the map", members, passed, asked)
	if passed*2 > asked {
		t.Errorf("the filter let %d of %d lookups through: it filters too little", passed, asked)
	}
}
