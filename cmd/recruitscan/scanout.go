package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/recruitscan/recruitscan"
)

// scanEmitter writes verdicts in one output format; finish closes the
// document (json's closing bracket).
type scanEmitter struct {
	emit   func(id string, ad recruitscan.Ad, v recruitscan.Verdict) error
	finish func() error
}

func newScanEmitter(format string, w io.Writer) scanEmitter {
	none := func() error { return nil }
	switch format {
	case "json":
		first := true
		return scanEmitter{
			emit: func(id string, ad recruitscan.Ad, v recruitscan.Verdict) error {
				sep := ",\n  "
				if first {
					sep, first = "[\n  ", false
				}
				b, err := json.Marshal(toScanResult(id, v))
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(w, "%s%s", sep, b)
				return err
			},
			finish: func() error {
				end := "\n]\n"
				if first {
					end = "[]\n"
				}
				_, err := io.WriteString(w, end)
				return err
			},
		}
	case "text":
		return scanEmitter{emit: func(id string, ad recruitscan.Ad, v recruitscan.Verdict) error {
			return writeTextVerdict(w, id, ad, v)
		}, finish: none}
	default: // jsonl
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return scanEmitter{emit: func(id string, ad recruitscan.Ad, v recruitscan.Verdict) error {
			return enc.Encode(toScanResult(id, v))
		}, finish: none}
	}
}

// writeTextVerdict is the form for a person: the verdict, then each
// matched phrase with its indicator and the rule's explanation.
func writeTextVerdict(w io.Writer, id string, ad recruitscan.Ad, v recruitscan.Verdict) error {
	flag := "not flagged"
	if v.Flagged {
		flag = "FLAGGED for review"
	}
	langs := v.Lang
	if len(v.Langs) > 1 {
		langs = strings.Join(v.Langs, "+")
	}
	fmt.Fprintf(w, "%s: %s, level %s (score %.2f), language %s\n", id, flag, v.Level, v.Score, langs)
	if ad.Title != "" {
		fmt.Fprintf(w, "  title: %s\n", oneLine(ad.Title, 120))
	}
	if len(v.Indicators) > 0 {
		ids := make([]string, len(v.Indicators))
		for i, in := range v.Indicators {
			ids[i] = string(in)
		}
		fmt.Fprintf(w, "  indicators: %s\n", strings.Join(ids, ", "))
	}
	for _, h := range v.Hits {
		fmt.Fprintf(w, "  - %-24s %q (%s %d-%d) rule %s: %s\n", h.Indicator, h.Text, h.Field, h.Start, h.End, h.Rule, h.Description)
	}
	for _, h := range v.Mitigations {
		fmt.Fprintf(w, "  + mitigating %q rule %s: %s\n", h.Text, h.Rule, h.Description)
	}
	for _, e := range v.Entities {
		fmt.Fprintf(w, "  contact/amount %s: %s (%q)\n", e.Kind, e.Value, e.Text)
	}
	_, err := fmt.Fprintln(w)
	return err
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
