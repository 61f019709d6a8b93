// Package eval measures a classifier against labelled ads: precision,
// recall and F1 of `flagged` against label == "risky", overall and per
// language, recall per indicator, and the false positives and misses with
// their hits. It reads the JSONL format of shared/data/dev-ads.jsonl and
// CSV files with a column mapping (EMSCAD, naukrigulf, bayt).
//
//	exs, err := eval.ReadJSONL(f)
//	rep := eval.Run(c, exs, eval.Options{})
//	rep.Write(os.Stdout, eval.Verbose)
package eval

import (
	"sort"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier"
)

// Example is one labelled ad.
type Example struct {
	ID         string   `json:"id"`
	Lang       string   `json:"lang"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Label      string   `json:"label"` // "risky" or "benign"; empty when unlabelled
	Indicators []string `json:"indicators"`
	Line       int      `json:"-"` // line or record number in the input
}

// Options tune a run.
type Options struct {
	// FPOnly treats every example as lawful: everything flagged is a false
	// positive (for unlabelled sets of real lawful ads).
	FPOnly bool
	// Positive is the label counted as risky; default "risky".
	Positive string
}

// Counts is a confusion matrix.
type Counts struct{ TP, FP, FN, TN int }

// Precision is TP/(TP+FP); 1 when nothing was flagged.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN); 1 when nothing was risky.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// FPRate is FP/(FP+TN).
func (c Counts) FPRate() float64 {
	if c.FP+c.TN == 0 {
		return 0
	}
	return float64(c.FP) / float64(c.FP+c.TN)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Outcome is one example's verdict.
type Outcome struct {
	Example Example
	Verdict recruitscan.Verdict
	Risky   bool
}

// IndicatorRecall counts, for one labelled indicator, the risky ads that
// carry it and how many of them were flagged with that indicator found.
type IndicatorRecall struct {
	Indicator  string
	Ads, Found int // ads labelled with it; of those, verdicts naming it
	Flagged    int // of those, ads flagged at all
}

// Report is the result of a run.
type Report struct {
	Total      Counts
	ByLang     map[string]*Counts
	Indicators []IndicatorRecall
	FPs        []Outcome
	Misses     []Outcome
	N          int
}

// Run classifies every example and tallies the results.
func Run(c *classifier.Classifier, exs []Example, o Options) *Report {
	if o.Positive == "" {
		o.Positive = "risky"
	}
	rep := &Report{ByLang: map[string]*Counts{}, N: len(exs)}
	ind := map[string]*IndicatorRecall{}
	for _, ex := range exs {
		v := c.Classify(recruitscan.Ad{ID: ex.ID, Title: ex.Title, Body: ex.Body})
		risky := !o.FPOnly && ex.Label == o.Positive
		out := Outcome{ex, v, risky}
		lang := ex.Lang
		if lang == "" {
			lang = v.Lang
		}
		lc := rep.ByLang[lang]
		if lc == nil {
			lc = &Counts{}
			rep.ByLang[lang] = lc
		}
		tally(&rep.Total, lc, risky, v.Flagged)
		switch {
		case v.Flagged && !risky:
			rep.FPs = append(rep.FPs, out)
		case !v.Flagged && risky:
			rep.Misses = append(rep.Misses, out)
		}
		if risky {
			countIndicators(ind, ex, v)
		}
	}
	for _, r := range ind {
		rep.Indicators = append(rep.Indicators, *r)
	}
	sort.Slice(rep.Indicators, func(i, j int) bool { return rep.Indicators[i].Indicator < rep.Indicators[j].Indicator })
	return rep
}

func tally(total, lang *Counts, risky, flagged bool) {
	for _, c := range []*Counts{total, lang} {
		switch {
		case risky && flagged:
			c.TP++
		case risky:
			c.FN++
		case flagged:
			c.FP++
		default:
			c.TN++
		}
	}
}

func countIndicators(ind map[string]*IndicatorRecall, ex Example, v recruitscan.Verdict) {
	for _, i := range ex.Indicators {
		r := ind[i]
		if r == nil {
			r = &IndicatorRecall{Indicator: i}
			ind[i] = r
		}
		r.Ads++
		if v.Flagged {
			r.Flagged++
		}
		for _, got := range v.Indicators {
			if string(got) == i {
				r.Found++
				break
			}
		}
	}
}
