package recruitscan

import "time"

// SourceType names how a source is crawled.
type SourceType string

// Source types.
const (
	SourceHTML     SourceType = "html"
	SourceFeed     SourceType = "feed"
	SourceSitemap  SourceType = "sitemap"
	SourceTelegram SourceType = "telegram"
)

// Source is one configured place to collect ads from. It is parsed from the
// YAML config (strictly: unknown keys are errors).
type Source struct {
	ID        string            `yaml:"id" json:"id"`
	Type      SourceType        `yaml:"type" json:"type"`
	Name      string            `yaml:"name,omitempty" json:"name,omitempty"`
	URLs      []string          `yaml:"urls" json:"urls"`
	Interval  time.Duration     `yaml:"interval,omitempty" json:"interval,omitempty"`
	MaxPages  int               `yaml:"max_pages,omitempty" json:"max_pages,omitempty"`
	MaxDepth  int               `yaml:"max_depth,omitempty" json:"max_depth,omitempty"`
	Delay     time.Duration     `yaml:"delay,omitempty" json:"delay,omitempty"`
	Parallel  int               `yaml:"parallelism,omitempty" json:"parallelism,omitempty"`
	Domains   []string          `yaml:"allowed_domains,omitempty" json:"allowed_domains,omitempty"`
	UserAgent string            `yaml:"user_agent,omitempty" json:"user_agent,omitempty"`
	Headers   map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// SecretEnv names an environment variable whose value is sent as a
	// header ("Name: value") or cookie for login-walled boards. The value
	// is read at start and never logged.
	SecretEnv string `yaml:"secret_env,omitempty" json:"secret_env,omitempty"`
	// IgnoreRobots turns robots.txt off for this source (on by default).
	IgnoreRobots bool `yaml:"ignore_robots,omitempty" json:"ignore_robots,omitempty"`
	// AllowPrivate lets this source reach loopback and private addresses
	// (refused by default). The demo and tests set it for loopback.
	AllowPrivate bool `yaml:"allow_private,omitempty" json:"allow_private,omitempty"`
	// Selectors for html sources (CSS); ignored by other types.
	Selectors Selectors `yaml:"selectors,omitempty" json:"selectors,omitzero"`
	// AdURLPattern (regexp) picks ad pages from a sitemap.
	AdURLPattern string `yaml:"ad_url_pattern,omitempty" json:"ad_url_pattern,omitempty"`
}

// Selectors are the CSS selectors of an html source.
type Selectors struct {
	AdLinks  string `yaml:"ad_links,omitempty" json:"ad_links,omitempty"`
	NextPage string `yaml:"next_page,omitempty" json:"next_page,omitempty"`
	// Card selects ads read straight from listing cards when there are no
	// detail pages; the field selectors then apply inside each card.
	Card     string `yaml:"card,omitempty" json:"card,omitempty"`
	Title    string `yaml:"title,omitempty" json:"title,omitempty"`
	Body     string `yaml:"body,omitempty" json:"body,omitempty"`
	Posted   string `yaml:"posted,omitempty" json:"posted,omitempty"`
	Employer string `yaml:"employer,omitempty" json:"employer,omitempty"`
	Location string `yaml:"location,omitempty" json:"location,omitempty"`
	Salary   string `yaml:"salary,omitempty" json:"salary,omitempty"`
	Contact  string `yaml:"contact,omitempty" json:"contact,omitempty"`
}
