package demoworld

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/recruitscan/recruitscan"
)

// LoadAds returns the embedded ads without starting the world (their URL
// and SourceID are empty), for tests that classify them directly.
func LoadAds() ([]Ad, error) {
	ads, err := parseAds("ads.yaml", adsYAML)
	if err != nil {
		return nil, fmt.Errorf("demoworld load: %w", err)
	}
	return ads, nil
}

// Domain returns the ad as a recruitscan.Ad without evidence, keyed by its
// data id (a crawl keys ads by source and URL instead: see crawler).
func (a Ad) Domain() recruitscan.Ad {
	return recruitscan.Ad{
		ID: a.ID, SourceID: a.SourceID, URL: a.URL, Title: a.Title, Body: a.Body,
		Employer: a.Employer, Location: a.Location, Salary: a.Salary, Contact: a.Contact,
		PostedAt: a.Posted,
	}
}

// jsonlAd is one line of WriteJSONL: the fields of the labelled dev corpus
// (shared/data/dev-ads.jsonl), so `recruitscan scan` and `eval` read it.
type jsonlAd struct {
	ID         string                  `json:"id"`
	Lang       string                  `json:"lang"`
	Title      string                  `json:"title"`
	Body       string                  `json:"body"`
	SourceKind string                  `json:"source_kind"`
	Label      Label                   `json:"label"`
	Indicators []recruitscan.Indicator `json:"indicators"`
	Notes      string                  `json:"notes,omitempty"`
}

// sourceKinds maps sites to the dev corpus's source_kind values.
var sourceKinds = map[Site]string{
	SiteBoard: "job_board", SiteSouq: "classifieds", SiteLegacy: "job_board",
	SiteTelegram: "telegram_channel", SiteFeed: "agency_site",
}

// WriteJSONL writes ads as labelled JSONL in the dev corpus's format, one
// object per line; benign ads get an empty indicator list (mitigating is
// left out, as in the corpus).
func WriteJSONL(w io.Writer, ads []Ad) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, a := range ads {
		line := jsonlAd{ID: a.ID, Lang: a.Lang, Title: a.Title, Body: a.Body,
			SourceKind: sourceKinds[a.Site], Label: a.Label, Indicators: []recruitscan.Indicator{}, Notes: a.Notes}
		for _, in := range a.Indicators {
			if in != recruitscan.Mitigating {
				line.Indicators = append(line.Indicators, in)
			}
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("demoworld write jsonl: ad %s: %w", a.ID, err)
		}
	}
	return nil
}
