package rules

import (
	"unicode"
	"unicode/utf8"
)

// script groups patterns by the writing system of their first letter.
type script uint8

const (
	scriptCommon script = iota // Latin, digits, symbols: always run
	scriptArabic
	scriptDevanagari
	scriptBengali
	scriptEthiopic
	scriptSinhala
	scriptOther
	numScripts
)

type scriptAuto struct {
	script script
	auto   *automaton
	ids    []int // automaton pattern id → RuleSet pattern id
}

// scriptOfRune classifies by block ranges (unicode.Is is a table search,
// too slow for every rune of every ad).
func scriptOfRune(r rune) script {
	switch {
	case r < 0x250:
		return scriptCommon
	case r >= 0x600 && r <= 0x6ff, r >= 0x750 && r <= 0x77f, r >= 0x8a0 && r <= 0x8ff, r >= 0xfb50 && r <= 0xfdff, r >= 0xfe70 && r <= 0xfeff:
		return scriptArabic
	case r >= 0x900 && r <= 0x97f:
		return scriptDevanagari
	case r >= 0x980 && r <= 0x9ff:
		return scriptBengali
	case r >= 0x1200 && r <= 0x139f, r >= 0x2d80 && r <= 0x2ddf, r >= 0xab00 && r <= 0xab2f:
		return scriptEthiopic
	case r >= 0xd80 && r <= 0xdff:
		return scriptSinhala
	}
	return scriptOther
}

// patternScript is the script of a pattern's first letter; patterns with
// no letter (numbers, symbols) are common.
func patternScript(p string) script {
	for _, r := range p {
		if unicode.IsLetter(r) {
			return scriptOfRune(r)
		}
	}
	return scriptCommon
}

// scriptsIn returns the set of scripts whose letters occur in b, as a bit
// mask. ASCII bytes are skipped without decoding.
func scriptsIn(b []byte) uint32 {
	var m uint32
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		m |= 1 << scriptOfRune(r)
		i += size
	}
	return m
}
