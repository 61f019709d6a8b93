package classifier

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// probeAds are the eval probes: ads written to test one indicator each.
func probeAds(t *testing.T) []recruitscan.Ad {
	files, _ := filepath.Glob("../internal/eval/testdata/probes/*.jsonl")
	if len(files) == 0 {
		t.Fatal("no probe files")
	}
	return readAds(t, files...)
}

// TestRegexPrefilterChangesNothing classifies the dev corpus and the
// probes with the regex prefilters on and off: every verdict (hits,
// score, level, everything) must be the same. It also reports the share
// of regex runs the prefilters save on the classifier's real windows.
func TestRegexPrefilterChangesNothing(t *testing.T) {
	c := builtinWithModel(t)
	ads := append(devAds(t), probeAds(t)...)
	on := make([]recruitscan.Verdict, len(ads))
	for i, ad := range ads {
		on[i] = c.Classify(ad)
	}
	regexPrefilter = false
	defer func() { regexPrefilter = true }()
	regexHits := 0
	for i, ad := range ads {
		off := c.Classify(ad)
		if !reflect.DeepEqual(on[i], off) {
			t.Errorf("%s: verdict with the prefilter\n%+v\nwithout\n%+v", ad.ID, on[i], off)
		}
		for _, h := range append(append(off.Hits, off.Mitigations...), off.Shadow...) {
			if r := c.rules.Rule(h.Rule); r != nil && len(r.Regex) > 0 {
				regexHits++
			}
		}
	}
	if regexHits < 100 {
		t.Errorf("only %d hits of regex rules in %d ads: not a test", regexHits, len(ads))
	}

	runs, skipped, matched := 0, 0, 0
	for _, ad := range ads {
		fields := []field{
			{name: recruitscan.FieldTitle, orig: ad.Title, n: norm.Normalize(ad.Title)},
			{name: recruitscan.FieldBody, orig: ad.Body, n: norm.Normalize(ad.Body)},
		}
		o := scan(c.rules, fields)
		for idx, ro := range o.byRule {
			r := c.rules.Rules()[idx]
			if ro == nil || len(r.Regex) == 0 || len(ro.roles[rules.RoleTrigger]) == 0 {
				continue
			}
			for _, sp := range regexWindows(fields, ro.roles[rules.RoleTrigger]) {
				w := fields[sp.field].n.Bytes()[sp.start:sp.end]
				in := rules.BytesIn(w)
				for i, re := range r.Regex {
					runs++
					m := re.Match(w)
					if m {
						matched++
					}
					if !r.RegexNeed[i].MayMatch(w, &in) {
						skipped++
						if m {
							t.Errorf("%s: %s matches %q, the prefilter %s skips it", ad.ID, re, w, r.RegexNeed[i])
						}
					}
				}
			}
		}
	}
	t.Logf("%d ads (%d hits of regex rules): %d regex runs on trigger windows, %d match, the prefilters skip %d (%.0f%%)",
		len(ads), regexHits, runs, matched, skipped, 100*float64(skipped)/float64(runs))
	if skipped < runs/2 {
		t.Errorf("the prefilters skip %d of %d regex runs: too few", skipped, runs)
	}
}
