package textmodel

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules/norm"
)

var (
	fees   = recruitscan.WorkerPaysFees
	docs   = recruitscan.DocumentRetention
	labels = []recruitscan.Indicator{fees, docs}
)

// toyExamples: fee demands and passport keeping in a few wordings, and
// lawful ads about the same topics.
func toyExamples() []Example {
	var exs []Example
	for _, s := range []string{"pay the processing charges first", "processing charges 500 dollars before flight", "charges to be paid by you upfront", "deposit charges now", "you pay charges at the office"} {
		exs = append(exs, Example{Title: "job", Body: s, Labels: []recruitscan.Indicator{fees}})
	}
	for _, s := range []string{"passport kept by sponsor", "sponsor keeps the passport", "passport stays with the sponsor for two years", "the sponsor keeps all documents", "passport kept at the office"} {
		exs = append(exs, Example{Title: "job", Body: s, Labels: []recruitscan.Indicator{docs}})
	}
	for _, s := range []string{"software engineer, remote, health insurance", "nurse for a hospital, annual leave", "accountant with five years experience", "driver with a licence, salary monthly", "teacher for a school, apply online", "welder for a workshop, overtime paid"} {
		exs = append(exs, Example{Title: "job", Body: s})
	}
	return exs
}

func predict(m *Model, s string) Prediction { return m.Predict(norm.Normalize(s).Bytes()) }

