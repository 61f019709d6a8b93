package rules

import (
	"errors"
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
			rs.FindAll(data)
			rs.Lint()
		}
	})
}
