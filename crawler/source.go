package crawler

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"github.com/recruitscan/recruitscan"
)

// source is a Source with defaults applied and everything compiled.
type source struct {
	recruitscan.Source
	interval  time.Duration
	maxPages  int
	maxDepth  int
	delay     time.Duration
	parallel  int
	userAgent string
	header    http.Header
	adURL     *regexp.Regexp
	sel       matchers
	entries   []Task
}

// newSource validates s and applies defaults; every problem is reported
// with the source id and field.
func newSource(cfg *Config, s recruitscan.Source) (*source, []error) {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("source %q: %s: %w: %s", s.ID, field, ErrInvalidConfig, fmt.Sprintf(format, a...)))
	}
	src := &source{Source: s}
	if s.ID == "" {
		bad("id", "missing")
	}
	kind, ok := entryKind[s.Type]
	if !ok {
		bad("type", "%q is not html, feed, sitemap or telegram", s.Type)
	}
	if len(s.URLs) == 0 {
		bad("urls", "no entry URL")
	}
	for i, raw := range s.URLs {
		u, err := Canonicalize(raw)
		if err != nil {
			bad(fmt.Sprintf("urls[%d]", i), "%v", err)
			continue
		}
		src.entries = append(src.entries, Task{URL: u, Kind: kind})
	}
	if s.AdURLPattern != "" {
		re, err := regexp.Compile(s.AdURLPattern)
		if err != nil {
			bad("ad_url_pattern", "%v", err)
		}
		src.adURL = re
	}
	m, serrs := compileSelectors(s.ID, s.Selectors)
	src.sel = m
	errs = append(errs, serrs...)
	src.applyDefaults(cfg)
	h, err := buildHeader(cfg, s)
	if err != nil {
		bad("secret_env", "%v", err)
	}
	src.header = h
	return src, errs
}

var entryKind = map[recruitscan.SourceType]Kind{
	recruitscan.SourceHTML:     KindListing,
	recruitscan.SourceFeed:     KindFeed,
	recruitscan.SourceSitemap:  KindSitemap,
	recruitscan.SourceTelegram: KindListing,
}

func (src *source) applyDefaults(cfg *Config) {
	s := src.Source
	src.interval = orDefault(s.Interval, cfg.DefaultInterval)
	src.maxPages = orDefault(s.MaxPages, cfg.DefaultMaxPages)
	src.maxDepth = orDefault(s.MaxDepth, cfg.DefaultMaxDepth)
	src.delay = orDefault(s.Delay, cfg.DefaultDelay)
	src.delay = max(src.delay, 0)
	src.parallel = orDefault(s.Parallel, 1)
	src.userAgent = orDefault(s.UserAgent, cfg.UserAgent)
	if len(s.Domains) == 0 {
		// Default: stay on the entry URLs' hosts.
		for _, t := range src.entries {
			if u, err := url.Parse(t.URL); err == nil {
				src.Domains = append(src.Domains, u.Hostname())
			}
		}
	}
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// buildHeader merges the source's headers with its secret, read from the
// environment: "Name: value" is sent as that header, anything else as a
// Cookie.
func buildHeader(cfg *Config, s recruitscan.Source) (http.Header, error) {
	h := http.Header{}
	for k, v := range s.Headers {
		h.Set(k, v)
	}
	if s.SecretEnv == "" {
		return h, nil
	}
	v := cfg.Getenv(s.SecretEnv)
	if v == "" {
		return h, fmt.Errorf("environment variable %s is empty", s.SecretEnv)
	}
	if name, val, ok := strings.Cut(v, ":"); ok && !strings.ContainsAny(name, " =;") {
		h.Set(strings.TrimSpace(name), strings.TrimSpace(val))
	} else {
		h.Set("Cookie", v)
	}
	return h, nil
}

// matchers are an html source's selectors, compiled once; nil where the
// selector is not set.
type matchers struct {
	adLinks, nextPage, card, title, body, posted, employer, location, salary, contact goquery.Matcher
}

// compileSelectors compiles every selector, reporting each bad one with
// the source id and field.
func compileSelectors(id string, sel recruitscan.Selectors) (matchers, []error) {
	var m matchers
	var errs []error
	for _, f := range []struct {
		field string
		sel   string
		dst   *goquery.Matcher
	}{
		{"ad_links", sel.AdLinks, &m.adLinks}, {"next_page", sel.NextPage, &m.nextPage}, {"card", sel.Card, &m.card},
		{"title", sel.Title, &m.title}, {"body", sel.Body, &m.body}, {"posted", sel.Posted, &m.posted},
		{"employer", sel.Employer, &m.employer}, {"location", sel.Location, &m.location},
		{"salary", sel.Salary, &m.salary}, {"contact", sel.Contact, &m.contact},
	} {
		if f.sel == "" {
			continue
		}
		c, err := cascadia.Compile(f.sel)
		if err != nil {
			errs = append(errs, fmt.Errorf("source %q: selectors.%s: %w: %q: %v", id, f.field, ErrInvalidConfig, f.sel, err))
			continue
		}
		*f.dst = c
	}
	return m, errs
}

// allowed checks a URL against the source's domains (a domain allows its
// subdomains).
func (src *source) allowed(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: scheme %q", ErrBadURL, u.Scheme)
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range src.Domains {
		d = strings.ToLower(strings.TrimPrefix(d, "."))
		if host == d || strings.HasSuffix(host, "."+d) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrDomainNotAllowed, host)
}
