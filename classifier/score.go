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

// scoreOf computes the risk score from the active rules and mitigations
// that matched: per indicator the strongest rule plus a fraction of the
// others, summed over indicators, boosted when several indicators
// combine, minus the mitigations.
func scoreOf(active, mitigating []*rules.Rule) (float64, []recruitscan.Indicator) {
	byInd := map[recruitscan.Indicator][]float64{}
	for _, r := range active {
		byInd[r.Indicator] = append(byInd[r.Indicator], r.Weight)
	}
	total := 0.0
	for _, ws := range byInd {
		sort.Sort(sort.Reverse(sort.Float64Slice(ws)))
		s := ws[0]
		for _, w := range ws[1:] {
			s += otherRulesFactor * w
		}
		total += min(s, 1.5*ws[0])
	}
	if len(byInd) >= 3 {
		total *= comboBonus
	}
	for _, r := range mitigating {
		total -= r.Weight
	}
	var inds []recruitscan.Indicator
	for _, i := range recruitscan.Indicators() {
		if _, ok := byInd[i]; ok {
			inds = append(inds, i)
		}
	}
	return max(total, 0), inds
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
