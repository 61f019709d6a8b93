package textmodel

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"

	"github.com/recruitscan/recruitscan"
)

// Model holds one logistic regression per label over TF-IDF weighted
// n-gram features.
type Model struct {
	labels  []recruitscan.Indicator
	hashes  []uint64 // feature → n-gram hash
	index   *table   // n-gram hash → feature
	idf     []float32
	q       []int8    // weights, feature-major: q[f*len(labels)+l] * scale[l]
	scale   []float32 // per label
	bias    []float32
	version string
	scratch sync.Pool // *scratch
}

// Labels returns the labels the model scores, in the order of
// Prediction.Probs.
func (m *Model) Labels() []recruitscan.Indicator {
	return append([]recruitscan.Indicator(nil), m.labels...)
}

// Version identifies the model's weights (a hash of its encoding).
func (m *Model) Version() string { return m.version }

// Features returns the number of n-gram features the model knows.
func (m *Model) Features() int { return len(m.idf) }

// occurrence is one n-gram of an ad that the model knows.
type occurrence struct {
	f      int32
	text   int32 // which of the texts passed to Predict
	ws, we int32 // the word's byte span in that text
}

type scratch struct {
	tf    []uint16 // per feature, zero between uses
	occs  []occurrence
	feats []feature
}

// Prediction is the model's view of one ad.
type Prediction struct {
	// Probs holds the probability of each label, in Labels order.
	Probs []float64
	m     *Model
	texts [][]byte
}

// feature is one feature's TF-IDF value in an ad.
type feature struct {
	f int32
	v float64
}

// vectorize computes the ad's TF-IDF vector (sublinear tf, L2-normalised)
// into feats. With occs, it also leaves the known n-grams' occurrences in
// sc.occs, for Evidence.
func (m *Model) vectorize(texts [][]byte, sc *scratch, feats []feature, occs bool) []feature {
	sc.occs = sc.occs[:0]
	first := feats[:0] // features in order of first sight; tf counted in sc.tf
	for t, b := range texts {
		ngrams(b, func(h uint64, ws, we int) {
			f, ok := m.index.get(h)
			if !ok {
				return
			}
			if sc.tf[f] == 0 {
				first = append(first, feature{f: f})
			}
			if sc.tf[f] < math.MaxUint16 {
				sc.tf[f]++
			}
			if occs {
				sc.occs = append(sc.occs, occurrence{f: f, text: int32(t), ws: int32(ws), we: int32(we)})
			}
		})
	}
	var sum float64
	for i, x := range first {
		v := (1 + math.Log(float64(sc.tf[x.f]))) * float64(m.idf[x.f])
		first[i].v = v
		sum += v * v
		sc.tf[x.f] = 0 // ready for the next ad
	}
	if sum > 0 {
		inv := 1 / math.Sqrt(sum)
		for i := range first {
			first[i].v *= inv
		}
	}
	return first
}

func (m *Model) getScratch() *scratch {
	if sc, ok := m.scratch.Get().(*scratch); ok {
		return sc
	}
	return &scratch{tf: make([]uint16, len(m.idf))}
}

// Predict scores the normalised texts of one ad (title and body, as the
// normaliser produced them) taken together. The Prediction keeps the
// texts for Evidence; the caller must not modify them.
func (m *Model) Predict(texts ...[]byte) Prediction {
	sc := m.getScratch()
	feats := m.vectorize(texts, sc, sc.feats[:0], false)
	L := len(m.labels)
	z := make([]float64, L)
	for l, b := range m.bias {
		z[l] = float64(b)
	}
	var acc [16]float64 // per label, before its scale (fits every taxonomy)
	dot := acc[:L:L]
	if L > len(acc) {
		dot = make([]float64, L)
	}
	for _, x := range feats {
		row := m.q[int(x.f)*L : int(x.f)*L+L]
		for l, q := range row {
			dot[l] += x.v * float64(q)
		}
	}
	for l := range z {
		z[l] = sigmoid(z[l] + dot[l]*float64(m.scale[l]))
	}
	sc.feats = feats
	m.scratch.Put(sc)
	return Prediction{Probs: z, m: m, texts: texts}
}

