package classifier

import (
	"fmt"
	"math"
	"sort"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// Config configures a Classifier. The zero value of every field but Rules
// means its default.
type Config struct {
	// Rules is the compiled rule set; required.
	Rules *rules.RuleSet
	// Threshold is the level at which a verdict is flagged; zero means
	// recruitscan.LevelMedium.
	Threshold recruitscan.Level
	// NoLanguageModel skips lingua-go for Latin-script text and uses
	// word markers only (faster start, lower accuracy).
	NoLanguageModel bool
}

// Classifier classifies ads. It is pure (no I/O), deterministic and safe
// for concurrent use.
type Classifier struct {
	rules     *rules.RuleSet
	threshold recruitscan.Level
	lang      *langID
}

// New returns a Classifier for cfg.
func New(cfg Config) (*Classifier, error) {
	if cfg.Rules == nil {
		return nil, fmt.Errorf("new classifier: rules: %w (required)", recruitscan.ErrInvalid)
	}
	if cfg.Threshold == recruitscan.LevelNone {
		cfg.Threshold = recruitscan.LevelMedium
	}
	if cfg.Threshold < recruitscan.LevelNone || cfg.Threshold > recruitscan.LevelHigh {
		return nil, fmt.Errorf("new classifier: threshold %d: %w", cfg.Threshold, recruitscan.ErrInvalid)
	}
	return &Classifier{rules: cfg.Rules, threshold: cfg.Threshold, lang: newLangID(!cfg.NoLanguageModel)}, nil
}

// Classify returns the verdict on ad. It fills AdID, ContentHash and
// RulesVersion.
func (c *Classifier) Classify(ad recruitscan.Ad) recruitscan.Verdict {
	fields := []field{
		{name: recruitscan.FieldTitle, orig: ad.Title, n: norm.Normalize(ad.Title)},
		{name: recruitscan.FieldBody, orig: ad.Body, n: norm.Normalize(ad.Body)},
	}
	v := c.match(fields)
	v.AdID = ad.ID
	v.ContentHash = ad.ContentHash()
	v.RulesVersion = c.rules.Version()
	v.Lang, v.Langs = c.lang.detect(ad.Title + "\n" + ad.Body)
	v.Entities = entities(fields, v.Lang)
	return v
}

// Match runs the rules over a title and body and returns the verdict
// without language or entities: the normalisation and matching stage
// alone, for benchmarks and rule tests.
func (c *Classifier) Match(title, body string) recruitscan.Verdict {
	return c.match([]field{
		{name: recruitscan.FieldTitle, orig: title, n: norm.Normalize(title)},
		{name: recruitscan.FieldBody, orig: body, n: norm.Normalize(body)},
	})
}

func (c *Classifier) match(fields []field) recruitscan.Verdict {
	out := evaluate(c.rules, fields, scan(c.rules, fields))
	v := recruitscan.Verdict{Hits: []recruitscan.Hit{}, Indicators: []recruitscan.Indicator{}}
	var active, mitigating []*rules.Rule
	for _, idx := range sortedKeys(out) {
		r := c.rules.Rules()[idx]
		hits := toHits(r, fields, out[idx])
		switch {
		case r.Mode == rules.Feature:
		case r.Mode == rules.Shadow:
			v.Shadow = append(v.Shadow, hits...)
		case r.Indicator == recruitscan.Mitigating:
			v.Mitigations = append(v.Mitigations, hits...)
			mitigating = append(mitigating, r)
		default:
			v.Hits = append(v.Hits, hits...)
			active = append(active, r)
		}
	}
	score, inds := scoreOf(active, mitigating)
	v.Score = math.Round(score*100) / 100
	v.Indicators = append(v.Indicators, inds...)
	v.Level = levelOf(v.Score)
	v.Flagged = v.Level >= c.threshold
	sortHits(v.Hits)
	sortHits(v.Mitigations)
	sortHits(v.Shadow)
	return v
}

func sortedKeys(m map[int][]match) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

func toHits(r *rules.Rule, fields []field, ms []match) []recruitscan.Hit {
	hits := make([]recruitscan.Hit, 0, len(ms))
	for _, m := range ms {
		f := fields[m.field]
		s, e := f.n.Span(m.start, m.end)
		if s >= e {
			continue
		}
		hits = append(hits, recruitscan.Hit{
			Rule: r.ID, Indicator: r.Indicator, Field: f.name, Start: s, End: e,
			Text: f.orig[s:e], Description: r.Description, Weight: r.Weight,
		})
	}
	return hits
}

func sortHits(h []recruitscan.Hit) {
	sort.SliceStable(h, func(i, j int) bool {
		a, b := h[i], h[j]
		if a.Field != b.Field {
			return a.Field == recruitscan.FieldTitle
		}
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.Rule < b.Rule
	})
}
