package rules

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParsePack: any bytes either parse into a pack that compiles, or
// yield errors; never a panic, and every parse error carries a position.
func FuzzParsePack(f *testing.F) {
	f.Add([]byte("pack: a\nrules:\n  - id: a.b\n    indicator: job_scam\n    description: d\n    phrases: [\"easy money\"]\n    examples: {match: [\"easy money\"]}\n"))
	f.Add([]byte("pack: a\nlists:\n  l: [x, y]\nrules:\n  - id: a.c\n    indicator: visa_trading\n    description: d\n    near: {a: [$l], b: [z], within: 2}\n    unless: {before: [no], window: 1}\n"))
	f.Add([]byte("pack: a\nrules:\n  - id: a.d\n    indicator: job_scam\n    description: d\n    regex: ['\\d+ usd']\n    trigger: [usd]\n  - id: a.e\n    indicator: job_scam\n    description: d\n    when: {all: [a.d], any: [job_scam], min_any: 1}\n"))
	f.Add([]byte("pack: [\n"))
	f.Add([]byte("rules:\n  - {id: x, wieght: 2}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pk, errs := parsePack("f.yaml", data)
		for _, err := range errs {
			var pe *PosError
			if !errors.As(err, &pe) || pe.File != "f.yaml" {
				t.Fatalf("error without position: %v", err)
			}
		}
		if pk == nil || len(errs) > 0 {
			return
		}
		rs, cerrs := compile([]*pack{pk}, nil)
		if len(cerrs) == 0 && rs != nil {
			rs.AppendMatches(nil, data)
			rs.Lint()
		}
	})
}

// FuzzAutomaton: patterns (the first input split at "|", empty and
// repeated ones dropped) found in text agree with the naive search.
func FuzzAutomaton(f *testing.F) {
	f.Add("he|she|his|hers", "ushers and his")
	f.Add("a|aa|aaa|b", "aaaabaaa")
	f.Add("عمل|ال|العمل", "بالعمل العمل")
	f.Add("x\x00|\xff\xfe|\x00", "\x00x\x00\xff\xfe")
	f.Fuzz(func(t *testing.T, pats, text string) {
		var ps []string
		for _, p := range strings.Split(pats, "|") {
			if p != "" && !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 || len(ps) > 64 || len(text) > 4096 {
			return
		}
		got := buildAutomaton(ps).findAll([]byte(text), nil)
		var want []Match
		for end := 1; end <= len(text); end++ {
			var here []Match
			for id, p := range ps {
				if strings.HasSuffix(text[:end], p) {
					here = append(here, Match{id, end - len(p), end})
				}
			}
			slices.SortFunc(here, func(x, y Match) int { return x.Start - y.Start }) // longest first
			want = append(want, here...)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("patterns %q in %q:\n got %v\nwant %v", ps, text, got, want)
		}
	})
}