func TestTrainGeneralisesToUnseenWordings(t *testing.T) {
	m, err := Train(toyExamples(), labels, TrainOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	feeAd := predict(m, "all charges paid upfront by the worker")
	docAd := predict(m, "the sponsor will keep your passports")
	lawful := predict(m, "engineer for a hospital, annual leave and insurance")
	t.Logf("fee ad %.2f/%.2f, passport ad %.2f/%.2f, lawful %.2f/%.2f", feeAd.Probs[0], feeAd.Probs[1], docAd.Probs[0], docAd.Probs[1], lawful.Probs[0], lawful.Probs[1])
	if feeAd.Probs[0] < 0.6 || feeAd.Probs[0] <= feeAd.Probs[1] {
		t.Errorf("fee ad: fees %.2f, documents %.2f", feeAd.Probs[0], feeAd.Probs[1])
	}
	if docAd.Probs[1] < 0.6 || docAd.Probs[1] <= docAd.Probs[0] {
		t.Errorf("passport ad: fees %.2f, documents %.2f", docAd.Probs[0], docAd.Probs[1])
	}
	if lawful.Probs[0] > 0.4 || lawful.Probs[1] > 0.4 {
		t.Errorf("lawful ad: %v", lawful.Probs)
	}
}

func TestEvidenceNamesTheWords(t *testing.T) {
	m, err := Train(toyExamples(), labels, TrainOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	text := norm.Normalize("Welcome! The SPONSOR keeps passports, good salary")
	p := m.Predict([]byte("title"), text.Bytes())
	ev := p.Evidence(2, 1)[0]
	if len(ev) != 2 {
		t.Fatalf("evidence %+v", ev)
	}
	var words []string
	for _, e := range ev {
		if e.Text != 1 || e.Start >= e.End || e.End > text.Len() || e.Weight <= 0 {
			t.Fatalf("bad evidence %+v", e)
		}
		words = append(words, string(text.Bytes()[e.Start:e.End]))
	}
	if ev[0].Weight < ev[1].Weight {
		t.Errorf("evidence not heaviest first: %+v", ev)
	}
	got := strings.Join(words, " ")
	if !strings.Contains(got, "sponsor") && !strings.Contains(got, "keeps") && !strings.Contains(got, "passports") {
		t.Errorf("evidence words %q, want the sponsor/keeps/passports words", got)
	}
}

func TestDeterministicAndRoundTrip(t *testing.T) {
	a, err := Train(toyExamples(), labels, TrainOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(toyExamples(), labels, TrainOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var ea, eb bytes.Buffer
	if err := a.Encode(&ea); err != nil {
		t.Fatal(err)
	}
	if err := b.Encode(&eb); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ea.Bytes(), eb.Bytes()) || a.Version() != b.Version() {
		t.Fatal("two trainings with the same seed differ")
	}
	c, err := Decode(ea.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != a.Version() || c.Features() != a.Features() {
		t.Fatalf("decoded version %s features %d, want %s %d", c.Version(), c.Features(), a.Version(), a.Features())
	}
	s := "processing charges paid first, passport with sponsor"
	pa, pc := predict(a, s), predict(c, s)
	for l := range pa.Probs {
		if math.Abs(pa.Probs[l]-pc.Probs[l]) > 1e-9 {
			t.Errorf("label %d: %v vs decoded %v", l, pa.Probs[l], pc.Probs[l])
		}
	}
}

func TestDecodeRejectsBadInput(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":   nil,
		"garbage": []byte("not a model at all"),
		"gzip of garbage": func() []byte {
			var buf bytes.Buffer
			m, _ := Train(toyExamples(), labels, TrainOptions{Seed: 1})
			_ = m.Encode(&buf)
			b := buf.Bytes()
			return b[:len(b)/2] // truncated
		}(),
	} {
		if _, err := Decode(data); !errors.Is(err, recruitscan.ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", name, err)
		}
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	if _, err := Train(nil, labels, TrainOptions{}); !errors.Is(err, recruitscan.ErrInvalid) {
		t.Errorf("no examples: %v", err)
	}
	if _, err := Train(toyExamples(), []recruitscan.Indicator{recruitscan.Mitigating}, TrainOptions{}); !errors.Is(err, recruitscan.ErrInvalid) {
		t.Errorf("mitigating label: %v", err)
	}
	if _, err := Train(toyExamples(), []recruitscan.Indicator{recruitscan.JobScam}, TrainOptions{}); !errors.Is(err, recruitscan.ErrInvalid) {
		t.Errorf("label without positives: %v", err)
	}
}

func TestNgrams(t *testing.T) {
	var n int
	var spans [][2]int
	ngrams([]byte("ab 12\nxyz"), func(h uint64, ws, we int) {
		n++
		if len(spans) == 0 || spans[len(spans)-1] != [2]int{ws, we} {
			spans = append(spans, [2]int{ws, we})
		}
	})
	// " ab ": 3+2+1 n-grams of 2..4 runes = 6; " 12 " likewise 6; " xyz ": 4+3+2 = 9.
	if n != 21 {
		t.Errorf("%d n-grams, want 21", n)
	}
	if want := [][2]int{{0, 2}, {3, 5}, {6, 9}}; len(spans) != 3 || spans[0] != want[0] || spans[1] != want[1] || spans[2] != want[2] {
		t.Errorf("spans %v", spans)
	}
	var same []uint64
	for _, s := range []string{"500", "123"} {
		var hs []uint64
		ngrams([]byte(s), func(h uint64, _, _ int) { hs = append(hs, h) })
		if same == nil {
			same = hs
		} else if len(hs) != len(same) || hs[0] != same[0] {
			t.Errorf("digits are not one class: %v vs %v", hs, same)
		}
	}
	// A hostile million-rune word costs what a 48-rune word does.
	n = 0
	ngrams(bytes.Repeat([]byte("ا"), 1<<20), func(uint64, int, int) { n++ })
	if n > 4*(maxWordRunes+2) {
		t.Errorf("%d n-grams from one long word", n)
	}
}

func TestConcurrentPredict(t *testing.T) {
	m, err := Train(toyExamples(), labels, TrainOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"pay charges first", "passport kept by sponsor", "nurse job", "charges and passport with sponsor"}
	want := make([][]float64, len(texts))
	for i, s := range texts {
		want[i] = predict(m, s).Probs
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := (g + i) % len(texts)
				got := predict(m, texts[k]).Probs
				for l := range got {
					if got[l] != want[k][l] {
						t.Errorf("%q: %v, want %v", texts[k], got, want[k])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestTable(t *testing.T) {
	var hs []uint64
	for i := range 5000 {
		hs = append(hs, hash([]byte(strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26))))
	}
	tb := newTable(hs)
	for f, h := range hs {
		if got, ok := tb.get(h); !ok || hs[got] != h {
			t.Fatalf("hash %x (feature %d): got %d %v", h, f, got, ok)
		}
	}
	for _, h := range []uint64{0, 1, hash([]byte("not stored"))} {
		if _, ok := tb.get(h); ok {
			t.Errorf("hash %x found", h)
		}
	}
}

// hash is 64-bit FNV-1a of b, as ngrams computes it incrementally.
func hash(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}
