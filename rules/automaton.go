package rules

import "slices"

// automaton is an Aho-Corasick automaton over byte patterns, reporting
// every (overlapping) occurrence, laid out for the CPU cache.
//
// A full DFA (github.com/coregx/ahocorasick, which this replaced) stores
// a transition for every state and byte class: the Latin group's 55,000
// states × 128 classes × 4 bytes is 28 MB, so on a real ad, between the
// language models and the text model, nearly every byte of text was a
// cache miss (about 20% of classifying). Here a state stores only its own
// edges, in breadth-first order so the shallow states that text visits
// most sit together, and a missing edge follows the failure link: about
// 1.5 MB for the same patterns. What one step reads sits in one 16-byte
// record (a lone edge inline); the root and its children, where most
// bytes and failures land, keep full rows. TestAutomatonMatchesDFA checks
// it against the DFA.
type automaton struct {
	states  []acState
	edgeKey []byte  // the edges of states with more than one, by byte
	edgeTo  []int32 // their targets
	outs    []int32 // the patterns ending at each state, longest first
	patLen  []int32 // by pattern
	dense   []int32 // full rows of the root and its children (states < shallow), 256 each
	shallow int32
	many    map[int32]int // edge counts of 255 or more, by first edge index
}

// acState is one state: 16 bytes, so one step reads one record.
type acState struct {
	edge  int32 // the only edge's target (nEdge 1), or the first edge's index
	fail  int32
	out   int32 // outs[out:out+nOut]
	nOut  uint16
	nEdge uint8 // 255: 255 or more, counted in automaton.many
	key   byte  // the only edge's byte (nEdge 1)
}

// buildAutomaton builds the automaton of patterns (non-empty, distinct).
func buildAutomaton(patterns []string) *automaton {
	// The trie, children as small sorted lists.
	type edge struct {
		c  byte
		to int32
	}
	children := [][]edge{nil}
	own := []int32{-1} // the pattern ending at a node, or -1
	child := func(n int32, c byte) int32 {
		for _, e := range children[n] {
			if e.c == c {
				return e.to
			}
		}
		return -1
	}
	for id, p := range patterns {
		n := int32(0)
		for i := 0; i < len(p); i++ {
			next := child(n, p[i])
			if next < 0 {
				next = int32(len(children))
				children = append(children, nil)
				own = append(own, -1)
				children[n] = append(children[n], edge{p[i], next})
			}
			n = next
		}
		own[n] = int32(id)
	}
	for n := range children {
		slices.SortFunc(children[n], func(a, b edge) int { return int(a.c) - int(b.c) })
	}

	// Breadth-first: the new numbering, and failure links (a node's
	// failure is shallower, so it is done before the node).
	order := []int32{0}
	fail := make([]int32, len(children))
	for i := 0; i < len(order); i++ {
		n := order[i]
		for _, e := range children[n] {
			order = append(order, e.to)
			if n == 0 {
				continue // depth 1 fails to the root
			}
			f := fail[n]
			for {
				if t := child(f, e.c); t >= 0 {
					fail[e.to] = t
					break
				}
				if f == 0 {
					break
				}
				f = fail[f]
			}
		}
	}
	newID := make([]int32, len(children))
	for i, n := range order {
		newID[n] = int32(i)
	}

	a := &automaton{states: make([]acState, len(order)), patLen: make([]int32, len(patterns))}
	for id, p := range patterns {
		a.patLen[id] = int32(len(p))
	}
	for i, n := range order {
		st := &a.states[i]
		st.fail = newID[fail[n]]
		switch es := children[n]; len(es) {
		case 0:
		case 1:
			st.nEdge, st.edge, st.key = 1, newID[es[0].to], es[0].c
		default:
			st.nEdge, st.edge = uint8(min(len(es), 255)), int32(len(a.edgeKey))
			if len(es) >= 255 {
				if a.many == nil {
					a.many = map[int32]int{}
				}
				a.many[st.edge] = len(es)
			}
			for _, e := range es {
				a.edgeKey = append(a.edgeKey, e.c)
				a.edgeTo = append(a.edgeTo, newID[e.to])
			}
		}
		// Outputs: the node's own pattern, then its failure's outputs
		// (already laid out: the failure is earlier in this order).
		st.out = int32(len(a.outs))
		if own[n] >= 0 {
			a.outs = append(a.outs, own[n])
		}
		if i > 0 {
			f := a.states[st.fail]
			a.outs = append(a.outs, a.outs[f.out:f.out+int32(f.nOut)]...)
		}
		st.nOut = uint16(min(len(a.outs)-int(st.out), 1<<16-1))
	}
	// Full rows for the root and depth 1, where most failures end: in
	// breadth-first order those are the first states.
	a.shallow = 1 + int32(len(children[0]))
	a.dense = make([]int32, int(a.shallow)*256)
	for s := int32(0); s < a.shallow; s++ {
		for c := range 256 {
			a.dense[int(s)*256+c] = a.sparseNext(s, byte(c))
		}
	}
	return a
}

// edgeCount is the number of edges of st.
func (a *automaton) edgeCount(st *acState) int {
	if st.nEdge < 255 {
		return int(st.nEdge)
	}
	return a.many[st.edge]
}

// edgeTarget is st's edge on c, or -1.
func (a *automaton) edgeTarget(st *acState, c byte) int32 {
	if st.nEdge == 1 {
		if st.key == c {
			return st.edge
		}
		return -1
	}
	lo := int(st.edge)
	for k, kc := range a.edgeKey[lo : lo+a.edgeCount(st)] {
		if kc == c {
			return a.edgeTo[lo+k]
		} else if kc > c {
			break // sorted
		}
	}
	return -1
}

// next is the state after reading c in state s.
func (a *automaton) next(s int32, c byte) int32 {
	for s >= a.shallow {
		st := &a.states[s]
		if t := a.edgeTarget(st, c); t >= 0 {
			return t
		}
		s = st.fail
	}
	return a.dense[int(s)<<8|int(c)]
}

// sparseNext is next from the edges alone (building the dense rows).
func (a *automaton) sparseNext(s int32, c byte) int32 {
	for {
		st := &a.states[s]
		if t := a.edgeTarget(st, c); t >= 0 {
			return t
		}
		if s == 0 {
			return 0
		}
		s = st.fail
	}
}

// findAll appends every occurrence in b to out, by end, longest first at
// each end.
func (a *automaton) findAll(b []byte, out []Match) []Match {
	s := int32(0)
	for i, c := range b {
		s = a.next(s, c)
		if st := &a.states[s]; st.nOut > 0 {
			for _, p := range a.outs[st.out : st.out+int32(st.nOut)] {
				out = append(out, Match{PatternID: int(p), Start: i + 1 - int(a.patLen[p]), End: i + 1})
			}
		}
	}
	return out
}
