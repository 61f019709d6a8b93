package eval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/recruitscan/recruitscan/classifier"
	"github.com/recruitscan/recruitscan/rules"
)

const devCorpus = "../../../shared/data/dev-ads.jsonl"

func devClassifier(t testing.TB) *classifier.Classifier {
	rs, err := rules.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	c, err := classifier.NewWithBuiltinModel(classifier.Config{Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readDev(t testing.TB) []Example { return readSet(t, devCorpus) }

// readSet reads a labelled JSONL file.
func readSet(t testing.TB, name string) []Example {
	f, err := os.Open(name)
	if err != nil {
		t.Fatalf("%v (the shared data must sit beside the repository)", err)
	}
	defer f.Close()
	exs, err := ReadJSONL(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

// TestDevCorpus holds the quality bars on the development corpus.
func TestDevCorpus(t *testing.T) {
	rep := Run(devClassifier(t), readDev(t), Options{})
	if testing.Verbose() || os.Getenv("EVAL_REPORT") != "" {
		rep.Write(os.Stdout, Verbose)
	}
	if p := rep.Total.Precision(); p < 0.90 {
		t.Errorf("precision %.3f < 0.90", p)
	}
	if r := rep.Total.Recall(); r < 0.90 {
		t.Errorf("recall %.3f < 0.90", r)
	}
	for l, c := range rep.ByLang {
		if c.Recall() < 0.80 {
			t.Errorf("%s: recall %.3f < 0.80", l, c.Recall())
		}
	}
	for _, i := range rep.Indicators {
		if r := ratio(i.Found, i.Ads); r < 0.80 {
			t.Errorf("indicator %s: recall %.3f < 0.80", i.Indicator, r)
		}
	}
}

// TestParaphrases runs the thirteen paraphrase sets written for this package
// (testdata/heldout-*.jsonl: other wordings of every indicator in every
// language, hard negatives included). Each was used for tuning after its
// first measurement, so they guard against regressions, not overfitting.
func TestParaphrases(t *testing.T) {
	var exs []Example
	for _, name := range []string{"testdata/heldout-mine.jsonl", "testdata/heldout-round2.jsonl", "testdata/heldout-round3.jsonl", "testdata/heldout-round4.jsonl", "testdata/heldout-round5.jsonl", "testdata/heldout-round6.jsonl", "testdata/heldout-round7.jsonl", "testdata/heldout-round8.jsonl", "testdata/heldout-round9.jsonl", "testdata/heldout-round10.jsonl", "testdata/heldout-round11.jsonl", "testdata/heldout-round12.jsonl", "testdata/heldout-round13.jsonl"} {
		exs = append(exs, readSet(t, name)...)
	}
	rep := Run(devClassifier(t), exs, Options{})
	if testing.Verbose() {
		rep.Write(os.Stdout, Verbose)
	}
	if p, r := rep.Total.Precision(), rep.Total.Recall(); p < 0.9 || r < 0.9 {
		t.Errorf("paraphrases: precision %.3f recall %.3f, want >= 0.9 both", p, r)
	}
}

// TestProbes runs the probe sets the rule-pack authors wrote for their
// indicators (testdata/probes: short ads naming one indicator, and lawful
// ads on the same topics). A probe with one weak indicator is not meant to
// be flagged, so what is held is that the indicator is named in 95% of the
// risky probes and that at most 3% of the lawful ones are flagged. They
// were tuned on and train the text model: a regression guard, not a
// measure of generalisation.
func TestProbes(t *testing.T) {
	c := devClassifier(t)
	names, err := filepath.Glob("testdata/probes/*.jsonl")
	if err != nil || len(names) < 6 {
		t.Fatalf("probe sets: %v (%d found)", err, len(names))
	}
	for _, name := range names {
		exs := readSet(t, name)
		rep := Run(c, exs, Options{})
		ads, found := 0, 0
		for _, i := range rep.Indicators {
			ads += i.Ads
			found += i.Found
		}
		t.Logf("%s: %d ads, indicator named in %d/%d, lawful flagged %d/%d", name, len(exs), found, ads, rep.Total.FP, rep.Total.FP+rep.Total.TN)
		if r := ratio(found, ads); r < 0.95 {
			t.Errorf("%s: indicator named in %.3f of risky probes, want >= 0.95", name, r)
		}
		if r := rep.Total.FPRate(); r > 0.03 {
			t.Errorf("%s: %.3f of lawful probes flagged, want <= 0.03", name, r)
		}
	}
}
