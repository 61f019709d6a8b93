package norm

import "unicode/utf8"

// joinSpacedLetters removes the spaces inside runs of three or more
// single-letter tokens ("f r e e visa" → "free visa"), a common way to
// slip key terms past keyword filters.
func (n *normalizer) joinSpacedLetters() {
	b := n.t.b
	drop := make(map[int]bool)
	run := []int{} // positions of spaces inside the current run
	letters := 0
	flush := func() {
		if letters >= 3 {
			for _, p := range run[:min(len(run), letters-1)] {
				drop[p] = true
			}
		}
		run, letters = run[:0], 0
	}
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\n' {
			j++
		}
		r, size := utf8.DecodeRune(b[i:j])
		single := j-i == size && j > i && IsWordRune(r) && !(r >= '0' && r <= '9')
		if !single {
			flush()
		} else {
			letters++
			if j < len(b) && j+1 < len(b) && b[j] == ' ' {
				run = append(run, j)
			}
		}
		if !single {
			run = run[:0]
		}
		i = j + 1
	}
	flush()
	if len(drop) == 0 {
		return
	}
	n.compact(drop)
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
