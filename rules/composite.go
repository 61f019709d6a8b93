package rules

import "github.com/recruitscan/recruitscan"

// orderComposites checks that every id of a When names a rule or an
// indicator and orders composite rules so that each comes after the
// composites it depends on; a cycle is an error.
func (c *compiler) orderComposites() {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[int]int{}
	var visit func(r *Rule) bool
	visit = func(r *Rule) bool {
		switch state[r.index] {
		case visiting:
			c.ruleErrorf(r, "rule %s: composite conditions form a cycle", r.ID)
			return false
		case done:
			return true
		}
		state[r.index] = visiting
		for _, dep := range c.deps(r) {
			if !visit(dep) {
				state[r.index] = done
				return false
			}
		}
		state[r.index] = done
		c.rs.order = append(c.rs.order, r.index)
		return true
	}
	for _, r := range c.rs.rules {
		if r.When == nil {
			continue
		}
		c.checkWhen(r)
		visit(r)
	}
}

// deps returns the composite rules that r's condition refers to, directly
// or through an indicator.
func (c *compiler) deps(r *Rule) []*Rule {
	var out []*Rule
	for _, id := range append(append([]string(nil), r.When.All...), r.When.Any...) {
		if d, ok := c.rs.byID[id]; ok && d.When != nil && d.index >= 0 && c.enabled(d) {
			out = append(out, d)
			continue
		}
		for _, d := range c.rs.rules {
			if d != r && d.When != nil && string(d.Indicator) == id {
				out = append(out, d)
			}
		}
	}
	return out
}

func (c *compiler) enabled(r *Rule) bool {
	return r.index < len(c.rs.rules) && c.rs.rules[r.index] == r
}

func (c *compiler) checkWhen(r *Rule) {
	for _, id := range append(append([]string(nil), r.When.All...), r.When.Any...) {
		if _, ok := c.rs.byID[id]; ok {
			continue
		}
		if recruitscan.Indicator(id).Valid() {
			continue
		}
		c.ruleErrorf(r, "rule %s: when refers to %q, neither a rule id nor an indicator", r.ID, id)
	}
}
