package demoworld

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"gopkg.in/yaml.v3"

	"github.com/recruitscan/recruitscan"
)

//go:embed ads.yaml
var adsYAML []byte

// Site names the site style an ad is published on.
type Site string

// The sites of the world.
const (
	SiteBoard    Site = "board"    // job board: listing pages, pagination, detail pages
	SiteSouq     Site = "souq"     // classifieds: listing cards, some with detail pages
	SiteTelegram Site = "telegram" // public channel web preview (t.me/s/<channel>)
	SiteFeed     Site = "feed"     // RSS 2.0 feed of an overseas-jobs agency aggregator
	SiteLegacy   Site = "legacy"   // old Arabic job site in windows-1256: list.php, job.php
)

// legacyCharset is the encoding of every page of the legacy site.
const legacyCharset = "windows-1256"

// Label is the ground truth of an ad: what a trained reviewer would say.
type Label string

// Labels.
const (
	Risky  Label = "risky"
	Benign Label = "benign"
)

// Languages are the language tags the world's ads use: ISO 639-1 codes, and
// "ar-Latn" for Arabizi (Arabic in Latin script).
var Languages = []string{"ar", "ar-Latn", "am", "bn", "en", "fr", "hi", "id", "ne", "si", "sw", "tl", "ur"}

// Ad is one ad of the demo world as written in ads.yaml, with its ground
// truth. URL is filled in when the world starts.
type Ad struct {
	ID   string `yaml:"id"`
	Site Site   `yaml:"site"`
	// Channel is the Telegram channel of a telegram post.
	Channel string `yaml:"channel,omitempty"`
	// Category is the classifieds category (jobs or domestic) of a souq ad.
	Category string `yaml:"category,omitempty"`
	// Detail: a souq ad has its own detail page (otherwise it is read from
	// its listing card).
	Detail   bool      `yaml:"detail,omitempty"`
	Lang     string    `yaml:"lang"`
	Title    string    `yaml:"title"`
	Body     string    `yaml:"body"`
	Employer string    `yaml:"employer,omitempty"`
	Location string    `yaml:"location,omitempty"`
	Salary   string    `yaml:"salary,omitempty"`
	Contact  string    `yaml:"contact,omitempty"`
	Posted   time.Time `yaml:"posted"`
	// Phones are the phone numbers written in the ad (in any form), in
	// E.164, so linked ads can be derived from data.
	Phones     []string                `yaml:"phones,omitempty"`
	Label      Label                   `yaml:"label"`
	Indicators []recruitscan.Indicator `yaml:"indicators,omitempty"`
	Notes      string                  `yaml:"notes,omitempty"`

	// URL is where a crawler finds the ad: its detail page, the listing
	// page holding its card, its channel post link or its feed item link.
	URL string `yaml:"-"`
	// SourceID is the id of the Source (see World.Sources) that finds it.
	SourceID string `yaml:"-"`
	// Post is a telegram post's number in its channel.
	Post int `yaml:"-"`
	// Charset of the pages the ad is on: "" (UTF-8) or, on the legacy
	// site, "windows-1256".
	Charset string `yaml:"-"`
}

// Risky reports whether the ad's label is risky.
func (a Ad) Risky() bool { return a.Label == Risky }

// ErrBadData marks an invalid ads file.
var ErrBadData = errors.New("invalid demo ad data")

var (
	idRE    = regexp.MustCompile(`^[a-z]+-[0-9]{3}$`)
	e164RE  = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)
	chanRE  = regexp.MustCompile(`^[a-z][a-z0-9_]{4,31}$`)
	souqCat = []string{"jobs", "domestic"}
	lineRE  = regexp.MustCompile(`^line ([0-9]+):`)
)

