package classifier

import (
	"math"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
)

// FuzzScore: the score is finite and never negative, the level follows
// the score, one more active rule never lowers it and one more mitigation
// never raises it.
func FuzzScore(f *testing.F) {
	f.Add([]byte{10, 20, 30}, []byte{5}, byte(1))
	f.Add([]byte{100, 100, 100, 100}, []byte{}, byte(0))
	f.Add([]byte{1}, []byte{200, 200}, byte(7))
	f.Fuzz(func(t *testing.T, act, mit []byte, extra byte) {
		inds := recruitscan.Indicators()
		mk := func(b byte, ind recruitscan.Indicator) *rules.Rule {
			return &rules.Rule{Indicator: ind, Weight: float64(b) / 25}
		}
		sig := func(b byte, ind recruitscan.Indicator) signal { return signal{ind, float64(b) / 25} }
		var active []signal
		var mitig []*rules.Rule
		for i, b := range act {
			active = append(active, sig(b, inds[(i+int(b))%len(inds)]))
		}
		for i, b := range mit {
			r := mk(b, recruitscan.Mitigating)
			if i%2 == 0 {
				r.Offsets = []recruitscan.Indicator{inds[int(b)%len(inds)]}
			}
			mitig = append(mitig, r)
		}
		s, _ := scoreOf(active, mitig)
		if s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			t.Fatalf("score %v", s)
		}
		if l := levelOf(s); (l == recruitscan.LevelHigh) != (s >= highAt) {
			t.Fatalf("level %v for score %v", l, s)
		}
		more, _ := scoreOf(append(active[:len(active):len(active)], sig(extra, inds[int(extra)%len(inds)])), mitig)
		if more < s-1e-9 {
			t.Fatalf("adding an active rule lowered the score: %v -> %v", s, more)
		}
		less, _ := scoreOf(active, append(mitig[:len(mitig):len(mitig)], mk(extra, recruitscan.Mitigating)))
		if less > s+1e-9 {
			t.Fatalf("adding a mitigation raised the score: %v -> %v", s, less)
		}
	})
}
