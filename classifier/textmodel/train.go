package textmodel

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// Example is a labelled ad for training.
type Example struct {
	Title, Body string
	// Labels are the indicators the ad shows; none for a lawful ad.
	Labels []recruitscan.Indicator
	// Only, when set, limits the labels the example trains: an ad written
	// to probe one indicator is a positive for it but says nothing about
	// the others it may also show.
	Only []recruitscan.Indicator
}

// TrainOptions tune Train. Zero values mean the defaults.
type TrainOptions struct {
	MinDF  int     // n-grams in fewer examples are dropped (default 2)
	C      float64 // inverse strength of the L2 penalty (default 10)
	Epochs int     // passes of stochastic gradient descent (default 30)
	Rate   float64 // initial learning rate (default 0.5)
	Seed   uint64  // shuffling seed: the same seed gives the same model
}

func (o *TrainOptions) defaults() {
	if o.MinDF == 0 {
		o.MinDF = 2
	}
	if o.C == 0 {
		o.C = 10
	}
	if o.Epochs == 0 {
		o.Epochs = 30
	}
	if o.Rate == 0 {
		o.Rate = 0.5
	}
}

// Train fits one L2-regularised logistic regression per label (classes
// weighted to balance, as positives are rare) by stochastic gradient
// descent. It is deterministic for given examples and options.
func Train(exs []Example, labels []recruitscan.Indicator, o TrainOptions) (*Model, error) {
	o.defaults()
	if len(exs) == 0 || len(labels) == 0 {
		return nil, fmt.Errorf("train: %d examples, %d labels: %w", len(exs), len(labels), recruitscan.ErrInvalid)
	}
	for _, l := range labels {
		if !l.Valid() || l == recruitscan.Mitigating {
			return nil, fmt.Errorf("train: label %q is not a risk indicator: %w", l, recruitscan.ErrInvalid)
		}
	}
	// n-gram counts per example, and document frequencies.
	counts := make([]map[uint64]int, len(exs))
	df := map[uint64]int{}
	for i, ex := range exs {
		c := map[uint64]int{}
		for _, s := range []string{ex.Title, ex.Body} {
			ngrams(norm.Normalize(s).Bytes(), func(h uint64, _, _ int) { c[h]++ })
		}
		for h := range c {
			df[h]++
		}
		counts[i] = c
	}
	var hashes []uint64
	for h, n := range df {
		if n >= o.MinDF {
			hashes = append(hashes, h)
		}
	}
	slices.Sort(hashes)
	N, L, F := len(exs), len(labels), len(hashes)
	m := &Model{labels: slices.Clone(labels), hashes: hashes, index: newTable(hashes), idf: make([]float32, F), bias: make([]float32, L)}
	w := make([]float64, F*L) // feature-major, quantised at the end
	for f, h := range hashes {
		m.idf[f] = float32(math.Log(float64(1+N)/float64(1+df[h])) + 1)
	}
	docs := make([][]feature, N)
	for i, c := range counts {
		var d []feature
		for h, n := range c {
			if f, ok := m.index.get(h); ok {
				d = append(d, feature{f, (1 + math.Log(float64(n))) * float64(m.idf[f])})
			}
		}
		// Sorted before summing: map order must not change the bits.
		slices.SortFunc(d, func(a, b feature) int { return int(a.f - b.f) })
		var sum float64
		for _, x := range d {
			sum += x.v * x.v
		}
		for j := range d {
			if sum > 0 {
				d[j].v /= math.Sqrt(sum)
			}
		}
		docs[i] = d
	}
	for l, label := range labels {
		y := make([]float64, N)
		var use []int // the examples that train this label
		pos := 0
		for i, ex := range exs {
			if len(ex.Only) > 0 && !slices.Contains(ex.Only, label) {
				continue
			}
			use = append(use, i)
			if slices.Contains(ex.Labels, label) {
				y[i] = 1
				pos++
			}
		}
		n := len(use)
		if pos == 0 || pos == n {
			return nil, fmt.Errorf("train: label %s has %d of %d examples: %w", label, pos, n, recruitscan.ErrInvalid)
		}
		cw := [2]float64{float64(n) / (2 * float64(n-pos)), float64(n) / (2 * float64(pos))}
		wl, b := sgd(docs, use, y, cw, F, o, uint64(l))
		for f := range F {
			w[f*L+l] = wl[f]
		}
		m.bias[l] = float32(b)
	}
	m.q, m.scale = quantise(w, L)
	// The version of a model is that of its encoding.
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		return nil, err
	}
	return Decode(buf.Bytes())
}

// sgd minimises, over the examples in use, mean weighted log loss + λ/2 |w|², λ = 1/(C·N), with a
// decaying rate η_t = η0/(1+η0·λ·t) and the weight kept as scale·u so that
// the penalty costs O(1) a step (Bottou 2012, "Stochastic gradient descent
// tricks").
func sgd(docs [][]feature, use []int, y []float64, cw [2]float64, F int, o TrainOptions, stream uint64) ([]float64, float64) {
	N := len(use)
	lambda := 1 / (o.C * float64(N))
	u := make([]float64, F)
	scale, b := 1.0, 0.0
	rng := rand.New(rand.NewPCG(o.Seed, stream))
	order := slices.Clone(use)
	t := 0.0
	for range o.Epochs {
		rng.Shuffle(N, func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			eta := o.Rate / (1 + o.Rate*lambda*t)
			t++
			z := b
			for _, x := range docs[i] {
				z += scale * u[x.f] * x.v
			}
			g := cw[int(y[i])] * (sigmoid(z) - y[i])
			scale *= 1 - eta*lambda
			if scale < 1e-9 {
				for f := range u {
					u[f] *= scale
				}
				scale = 1
			}
			for _, x := range docs[i] {
				u[x.f] -= eta * g * x.v / scale
			}
			b -= eta * g
		}
	}
	for f := range u {
		u[f] *= scale
	}
	return u, b
}

// DefaultOptions are the options the built-in model is trained with.
var DefaultOptions = TrainOptions{MinDF: 2, C: 10, Epochs: 30, Rate: 0.5, Seed: 1}

// quantise maps each label's weights to int8 with one scale per label
// (its largest weight is 127): a quarter of the memory, and the stored form.
func quantise(w []float64, L int) ([]int8, []float32) {
	q, scale := make([]int8, len(w)), make([]float32, L)
	for l := range L {
		var mx float64
		for i := l; i < len(w); i += L {
			mx = max(mx, math.Abs(w[i]))
		}
		if mx == 0 {
			mx = 1
		}
		scale[l] = float32(mx / 127)
		for i := l; i < len(w); i += L {
			q[i] = int8(math.Round(w[i] / float64(scale[l])))
		}
	}
	return q, scale
}
