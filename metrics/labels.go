package metrics

import (
	"strconv"
	"sync"
)

// Label values that stand for many others.
const (
	// labelOther replaces values beyond a label's cap and values that are
	// not plain identifiers.
	labelOther = "other"
	// labelUnknown replaces empty values.
	labelUnknown = "unknown"
)

// Caps on distinct values per label. Sources come from the operator's
// config, languages and indicators from the classifier, kinds and routes
// from code; the caps only matter when something upstream misbehaves.
const (
	maxSources    = 200
	maxLanguages  = 64
	maxIndicators = 64
	maxKinds      = 32
	maxRoutes     = 64
	maxLabelLen   = 64
)

// guard bounds the distinct values of one label: the first max valid values
// pass, later ones become "other". Safe for concurrent use.
type guard struct {
	max  int
	mu   sync.RWMutex
	seen map[string]struct{}
}

func newGuard(max int) *guard { return &guard{max: max, seen: make(map[string]struct{})} }

// value returns v, "unknown" for "", or "other" when v is not a plain
// identifier or the label is full.
func (g *guard) value(v string) string {
	if v == "" {
		return labelUnknown
	}
	if !plainLabel(v) {
		return labelOther
	}
	g.mu.RLock()
	_, ok := g.seen[v]
	g.mu.RUnlock()
	if ok {
		return v
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.seen[v]; ok {
		return v
	}
	if len(g.seen) >= g.max {
		return labelOther
	}
	g.seen[v] = struct{}{}
	return v
}

// plainLabel reports whether v is short and made of [A-Za-z0-9_.:/{}-]
// (route patterns use "/" and "{}"; language tags use "-").
func plainLabel(v string) bool {
	if len(v) > maxLabelLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '_', c == '.', c == ':', c == '-', c == '/', c == '{', c == '}', c == ' ':
		default:
			return false
		}
	}
	return true
}

// statusClass maps an HTTP status to "1xx"…"5xx", or "error" when there
// was no response (status 0 or out of range).
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "error"
	}
	return strconv.Itoa(status/100) + "xx"
}
