package rules

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/coregx/ahocorasick"

	"github.com/recruitscan/recruitscan/rules/norm"
)

// dfaFindAll is the reference: the DFA of github.com/coregx/ahocorasick.
func dfaFindAll(t testing.TB, patterns []string, texts [][]byte) [][]Match {
	b := ahocorasick.NewBuilder().SetMatchKind(ahocorasick.LeftmostLongest)
	for _, p := range patterns {
		b.AddPattern([]byte(p))
	}
	dfa, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]Match, len(texts))
	for i, text := range texts {
		for _, m := range dfa.FindAllOverlapping(text) {
			out[i] = append(out[i], Match{PatternID: m.PatternID, Start: m.Start, End: m.End})
		}
	}
	return out
}

func TestAutomatonSmall(t *testing.T) {
	pats := []string{"ab", "b", "abc", "bcd", "c", "abcd", "x", "ﺍﻝ", "عمل"}
	a := buildAutomaton(pats)
	got := a.findAll([]byte("abcde abc العمل"), nil)
	want := []Match{{0, 0, 2}, {1, 1, 2}, {2, 0, 3}, {4, 2, 3}, {5, 0, 4}, {3, 1, 4}, {0, 6, 8}, {1, 7, 8}, {2, 6, 9}, {4, 8, 9}, {8, 14, 20}}
	if !slices.Equal(got, want) {
		t.Errorf("findAll = %v\nwant      %v", got, want)
	}
	if got := a.findAll(nil, nil); len(got) != 0 {
		t.Errorf("findAll(nil) = %v", got)
	}
}

// TestAutomatonWideStates: a state with an edge for every byte value.
func TestAutomatonWideStates(t *testing.T) {
	var pats []string
	for c := range 256 {
		pats = append(pats, string([]byte{'a', 'b', byte(c)}), string([]byte{'z', byte(c)}))
	}
	var text []byte
	for c := range 256 {
		text = append(text, 'a', 'b', byte(c), 'z', byte(255-c))
	}
	// The DFA panics on these (every byte its own class), so the
	// reference is the naive search.
	var want []Match
	for end := 1; end <= len(text); end++ {
		var here []Match
		for id, p := range pats {
			if end >= len(p) && string(text[end-len(p):end]) == p {
				here = append(here, Match{id, end - len(p), end})
			}
		}
		slices.SortFunc(here, func(x, y Match) int { return x.Start - y.Start }) // longest first
		want = append(want, here...)
	}
	if got := buildAutomaton(pats).findAll(text, nil); !slices.Equal(got, want) {
		t.Errorf("findAll = %v\nwant %v", got, want)
	}
	if len(want) < 256 {
		t.Errorf("%d matches; want one per byte value at least", len(want))
	}
}

// corpusRaw: title and body of every ad of the probe sets and the dev
// corpus.
func corpusRaw(t testing.TB) []string {
	files, _ := filepath.Glob("../internal/eval/testdata/probes/*.jsonl")
	files = append(files, "../../shared/data/dev-ads.jsonl")
	var out []string
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatalf("corpus: %v", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ad struct{ Title, Body string }
			if err := json.Unmarshal(sc.Bytes(), &ad); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, ad.Title+"\n"+ad.Body)
		}
		f.Close()
	}
	if len(out) < 2000 {
		t.Fatalf("corpus: %d texts; want the dev corpus and the probes", len(out))
	}
	return out
}

// corpusTexts: corpusRaw normalised, as the classifier sees it.
func corpusTexts(t testing.TB) [][]byte {
	var out [][]byte
	for _, s := range corpusRaw(t) {
		out = append(out, norm.Normalize(s).Bytes())
	}
	return out
}

// TestAutomatonMatchesDFA: on every script group of the built-in packs,
// the automaton finds exactly what the DFA finds, in the same order, on
// the dev corpus, the probes, and texts spliced from pieces of patterns
// (which overlap and nest far more than ads do).
func TestAutomatonMatchesDFA(t *testing.T) {
	rs, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	texts := corpusTexts(t)
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		var b []byte
		for range 40 {
			p := rs.patterns[r.IntN(len(rs.patterns))]
			i, j := r.IntN(len(p)+1), r.IntN(len(p)+1)
			if r.IntN(2) == 0 {
				i, j = 0, len(p)
			}
			b = append(b, p[min(i, j):max(i, j)]...)
			if r.IntN(3) == 0 {
				b = append(b, ' ')
			}
		}
		texts = append(texts, b)
	}
	total := 0
	for _, sa := range rs.autos {
		pats := make([]string, len(sa.ids))
		for i, id := range sa.ids {
			pats[i] = rs.patterns[id]
		}
		want := dfaFindAll(t, pats, texts)
		a := buildAutomaton(pats)
		for i, text := range texts {
			got := a.findAll(text, nil)
			total += len(got)
			if !slices.Equal(got, want[i]) {
				t.Errorf("script %d, text %d %q:\n got %v\nwant %v", sa.script, i, text, got, want[i])
				break
			}
		}
	}
	if total < 40000 {
		t.Errorf("only %d matches over the texts: the comparison is too thin", total)
	}
	t.Logf("%d texts, %d matches, identical", len(texts), total)
}

// BenchmarkFindAll is the automata over the dev corpus, one op one ad.
func BenchmarkFindAll(b *testing.B) {
	rs, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	texts := corpusTexts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs.AppendMatches(nil, texts[i%len(texts)])
	}
}

// BenchmarkFindAllDFA is the baseline: the same groups as coregx DFAs.
func BenchmarkFindAllDFA(b *testing.B) {
	rs, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	var dfas []*ahocorasick.Automaton
	for _, sa := range rs.autos {
		bld := ahocorasick.NewBuilder().SetMatchKind(ahocorasick.LeftmostLongest)
		for _, id := range sa.ids {
			bld.AddPattern([]byte(rs.patterns[id]))
		}
		dfa, err := bld.Build()
		if err != nil {
			b.Fatal(err)
		}
		dfas = append(dfas, dfa)
	}
	texts := corpusTexts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		text := texts[i%len(texts)]
		present := scriptsIn(text)
		for k, sa := range rs.autos {
			if sa.script != scriptCommon && present&(1<<sa.script) == 0 {
				continue
			}
			dfas[k].FindAllOverlapping(text)
		}
	}
}
