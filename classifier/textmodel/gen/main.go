// Command gen trains the built-in text model and writes it to
// classifier/textmodel/model.bin.gz (run by go generate), or with -cv
// prints leave-one-set-out figures: each labelled set is scored by a model
// trained on all the others.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier/textmodel"
	"github.com/recruitscan/recruitscan/classifier/textmodel/trainset"
	"github.com/recruitscan/recruitscan/rules/norm"
)

func main() {
	root := flag.String("root", "../..", "the repository root (shared data beside it)")
	out := flag.String("out", "model.bin.gz", "where to write the model")
	cv := flag.Bool("cv", false, "print leave-one-set-out figures instead of writing the model")
	cvProbes := flag.Bool("cv-probes", false, "with -cv: hold out the probe sets instead of the labelled sets")
	flag.Parse()
	log.SetFlags(0)
	sets, err := trainset.Load(*root)
	if err != nil {
		log.Fatal(err)
	}
	if *cv {
		crossValidate(sets, *cvProbes)
		return
	}
	m, err := textmodel.Train(trainset.All(sets), recruitscan.Indicators(), textmodel.DefaultOptions)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d features, %d bytes, version %s\n", *out, m.Features(), buf.Len(), m.Version())
}

func crossValidate(sets []trainset.Set, probes bool) {
	taus := []float64{0.5, 0.6, 0.7, 0.8}
	type tally struct{ risky, benign, r1, r2, b1, b2, labels, found int }
	tot := make([]tally, len(taus))
	for k, s := range sets {
		if slices.Contains(trainset.Lawful, s.Name) || (trainset.Probes[s.Name] != nil) != probes {
			continue // always trained on
		}
		var train []textmodel.Example
		for j, o := range sets {
			if j != k {
				train = append(train, o.Examples...)
			}
		}
		m, err := textmodel.Train(train, recruitscan.Indicators(), textmodel.DefaultOptions)
		if err != nil {
			log.Fatal(err)
		}
		for _, ex := range s.Examples {
			p := m.Predict(norm.Normalize(ex.Title).Bytes(), norm.Normalize(ex.Body).Bytes())
			for ti, tau := range taus {
				t := &tot[ti]
				n, found := 0, 0
				for l, pr := range p.Probs {
					if pr >= tau {
						n++
						if slices.Contains(ex.Labels, m.Labels()[l]) {
							found++
						}
					}
				}
				if len(ex.Labels) > 0 {
					t.risky++
					t.labels += len(ex.Labels)
					t.found += found
					t.r1 += b2i(n >= 1)
					t.r2 += b2i(n >= 2)
				} else {
					t.benign++
					t.b1 += b2i(n >= 1)
					t.b2 += b2i(n >= 2)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "scored %s\n", s.Name)
	}
	what := "the labelled sets (probe sets and lawful real ads always in training)"
	if probes {
		what = "the probe sets (labelled sets and lawful real ads always in training; a probe's labels cover only its pack's indicators)"
	}
	fmt.Printf("leave-one-set-out over %s:\n", what)
	for ti, tau := range taus {
		t := tot[ti]
		fmt.Printf("p >= %.1f: risky ads with >=1 label %d/%d (%.2f), >=2 %d (%.2f); benign with >=1 %d/%d (%.3f), >=2 %d; labels found %.2f\n",
			tau, t.r1, t.risky, ratio(t.r1, t.risky), t.r2, ratio(t.r2, t.risky), t.b1, t.benign, ratio(t.b1, t.benign), t.b2, ratio(t.found, t.labels))
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
