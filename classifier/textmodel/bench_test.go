package textmodel

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/recruitscan/recruitscan/rules/norm"
)

// BenchmarkPredict is the embedded model over the dev corpus's normalised
// ads; one op is one ad.
func BenchmarkPredict(b *testing.B) {
	m, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("../../../shared/data/dev-ads.jsonl")
	if err != nil {
		b.Fatalf("dev corpus: %v", err)
	}
	defer f.Close()
	var ads [][2][]byte
	size := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d struct{ Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			b.Fatal(err)
		}
		ads = append(ads, [2][]byte{norm.Normalize(d.Title).Bytes(), norm.Normalize(d.Body).Bytes()})
		size += len(d.Title) + len(d.Body)
	}
	b.SetBytes(int64(size / len(ads)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := ads[i%len(ads)]
		m.Predict(a[0], a[1])
	}
}