// Evidence is a word that weighed towards a label.
type Evidence struct {
	Text       int // index of the text passed to Predict
	Start, End int // byte span of the word in that normalised text
	Weight     float64
}

// Evidence returns, for each of labels, up to k words that pushed it up
// the most, heaviest first: each n-gram's share of the score goes to the
// word it came from. One pass over the ad serves every label.
func (p Prediction) Evidence(k int, labels ...int) [][]Evidence {
	out := make([][]Evidence, len(labels))
	if p.m == nil || len(labels) == 0 {
		return out
	}
	m := p.m
	sc := m.getScratch()
	defer m.scratch.Put(sc)
	feats := m.vectorize(p.texts, sc, nil, true)
	L := len(m.labels)
	x := make(map[int32]float64, len(feats))
	for _, f := range feats {
		x[f.f] = f.v
	}
	count := map[int32]int{}
	for _, o := range sc.occs {
		count[o.f]++
	}
	type key struct{ text, ws, we int32 }
	for li, l := range labels {
		byWord := map[key]float64{}
		for _, o := range sc.occs {
			byWord[key{o.text, o.ws, o.we}] += x[o.f] * float64(m.q[int(o.f)*L+l]) * float64(m.scale[l]) / float64(count[o.f])
		}
		var ev []Evidence
		for k, c := range byWord {
			if c > 0 {
				ev = append(ev, Evidence{Text: int(k.text), Start: int(k.ws), End: int(k.we), Weight: c})
			}
		}
		sort.Slice(ev, func(i, j int) bool {
			a, b := ev[i], ev[j]
			if a.Weight != b.Weight {
				return a.Weight > b.Weight
			}
			if a.Text != b.Text {
				return a.Text < b.Text
			}
			return a.Start < b.Start
		})
		out[li] = ev[:min(k, len(ev))]
	}
	return out
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// encoded is the stored form: weights quantised to int8 per label.
type encoded struct {
	Format int
	Labels []string
	Hashes []uint64
	IDF    []float32
	W      []int8
	Scale  []float32
	Bias   []float32
}

const format = 1

// Encode writes the model (gzip-compressed gob, weights quantised to 8
// bits per label).
func (m *Model) Encode(w io.Writer) error {
	e := encoded{Format: format, IDF: m.idf, Bias: m.bias, Scale: m.scale, W: m.q, Hashes: m.hashes}
	for _, l := range m.labels {
		e.Labels = append(e.Labels, string(l))
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(&e); err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	return zw.Close()
}

// Decode reads a model written by Encode.
func Decode(data []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode model: %w: %w", recruitscan.ErrInvalid, err)
	}
	var e encoded
	if err := gob.NewDecoder(zr).Decode(&e); err != nil {
		return nil, fmt.Errorf("decode model: %w: %w", recruitscan.ErrInvalid, err)
	}
	L, F := len(e.Labels), len(e.Hashes)
	switch {
	case e.Format != format:
		return nil, fmt.Errorf("decode model: format %d, want %d: %w", e.Format, format, recruitscan.ErrInvalid)
	case L == 0 || len(e.IDF) != F || len(e.W) != F*L || len(e.Scale) != L || len(e.Bias) != L:
		return nil, fmt.Errorf("decode model: inconsistent sizes (%d labels, %d features): %w", L, F, recruitscan.ErrInvalid)
	}
	m := &Model{hashes: e.Hashes, index: newTable(e.Hashes), idf: e.IDF, bias: e.Bias, q: e.W, scale: e.Scale}
	for _, s := range e.Labels {
		i := recruitscan.Indicator(s)
		if !i.Valid() {
			return nil, fmt.Errorf("decode model: label %q is not an indicator: %w", s, recruitscan.ErrInvalid)
		}
		m.labels = append(m.labels, i)
	}
	sum := sha256.Sum256(data)
	m.version = hex.EncodeToString(sum[:6])
	return m, nil
}
