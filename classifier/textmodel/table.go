package textmodel

import "math/bits"

// table maps n-gram hashes to features: open addressing with linear
// probing, at most half full. A lookup is a multiply, a shift and usually
// one probe - several times faster than a Go map on the hot path, where
// every n-gram of an ad is looked up.
type table struct {
	keys  []uint64 // 0 = empty (a zero hash is never stored)
	vals  []int32
	shift uint
}

func newTable(hashes []uint64) *table {
	n := 1 << bits.Len(uint(2*len(hashes)+1))
	t := &table{keys: make([]uint64, n), vals: make([]int32, n), shift: uint(64 - bits.Len(uint(n-1)))}
	for f, h := range hashes {
		if h == 0 {
			continue
		}
		i := t.slot(h)
		for t.keys[i] != 0 {
			i = (i + 1) & (len(t.keys) - 1)
		}
		t.keys[i], t.vals[i] = h, int32(f)
	}
	return t
}

func (t *table) slot(h uint64) int { return int((h * 0x9e3779b97f4a7c15) >> t.shift) }

// get returns the feature of hash h.
func (t *table) get(h uint64) (int32, bool) {
	for i := t.slot(h); ; i = (i + 1) & (len(t.keys) - 1) {
		switch t.keys[i] {
		case h:
			return t.vals[i], h != 0
		case 0:
			return 0, false
		}
	}
}
