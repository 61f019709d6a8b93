package rules

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/recruitscan/recruitscan"
)

// PosError is one problem in a pack file, at file:line:col.
type PosError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *PosError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Unwrap makes every parse error an ErrInvalid.
func (e *PosError) Unwrap() error { return recruitscan.ErrInvalid }

// pack is one parsed file before compilation.
type pack struct {
	Name  string
	File  string
	Lists map[string]listDef
	Rules []*Rule
	// Disable lists rule ids (of other packs) to leave out.
	Disable     []string
	disableLine int
	// positions of list references, for errors found when lists resolve
	refs []listRef
}

type listDef struct {
	items []string
	line  int
}

type listRef struct {
	name      string
	line, col int
}

// parser collects every error of one file.
type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	p.errs = append(p.errs, &PosError{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// parsePack parses one pack file strictly: unknown or duplicate keys,
// wrong types and invalid values are all reported with their position.
func parsePack(file string, data []byte) (*pack, []error) {
	p := &parser{file: file}
	pk := &pack{File: file, Lists: map[string]listDef{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, []error{yamlError(file, err)}
	}
	if len(doc.Content) == 0 {
		p.errorf(&doc, "empty pack")
		return nil, p.errs
	}
	p.mapping(doc.Content[0], map[string]func(*yaml.Node){
		"pack":        func(n *yaml.Node) { pk.Name = p.str(n) },
		"description": func(n *yaml.Node) { p.str(n) },
		"lists":       func(n *yaml.Node) { p.lists(n, pk) },
		"disable":     func(n *yaml.Node) { pk.Disable = p.strs(n); pk.disableLine = n.Line },
		"rules": func(n *yaml.Node) {
			for _, rn := range p.seq(n) {
				if r := p.rule(rn, pk); r != nil {
					pk.Rules = append(pk.Rules, r)
				}
			}
		},
	}, "pack")
	return pk, p.errs
}

var lineRe = regexp.MustCompile(`line (\d+)`)

// yamlError gives a YAML syntax error the file:line:col shape.
func yamlError(file string, err error) error {
	line := 0
	if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return &PosError{File: file, Line: line, Col: 1, Msg: msg}
}

// mapping walks a mapping node, calling the handler of each key; unknown
// and duplicate keys are errors, and so are missing required keys.
func (p *parser) mapping(n *yaml.Node, h map[string]func(*yaml.Node), required ...string) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "expected a mapping, got %s", kindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := h[k.Value]
		switch {
		case !ok:
			p.errorf(k, "unknown key %q (known: %s)", k.Value, keys(h))
		case seen[k.Value]:
			p.errorf(k, "duplicate key %q", k.Value)
		default:
			seen[k.Value] = true
			f(v)
		}
	}
	for _, r := range required {
		if !seen[r] {
			p.errorf(n, "missing required key %q", r)
		}
	}
}

func keys(h map[string]func(*yaml.Node)) string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	sortStrings(ks)
	return strings.Join(ks, ", ")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func (p *parser) str(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, "expected a string, got %s", kindName(n))
		return ""
	}
	return n.Value
}

func (p *parser) seq(n *yaml.Node) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "expected a list, got %s", kindName(n))
		return nil
	}
	return n.Content
}

// strs reads a list of non-empty strings.
func (p *parser) strs(n *yaml.Node) []string {
	var out []string
	for _, c := range p.seq(n) {
		s := p.str(c)
		if strings.TrimSpace(s) == "" && c.Kind == yaml.ScalarNode {
			p.errorf(c, "empty string")
			continue
		}
		out = append(out, s)
	}
	return out
}

// phrases reads a phrase list; "$name" entries refer to a list.
func (p *parser) phrases(n *yaml.Node, pk *pack) []string {
	out := p.strs(n)
	for i, s := range out {
		if strings.HasPrefix(s, "$") {
			c := n.Content[i]
			pk.refs = append(pk.refs, listRef{name: s[1:], line: c.Line, col: c.Column})
		}
	}
	return out
}

func (p *parser) num(n *yaml.Node) float64 {
	f, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, "expected a number, got %s", kindName(n))
	}
	return f
}

func (p *parser) int(n *yaml.Node) int {
	i, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || i < 0 {
		p.errorf(n, "expected a non-negative integer, got %s", kindName(n))
	}
	return i
}

func (p *parser) lists(n *yaml.Node, pk *pack) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "expected a mapping of list names to phrases, got %s", kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !listName.MatchString(k.Value) {
			p.errorf(k, "list name %q: want letters, digits and _", k.Value)
		}
		if _, dup := pk.Lists[k.Value]; dup {
			p.errorf(k, "duplicate list %q", k.Value)
		}
		pk.Lists[k.Value] = listDef{items: p.strs(v), line: k.Line}
	}
}

var (
	listName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	ruleID   = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)
)

// errNoPattern is reported when a rule has nothing to match.
var errNoPattern = errors.New("rule has no phrases, regex, near or when")
