package classifier

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestContainsFold compares containsFold with the plain quadratic search
// on random strings over a small alphabet (so matches and near misses are
// common), in both ASCII cases and with multi-byte runes.
func TestContainsFold(t *testing.T) {
	naive := func(s, sub string) bool {
		for i := 0; i+len(sub) <= len(s); i++ {
			if equalFoldASCII(s[i:i+len(sub)], sub) {
				return true
			}
		}
		return false
	}
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"w", "W", "a", "A", ".", "m", "M", "e", "t", "T", "é", "/", " "}
	subs := []string{"wa.me", "t.me/", "http", "a", "ww", "e/"}
	found := 0
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s, sub := b.String(), subs[r.IntN(len(subs))]
		got, want := containsFold(s, sub), naive(s, sub)
		if got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", s, sub, got, want)
		}
		if want {
			found++
		}
	}
	if found < 1000 {
		t.Errorf("only %d of the strings contain their pattern: the test is too thin", found)
	}
}