// parseAds reads ads strictly (unknown keys are errors) and validates every
// ad, reporting all problems at once with name:line.
func parseAds(name string, data []byte) ([]Ad, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var ads []Ad
	if err := dec.Decode(&ads); err != nil {
		return nil, fmt.Errorf("parse %s: %w: %w", name, ErrBadData, yamlPlaces(name, err))
	}
	var nodes []yaml.Node
	if err := yaml.Unmarshal(data, &nodes); err != nil {
		return nil, fmt.Errorf("parse %s: %w: %w", name, ErrBadData, err)
	}
	var errs []error
	seen := map[string]int{}
	for i := range ads {
		trimAd(&ads[i])
		if ads[i].Site == SiteLegacy {
			ads[i].Charset = legacyCharset
		}
		line := 0
		if i < len(nodes) {
			line = nodes[i].Line
		}
		if prev, dup := seen[ads[i].ID]; dup {
			errs = append(errs, fmt.Errorf("%s:%d: id %q already used at line %d", name, line, ads[i].ID, prev))
		}
		seen[ads[i].ID] = line
		for _, p := range validateAd(&ads[i]) {
			errs = append(errs, fmt.Errorf("%s:%d: ad %s: %s", name, line, ads[i].ID, p))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("validate %s: %w: %w", name, ErrBadData, errors.Join(errs...))
	}
	return ads, nil
}

// yamlPlaces rewrites yaml.v3's "line N: …" messages as "name:N: …".
func yamlPlaces(name string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	errs := make([]error, len(te.Errors))
	for i, m := range te.Errors {
		errs[i] = errors.New(lineRE.ReplaceAllString(m, name+":$1:"))
	}
	return errors.Join(errs...)
}

// trimAd drops the surrounding white space of the text fields (block
// scalars end in a newline).
func trimAd(a *Ad) {
	for _, f := range []*string{&a.Title, &a.Body, &a.Employer, &a.Location, &a.Salary, &a.Contact, &a.Notes} {
		*f = strings.TrimSpace(*f)
	}
}

// validateAd returns the problems of one ad, as lower-case phrases.
func validateAd(a *Ad) []string {
	var p []string
	check := func(ok bool, msg string, args ...any) {
		if !ok {
			p = append(p, fmt.Sprintf(msg, args...))
		}
	}
	check(idRE.MatchString(a.ID), "id %q: want like b-001", a.ID)
	check(slices.Contains(Languages, a.Lang), "lang %q: not one of %v", a.Lang, Languages)
	check(strings.TrimSpace(a.Title) != "", "title: empty")
	check(strings.TrimSpace(a.Body) != "", "body: empty")
	check(!a.Posted.IsZero(), "posted: missing")
	p = append(p, validateSite(a)...)
	p = append(p, validateLabel(a)...)
	for _, ph := range a.Phones {
		check(e164RE.MatchString(ph), "phones: %q is not E.164", ph)
		check(mentionsPhone(a, ph), "phones: %q does not appear in the ad's text", ph)
	}
	return p
}

func validateSite(a *Ad) []string {
	var p []string
	switch a.Site {
	case SiteBoard, SiteFeed, SiteLegacy:
	case SiteSouq:
		if !slices.Contains(souqCat, a.Category) {
			p = append(p, fmt.Sprintf("category %q: want one of %v", a.Category, souqCat))
		}
	case SiteTelegram:
		if !chanRE.MatchString(a.Channel) {
			p = append(p, fmt.Sprintf("channel %q: want a t.me channel name", a.Channel))
		}
	default:
		p = append(p, fmt.Sprintf("site %q: want board, souq, legacy, telegram or feed", a.Site))
	}
	if a.Site != SiteTelegram && a.Channel != "" {
		p = append(p, "channel: only for telegram posts")
	}
	if a.Site != SiteSouq && (a.Category != "" || a.Detail) {
		p = append(p, "category, detail: only for souq ads")
	}
	return p
}

func validateLabel(a *Ad) []string {
	var p []string
	switch a.Label {
	case Risky:
		if len(a.Indicators) == 0 {
			p = append(p, "indicators: a risky ad needs at least one")
		}
	case Benign:
		for _, in := range a.Indicators {
			if in != recruitscan.Mitigating {
				p = append(p, fmt.Sprintf("indicators: benign ad has %q (only mitigating allowed)", in))
			}
		}
	default:
		p = append(p, fmt.Sprintf("label %q: want risky or benign", a.Label))
	}
	for _, in := range a.Indicators {
		if !in.Valid() {
			p = append(p, fmt.Sprintf("indicators: %q is not a taxonomy id", in))
		}
	}
	return p
}

// mentionsPhone reports whether the ad's text holds the phone's national
// significant number, in any digit script and with any separators.
func mentionsPhone(a *Ad, e164 string) bool {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return false
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	text := asciiDigits(a.Title + "\n" + a.Body + "\n" + a.Contact)
	return len(nsn) >= 6 && strings.Contains(text, nsn)
}

// asciiDigits keeps only the decimal digits of s, as ASCII.
func asciiDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if d, ok := digitValue(r); ok {
			b.WriteByte('0' + byte(d))
		}
	}
	return b.String()
}

// digitValue maps a Unicode decimal digit (Nd) to its value. Decimal digits
// come in contiguous runs of ten starting at zero (Arabic-Indic, Devanagari,
// Bengali…), so the value is the distance from the run's start, modulo ten.
func digitValue(r rune) (int, bool) {
	if !unicode.IsDigit(r) {
		return 0, false
	}
	n := 0
	for unicode.IsDigit(r - rune(n) - 1) {
		n++
	}
	return n % 10, true
}
