package rules_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/recruitscan/recruitscan/rules"
)

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "packs")
	defer os.RemoveAll(dir)
	pack := "pack: mine\nrules:\n  - id: mine.r\n    indicator: job_scam\n    wieght: 2\n"
	os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(pack), 0o644)
	_, err := rules.Load(rules.Config{Dirs: []string{dir}, NoBuiltin: true})
	var pe *rules.PosError
	for _, e := range unwrapAll(err) {
		if errors.As(e, &pe) {
			fmt.Printf("line %d col %d: %s\n", pe.Line, pe.Col, pe.Msg)
		}
	}
	// Output:
	// line 5 col 5: unknown key "wieght" (known: description, examples, id, indicator, languages, mode, near, offsets, phrases, references, regex, trigger, unless, weight, when)
	// line 3 col 5: missing required key "description"
}

func unwrapAll(err error) []error {
	if j, ok := errors.Unwrap(err).(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
