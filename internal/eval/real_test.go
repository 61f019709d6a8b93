package eval

import (
	"fmt"
	"os"
	"testing"
)

const realDir = "../../../shared/data/real/"

var emscadMap = CSVMap{Title: "title", Body: "company_profile+description+requirements+benefits", Label: "fraudulent", Positive: "1|t", ID: "job_id"}

func readCSVFile(t testing.TB, name string, m CSVMap) []Example {
	f, err := os.Open(realDir + name)
	if err != nil {
		t.Fatalf("real data: %v", err)
	}
	defer f.Close()
	exs, err := ReadCSV(f, name, m)
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

// TestRealLawfulFalsePositives holds the false-positive rate on real lawful
// ads (EMSCAD's legitimate rows, naukrigulf, bayt) at or under 2%.
func TestRealLawfulFalsePositives(t *testing.T) {
	var lawful []Example
	for _, ex := range readCSVFile(t, "emscad/first-499.csv", emscadMap) {
		if ex.Label == "benign" {
			lawful = append(lawful, ex)
		}
	}
	lawful = append(lawful, readCSVFile(t, "naukrigulf/data_jobs.csv", CSVMap{})...)
	lawful = append(lawful, readCSVFile(t, "bayt/sample_jobs.csv", CSVMap{})...)
	rep := Run(devClassifier(t), lawful, Options{FPOnly: true})
	if testing.Verbose() {
		rep.Write(os.Stdout, Verbose)
	}
	if r := rep.Total.FPRate(); r > 0.02 {
		t.Errorf("false-positive rate on %d lawful ads %.3f > 0.02", rep.N, r)
	}
}

// TestEMSCADFraudJobScamRecall reports job_scam recall on the 866 EMSCAD
// fraud ads (Western job scams: a report, not a bar from the issue).
func TestEMSCADFraudJobScamRecall(t *testing.T) {
	m := emscadMap
	m.ID = "" // this file has no job_id column
	exs := readCSVFile(t, "emscad/fraudulent_jobs.csv", m)
	for i := range exs {
		exs[i].Indicators = []string{"job_scam"}
	}
	rep := Run(devClassifier(t), exs, Options{})
	found := 0
	for _, i := range rep.Indicators {
		if i.Indicator == "job_scam" {
			found = i.Found
		}
	}
	fmt.Printf("EMSCAD fraud: %d ads, flagged %d (recall %.3f), job_scam named in %d (%.3f)\n",
		rep.N, rep.Total.TP, rep.Total.Recall(), found, float64(found)/float64(rep.N))
	if rep.Total.TP+rep.Total.FN != rep.N {
		t.Fatalf("labels not read: %+v", rep.Total)
	}
}
