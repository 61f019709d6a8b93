package classifier

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
)

func devAds(tb testing.TB) []recruitscan.Ad { return readAds(tb, "../../shared/data/dev-ads.jsonl") }

// readAds reads the ads of JSONL files.
func readAds(tb testing.TB, files ...string) []recruitscan.Ad {
	var ads []recruitscan.Ad
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatalf("corpus: %v", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ad recruitscan.Ad
			if err := json.Unmarshal(sc.Bytes(), &ad); err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			ads = append(ads, ad)
		}
		f.Close()
	}
	return ads
}

func adBytes(ads []recruitscan.Ad) int64 {
	n := 0
	for _, a := range ads {
		n += len(a.Title) + len(a.Body)
	}
	return int64(n)
}

// BenchmarkClassify is the full classifier (normalise, language, match,
// text model, entities, score) over the dev corpus; one op is one ad.
func BenchmarkClassify(b *testing.B) { benchClassify(b, builtinWithModel(b)) }

// BenchmarkClassifyRulesOnly is the full classifier without the text model.
func BenchmarkClassifyRulesOnly(b *testing.B) { benchClassify(b, builtin(b)) }

func benchClassify(b *testing.B, c *Classifier) {
	ads := devAds(b)
	c.Classify(ads[0]) // language models loaded outside the timer
	b.SetBytes(adBytes(ads) / int64(len(ads)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(ads[i%len(ads)])
	}
}

// BenchmarkMatch is normalisation and matching alone; one op is one ad.
func BenchmarkMatch(b *testing.B) {
	c, ads := builtin(b), devAds(b)
	b.SetBytes(adBytes(ads) / int64(len(ads)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := ads[i%len(ads)]
		c.Match(a.Title, a.Body)
	}
}

// BenchmarkLoadBuiltin is parsing and compiling every built-in pack.
func BenchmarkLoadBuiltin(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := rules.LoadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}
