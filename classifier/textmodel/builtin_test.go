package textmodel_test

import (
	"bytes"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier/textmodel"
	"github.com/recruitscan/recruitscan/classifier/textmodel/trainset"
)

// TestBuiltinIsUpToDate retrains from the training sets and compares with
// the embedded model: a change to the sets, the features or the trainer
// without `go generate ./classifier/textmodel` fails here.
func TestBuiltinIsUpToDate(t *testing.T) {
	sets, err := trainset.Load("../..")
	if err != nil {
		t.Fatalf("%v (the shared data must sit beside the repository)", err)
	}
	m, err := textmodel.Train(trainset.All(sets), recruitscan.Indicators(), textmodel.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := textmodel.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if m.Version() != b.Version() {
		t.Fatalf("embedded model %s, retrained %s: run go generate ./classifier/textmodel", b.Version(), m.Version())
	}
	if n := len(trainset.All(sets)); n < 900 {
		t.Errorf("only %d training examples", n)
	}
}
