package norm

import "unicode/utf8"

// token is one word of the normalised text and the separator after it.
type token struct {
	start, end int
	single     bool // exactly one letter
	sep        byte // ' ', '\n' or 0 at the end
}

// joinSpacedLetters removes the spaces inside runs of three or more
// single-letter words separated by single spaces ("f r e e visa" → "free
// visa"), a common way to slip key terms past keyword filters. A run never
// crosses a sentence break.
func (n *normalizer) joinSpacedLetters() {
	if !hasSpacedLetters(n.t.b) {
		return
	}
	toks := n.tokens()
	var drop map[int]bool
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].single && (j == i || toks[j-1].sep == ' ') {
			j++
		}
		if j-i >= 3 {
			if drop == nil {
				drop = map[int]bool{}
			}
			for k := i; k < j-1; k++ {
				drop[toks[k].end] = true // the space between two letters of the run
			}
		}
		i = max(j, i+1)
	}
	if drop != nil {
		n.compact(drop)
	}
}

// hasSpacedLetters is a cheap pre-check: three one-letter words in a row,
// separated by single spaces.
func hasSpacedLetters(b []byte) bool {
	run := 0
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\n' {
			j++
		}
		if _, size := utf8.DecodeRune(b[i:j]); j > i && size == j-i {
			if run++; run >= 3 {
				return true
			}
		} else {
			run = 0
		}
		if j < len(b) && b[j] == '\n' {
			run = 0
		}
		i = j + 1
	}
	return false
}

func (n *normalizer) tokens() []token {
	b := n.t.b
	var toks []token
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\n' {
			j++
		}
		if j > i {
			r, size := utf8.DecodeRune(b[i:j])
			t := token{start: i, end: j, single: j-i == size && IsWordRune(r) && !(r >= '0' && r <= '9')}
			if j < len(b) {
				t.sep = b[j]
			}
			toks = append(toks, t)
		}
		i = j + 1
	}
	return toks
}

// compact removes the bytes at the given positions.
func (n *normalizer) compact(drop map[int]bool) {
	t := n.t
	k := 0
	for i := range t.b {
		if drop[i] {
			continue
		}
		t.b[k], t.start[k], t.end[k] = t.b[i], t.start[i], t.end[i]
		k++
	}
	t.b, t.start, t.end = t.b[:k], t.start[:k], t.end[:k]
}
