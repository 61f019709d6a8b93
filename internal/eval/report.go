package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/recruitscan/recruitscan"
)

// Detail selects how much Write prints.
type Detail int

// Details.
const (
	Summary Detail = iota // figures only
	Verbose               // figures, then FPs and misses with their hits
)

// Write prints the report.
func (r *Report) Write(w io.Writer, d Detail) {
	t := r.Total
	fmt.Fprintf(w, "ads %d  flagged %d  risky %d\n", r.N, t.TP+t.FP, t.TP+t.FN)
	fmt.Fprintf(w, "overall   precision %.3f  recall %.3f  F1 %.3f  FP rate %.3f  (TP %d FP %d FN %d TN %d)\n",
		t.Precision(), t.Recall(), t.F1(), t.FPRate(), t.TP, t.FP, t.FN, t.TN)
	langs := make([]string, 0, len(r.ByLang))
	for l := range r.ByLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	fmt.Fprintln(w, "\nper language:")
	for _, l := range langs {
		c := r.ByLang[l]
		fmt.Fprintf(w, "  %-8s precision %.3f  recall %.3f  F1 %.3f  (TP %d FP %d FN %d TN %d)\n",
			l, c.Precision(), c.Recall(), c.F1(), c.TP, c.FP, c.FN, c.TN)
	}
	if len(r.Indicators) > 0 {
		fmt.Fprintln(w, "\nper indicator (risky ads labelled with it): found = verdict names it; flagged = ad flagged")
		for _, i := range r.Indicators {
			fmt.Fprintf(w, "  %-26s ads %3d  found %.3f  flagged %.3f\n", i.Indicator, i.Ads,
				ratio(i.Found, i.Ads), ratio(i.Flagged, i.Ads))
		}
	}
	if d == Verbose {
		writeOutcomes(w, "false positives", r.FPs)
		writeOutcomes(w, "misses", r.Misses)
	}
}

func writeOutcomes(w io.Writer, title string, os []Outcome) {
	fmt.Fprintf(w, "\n%s (%d):\n", title, len(os))
	for _, o := range os {
		v := o.Verdict
		fmt.Fprintf(w, "- %s [%s] level %s score %.2f: %s\n", o.Example.ID, o.Example.Lang, v.Level, v.Score, oneLine(o.Example.Title, 80))
		if len(o.Example.Indicators) > 0 {
			fmt.Fprintf(w, "    labelled: %s\n", strings.Join(o.Example.Indicators, ", "))
		}
		writeHits(w, "hit", v.Hits)
		writeHits(w, "mitigation", v.Mitigations)
	}
}

func writeHits(w io.Writer, kind string, hs []recruitscan.Hit) {
	for _, h := range hs {
		fmt.Fprintf(w, "    %s %s (%s, %.1f): %q\n", kind, h.Rule, h.Indicator, h.Weight, oneLine(h.Text, 60))
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
