package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed packs/*.yaml
var builtin embed.FS

// Config selects the packs to load beside the built-ins. The zero value
// loads the built-ins only.
type Config struct {
	// Dirs are directories of user packs (*.yaml, *.yml), loaded beside the
	// built-ins. A user pack may disable built-in rules with `disable:`.
	Dirs []string
	// Disable lists rule ids to leave out.
	Disable []string
	// NoBuiltin leaves the built-in packs out (for testing a pack alone).
	NoBuiltin bool
}

// source is one pack file's bytes and name.
type source struct {
	name string
	data []byte
}

// LoadBuiltin loads the embedded packs.
func LoadBuiltin() (*RuleSet, error) { return Load(Config{}) }

// Load parses, validates and compiles the built-in packs and cfg.Dirs. It
// reports every problem at once: the error joins PosErrors (file:line:col)
// and wraps recruitscan.ErrInvalid.
func Load(cfg Config) (*RuleSet, error) {
	srcs, err := readSources(cfg)
	if err != nil {
		return nil, err
	}
	var errs []error
	var packs []*pack
	for _, s := range srcs {
		pk, perrs := parsePack(s.name, s.data)
		errs = append(errs, perrs...)
		if pk != nil {
			packs = append(packs, pk)
		}
	}
	rs, cerrs := compile(packs, cfg.Disable)
	errs = append(errs, cerrs...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("load rules: %w", errors.Join(errs...))
	}
	rs.version = version(srcs, cfg.Disable)
	return rs, nil
}

func readSources(cfg Config) ([]source, error) {
	var srcs []source
	if !cfg.NoBuiltin {
		names, err := fs.Glob(builtin, "packs/*.yaml")
		if err != nil {
			return nil, fmt.Errorf("load rules: %w", err)
		}
		sort.Strings(names)
		for _, n := range names {
			b, err := builtin.ReadFile(n)
			if err != nil {
				return nil, fmt.Errorf("load rules: %w", err)
			}
			srcs = append(srcs, source{name: "builtin:" + n, data: b})
		}
	}
	for _, d := range cfg.Dirs {
		s, err := readDir(d)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s...)
	}
	return srcs, nil
}

func readDir(dir string) ([]source, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load rules: read pack dir: %w", err)
	}
	var srcs []source
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue
		}
		p := filepath.Join(dir, n)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("load rules: %w", err)
		}
		srcs = append(srcs, source{name: p, data: b})
	}
	return srcs, nil
}

// version hashes the pack sources and the disabled ids: the same packs give
// the same version on every machine.
func version(srcs []source, disable []string) string {
	h := sha256.New()
	for _, s := range srcs {
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(s.name), len(s.data))
		h.Write(s.data)
	}
	d := append([]string(nil), disable...)
	sort.Strings(d)
	fmt.Fprintf(h, "disable\x00%s", strings.Join(d, "\x00"))
	return hex.EncodeToString(h.Sum(nil))[:12]
}
