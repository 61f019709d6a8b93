package classifier

import (
	"sort"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
)

// Score thresholds of the levels. Weights are set so that one weak
// indicator (weight ~1) stays low, a strong one (~2.5) or two weak ones
// reach medium, and several distinct indicators reach high.
const (
	lowAt    = 0.5
	mediumAt = 2.0
	highAt   = 4.5
	// otherRulesFactor is how much the second and later rules of one
	// indicator add: repeats of one signal weigh little.
	otherRulesFactor = 0.25
	// comboBonus multiplies the score when three or more distinct
	// indicators are present (Volodko et al. 2020).
	comboBonus = 1.25
)

// signal is one active rule's (or the text model's) vote for an indicator.
type signal struct {
	indicator recruitscan.Indicator
	weight    float64
}

// scoreOf computes the risk score from the active signals and mitigations
// that matched: per indicator the strongest signal plus a fraction of the
// others, summed over indicators, boosted when several indicators
// combine, minus the mitigations.
func scoreOf(active []signal, mitigating []*rules.Rule) (float64, []recruitscan.Indicator) {
	byInd := map[recruitscan.Indicator][]float64{}
	for _, s := range active {
		byInd[s.indicator] = append(byInd[s.indicator], s.weight)
	}
	perInd := map[recruitscan.Indicator]float64{}
	for i, ws := range byInd {
		sort.Sort(sort.Reverse(sort.Float64Slice(ws)))
		s := ws[0]
		for _, w := range ws[1:] {
			s += otherRulesFactor * w
		}
		perInd[i] = min(s, 1.5*ws[0])
	}
	global := offset(perInd, mitigating)
	total := 0.0
	for _, s := range perInd {
		total += s
	}
	if len(byInd) >= 3 {
		total *= comboBonus
	}
	total -= global
	var inds []recruitscan.Indicator
	for _, i := range recruitscan.Indicators() {
		if _, ok := byInd[i]; ok {
			inds = append(inds, i)
		}
	}
	return max(total, 0), inds
}

// offset lowers the indicators that mitigating rules name, never below
// zero, and returns the weight of the mitigations that name none (they
// lower the whole score).
func offset(perInd map[recruitscan.Indicator]float64, mitigating []*rules.Rule) float64 {
	global := 0.0
	for _, r := range mitigating {
		if len(r.Offsets) == 0 {
			global += r.Weight
			continue
		}
		left := r.Weight
		for _, i := range r.Offsets {
			if s, ok := perInd[i]; ok && left > 0 {
				d := min(s, left)
				perInd[i] = s - d
				left -= d
			}
		}
	}
	return global
}

// levelOf maps a score to a level.
func levelOf(score float64) recruitscan.Level {
	switch {
	case score >= highAt:
		return recruitscan.LevelHigh
	case score >= mediumAt:
		return recruitscan.LevelMedium
	case score >= lowAt:
		return recruitscan.LevelLow
	}
	return recruitscan.LevelNone
}
