// Package trainset gathers the text model's training examples from the
// repository and the shared data beside it. The lists are explicit: the
// blind held-out sets (heldout-round14 and later) are never training data.
package trainset

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier/textmodel"
)

// Labelled are the labelled sets, relative to the repository root: the
// development corpus and the paraphrase rounds the rules were tuned on.
var Labelled = []string{
	"../shared/data/dev-ads.jsonl",
	"internal/eval/testdata/heldout-mine.jsonl",
	"internal/eval/testdata/heldout-round2.jsonl",
	"internal/eval/testdata/heldout-round3.jsonl",
	"internal/eval/testdata/heldout-round4.jsonl",
	"internal/eval/testdata/heldout-round5.jsonl",
	"internal/eval/testdata/heldout-round6.jsonl",
	"internal/eval/testdata/heldout-round7.jsonl",
	"internal/eval/testdata/heldout-round8.jsonl",
	"internal/eval/testdata/heldout-round9.jsonl",
	"internal/eval/testdata/heldout-round10.jsonl",
	"internal/eval/testdata/heldout-round11.jsonl",
	"internal/eval/testdata/heldout-round12.jsonl",
	"internal/eval/testdata/heldout-round13.jsonl",
}

// Lawful are real lawful job ads used as extra negatives (long, formal,
// English: the register the labelled sets lack). The real ads that measure
// false positives (EMSCAD, naukrigulf, bayt, saudijobs) are not among them.
var Lawful = []string{
	"../shared/data/real/remoteok-linkedin/remoteok.json",
	"../shared/data/real/weworkremotely/remote-jobs.rss",
}

// Probes are the probe sets the rule-pack authors wrote for their
// indicators (internal/eval/testdata/probes), each with the indicators it
// was written for: a risky probe trains only those (it may show others,
// unlabelled); a lawful probe is a negative for every indicator.
var Probes = map[string][]recruitscan.Indicator{
	"internal/eval/testdata/probes/coer.jsonl":  {recruitscan.CoerciveConditions},
	"internal/eval/testdata/probes/docs.jsonl":  {recruitscan.DocumentRetention},
	"internal/eval/testdata/probes/fees.jsonl":  {recruitscan.WorkerPaysFees, recruitscan.DeceptiveTerms, recruitscan.VulnerableTargeting},
	"internal/eval/testdata/probes/irreg.jsonl": {recruitscan.IrregularMigration, recruitscan.VisaTrading},
	"internal/eval/testdata/probes/misc.jsonl":  {recruitscan.AnonymousContact, recruitscan.PersonTransferSale, recruitscan.JobScam, recruitscan.SexualExploitationCues},
	"internal/eval/testdata/probes/urg.jsonl":   {recruitscan.UrgencyPressure},
}

// Set is a named group of examples (one file).
type Set struct {
	Name     string
	Examples []textmodel.Example
}

// Load reads every labelled, probe and lawful set under root.
func Load(root string) ([]Set, error) {
	var sets []Set
	for _, name := range Labelled {
		exs, err := readJSONL(filepath.Join(root, name))
		if err != nil {
			return nil, err
		}
		sets = append(sets, Set{Name: name, Examples: exs})
	}
	for _, name := range slices.Sorted(maps.Keys(Probes)) {
		exs, err := readJSONL(filepath.Join(root, name))
		if err != nil {
			return nil, err
		}
		for i := range exs {
			if len(exs[i].Labels) > 0 {
				exs[i].Only = Probes[name]
			}
		}
		sets = append(sets, Set{Name: name, Examples: exs})
	}
	ok, err := readRemoteOK(filepath.Join(root, Lawful[0]))
	if err != nil {
		return nil, err
	}
	wwr, err := readRSS(filepath.Join(root, Lawful[1]))
	if err != nil {
		return nil, err
	}
	return append(sets, Set{Name: Lawful[0], Examples: ok}, Set{Name: Lawful[1], Examples: wwr}), nil
}

// All flattens sets.
func All(sets []Set) []textmodel.Example {
	var out []textmodel.Example
	for _, s := range sets {
		out = append(out, s.Examples...)
	}
	return out
}

func readJSONL(path string) ([]textmodel.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	defer f.Close()
	var out []textmodel.Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var r struct {
			Title, Body, Label string
			Indicators         []string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		ex := textmodel.Example{Title: r.Title, Body: r.Body}
		if r.Label == "risky" {
			for _, i := range r.Indicators {
				ind := recruitscan.Indicator(i)
				if !ind.Valid() || ind == recruitscan.Mitigating {
					return nil, fmt.Errorf("%s:%d: unknown indicator %q", path, line, i)
				}
				ex.Labels = append(ex.Labels, ind)
			}
		}
		out = append(out, ex)
	}
	return out, sc.Err()
}

func readRemoteOK(path string) ([]textmodel.Example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	var jobs []struct{ Position, Description string }
	if err := json.Unmarshal(b, &jobs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []textmodel.Example
	for _, j := range jobs {
		if j.Position != "" { // element 0 is the API's legal notice
			out = append(out, textmodel.Example{Title: j.Position, Body: text(j.Description)})
		}
	}
	return out, nil
}

func readRSS(path string) ([]textmodel.Example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	var rss struct {
		Items []struct {
			Title       string `xml:"title"`
			Description string `xml:"description"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(b, &rss); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []textmodel.Example
	for _, it := range rss.Items {
		out = append(out, textmodel.Example{Title: it.Title, Body: text(it.Description)})
	}
	return out, nil
}

// text returns the text of an HTML fragment, blocks on their own lines.
func text(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte('\n')
		}
	}
}
