package textmodel

import "unicode/utf8"

// N-gram lengths, in runes, counted on the word padded with a space on
// each side (so " ab" marks a word start).
const (
	minN = 2
	maxN = 4
	// maxWordRunes bounds the runes of one word that make n-grams: a
	// hostile 1 MB "word" costs no more than a normal one.
	maxWordRunes = 48
)

// ngrams calls fn for every character n-gram of the words of normalised
// text b, with the byte span of the word it came from. Words are separated
// by spaces and line breaks (the normaliser's output); digits count as "0"
// so that amounts generalise.
func ngrams(b []byte, fn func(h uint64, ws, we int)) {
	var buf [4 * (maxWordRunes + 2)]byte
	var starts [maxWordRunes + 3]int
	for i := 0; i < len(b); {
		if b[i] == ' ' || b[i] == '\n' {
			i++
			continue
		}
		ws := i
		for i < len(b) && b[i] != ' ' && b[i] != '\n' {
			i++
		}
		word(b[ws:i], buf[:0], starts[:0], ws, i, fn)
	}
}

// word emits the n-gram hashes of one word, b[ws:we] of the text.
func word(w []byte, buf []byte, starts []int, ws, we int, fn func(h uint64, ws, we int)) {
	buf = append(buf, ' ')
	starts = append(starts, 0)
	for j, n := 0, 0; j < len(w) && n < maxWordRunes; n++ {
		r, size := utf8.DecodeRune(w[j:])
		starts = append(starts, len(buf))
		if r >= '0' && r <= '9' {
			buf = append(buf, '0')
		} else {
			buf = append(buf, w[j:j+size]...)
		}
		j += size
	}
	starts = append(starts, len(buf))
	buf = append(buf, ' ')
	starts = append(starts, len(buf)) // end of the last rune
	runes := len(starts) - 1
	// FNV-1a is incremental: the hash of an n-gram extends that of its
	// first n-1 runes, so each start position hashes its bytes once.
	for s := 0; s+minN <= runes; s++ {
		h := uint64(fnvOffset)
		for n := 1; n <= maxN && s+n <= runes; n++ {
			for _, c := range buf[starts[s+n-1]:starts[s+n]] {
				h ^= uint64(c)
				h *= fnvPrime
			}
			if n >= minN {
				fn(h, ws, we)
			}
		}
	}
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)
