package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/recruitscan/recruitscan"
)

// Config is the one YAML file of a deployment (recruitscan.example.yaml is
// the annotated example). Unknown or misspelt keys are errors with
// file:line. Secrets come from the environment, never from the file.
type Config struct {
	Redis    RedisConfig          `yaml:"redis"`
	Server   ServerConfig         `yaml:"server"`
	Rules    RulesConfig          `yaml:"rules"`
	Review   ReviewConfig         `yaml:"review"`
	Classify ClassifyConfig       `yaml:"classify"`
	Crawl    CrawlConfig          `yaml:"crawl"`
	Users    []UserConfig         `yaml:"users"`
	Sources  []recruitscan.Source `yaml:"sources"`
}

// RedisConfig names the Redis server. URL may be overridden by REDIS_URL
// or --redis; empty means the embedded server (nothing survives a restart).
type RedisConfig struct {
	URL    string `yaml:"url"`
	Prefix string `yaml:"prefix"`
}

// ServerConfig is the HTTP listener of the UI, API and metrics.
type ServerConfig struct {
	Listen     string        `yaml:"listen"`
	TLSCert    string        `yaml:"tls_cert"`
	TLSKey     string        `yaml:"tls_key"`
	SessionTTL time.Duration `yaml:"session_ttl"`
}

// RulesConfig adds user packs and sets the review threshold.
type RulesConfig struct {
	Dirs      []string `yaml:"dirs"`
	Disable   []string `yaml:"disable"`
	Threshold string   `yaml:"threshold"`
	// NoTextModel classifies with the rules alone, without the
	// statistical text model.
	NoTextModel bool `yaml:"no_text_model"`
}

// ReviewConfig tunes the review queue.
type ReviewConfig struct {
	Lease time.Duration `yaml:"lease"`
}

// ClassifyConfig sizes the classifier workers.
type ClassifyConfig struct {
	Workers     int `yaml:"workers"`
	MaxAttempts int `yaml:"max_attempts"`
}

// CrawlConfig holds settings that apply to every source.
type CrawlConfig struct {
	// WARCDir, if set, receives WARC 1.1 files of every exchange, rotated
	// at WARCMaxBytes (default 1 GiB).
	WARCDir      string `yaml:"warc_dir"`
	WARCMaxBytes int64  `yaml:"warc_max_bytes"`
	// UnlinkedCycles: a detail page no longer linked for this many cycles
	// is re-checked and marked removed on 404/410 (default 3; -1 = never).
	UnlinkedCycles int `yaml:"unlinked_cycles"`
}

// UserConfig is one person who may log in. PasswordHash is a bcrypt hash
// (recruitscan user add prints one).
type UserConfig struct {
	Name         string           `yaml:"name"`
	Role         recruitscan.Role `yaml:"role"`
	PasswordHash string           `yaml:"password_hash"`
	Languages    []string         `yaml:"languages"`
	Disabled     bool             `yaml:"disabled"`
}

// defaults fills what the file left out.
func (c *Config) defaults() {
	if c.Server.Listen == "" {
		c.Server.Listen = "127.0.0.1:8080"
	}
	if c.Server.SessionTTL == 0 {
		c.Server.SessionTTL = 12 * time.Hour
	}
	if c.Rules.Threshold == "" {
		c.Rules.Threshold = "medium"
	}
	if c.Redis.Prefix == "" {
		c.Redis.Prefix = "rs"
	}
	if c.Classify.Workers == 0 {
		c.Classify.Workers = 2
	}
}

// LoadConfig reads and validates a config file. Every problem is reported,
// each as FILE:LINE: message.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseConfig(path, b)
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)
var unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

// ParseConfig parses a config held in memory; name is used in errors.
func ParseConfig(name string, b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, configError(name, err)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(b, &root) // already known to parse; only for line numbers
	c.defaults()
	if errs := c.validate(name, &root); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// configError rewrites yaml.v3's messages as FILE:LINE: message, one per
// problem, with unknown keys named as such.
func configError(name string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return fmt.Errorf("%s:%s: %s", name, m[1], m[2])
		}
		return fmt.Errorf("%s: %s", name, msg)
	}
	errs := make([]error, 0, len(te.Errors))
	for _, e := range te.Errors {
		m := yamlLine.FindStringSubmatch(e)
		if m == nil {
			errs = append(errs, fmt.Errorf("%s: %s", name, e))
			continue
		}
		msg := m[2]
		if f := unknownField.FindStringSubmatch(msg); f != nil {
			msg = fmt.Sprintf("unknown key %q (misspelt? see recruitscan.example.yaml)", f[1])
		}
		errs = append(errs, fmt.Errorf("%s:%s: %s", name, m[1], msg))
	}
	return errors.Join(errs...)
}

// lineOf finds the line of a key path such as "sources", 2, "type" in the
// parsed document; 0 when it is not there.
func lineOf(n *yaml.Node, path ...any) int {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		switch k := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return line
			}
			n = n.Content[k]
			line = n.Line
		}
	}
	return line
}

func (c *Config) validate(name string, root *yaml.Node) []error {
	var errs []error
	at := func(path ...any) string {
		if l := lineOf(root, path...); l > 0 {
			return fmt.Sprintf("%s:%d", name, l)
		}
		return name
	}
	var where string
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{where}, a...)...))
	}
	where = at("rules", "threshold")
	if th, err := recruitscan.ParseLevel(c.Rules.Threshold); err != nil || th == recruitscan.LevelNone {
		bad("rules.threshold %q: want low, medium or high", c.Rules.Threshold)
	}
	where = at("server")
	if (c.Server.TLSCert == "") != (c.Server.TLSKey == "") {
		bad("server.tls_cert and server.tls_key go together")
	}
	seen := map[string]bool{}
	for i, u := range c.Users {
		where = at("users", i)
		switch {
		case u.Name == "":
			bad("users[%d]: name is required", i)
		case seen[u.Name]:
			bad("users[%d]: duplicate user %q", i, u.Name)
		}
		seen[u.Name] = true
		if !u.Role.Valid() {
			bad("users[%d] (%s): role %q: want reviewer, lead or admin", i, u.Name, u.Role)
		}
		if !u.Disabled && !strings.HasPrefix(u.PasswordHash, "$2") {
			bad("users[%d] (%s): password_hash must be a bcrypt hash (run: recruitscan user add)", i, u.Name)
		}
	}
	ids := map[string]bool{}
	for i, s := range c.Sources {
		where = at("sources", i)
		switch {
		case s.ID == "":
			bad("sources[%d]: id is required", i)
		case ids[s.ID]:
			bad("sources[%d]: duplicate id %q", i, s.ID)
		}
		ids[s.ID] = true
		switch s.Type {
		case recruitscan.SourceHTML, recruitscan.SourceFeed, recruitscan.SourceSitemap, recruitscan.SourceTelegram:
		default:
			bad("sources[%d] (%s): type %q: want html, feed, sitemap or telegram", i, s.ID, s.Type)
		}
		if len(s.URLs) == 0 {
			bad("sources[%d] (%s): urls: at least one entry URL is required", i, s.ID)
		}
	}
	return errs
}
