package textmodel

import "math/bits"

// table maps n-gram hashes to features: open addressing with linear
// probing, at most half full. A lookup is a multiply, a shift and usually
// one probe - several times faster than a Go map on the hot path, where
// every n-gram of an ad is looked up. Each slot holds its key and value
// together, so a hit reads one cache line, not two.
type table struct {
	slots []slot
	shift uint
}

type slot struct {
	key uint64 // 0 = empty (a zero hash is never stored)
	val int32
}

func newTable(hashes []uint64) *table {
	n := 1 << bits.Len(uint(2*len(hashes)+1))
	t := &table{slots: make([]slot, n), shift: uint(64 - bits.Len(uint(n-1)))}
	for f, h := range hashes {
		if h == 0 {
			continue
		}
		i := t.slot(h)
		for t.slots[i].key != 0 {
			i = (i + 1) & (len(t.slots) - 1)
		}
		t.slots[i] = slot{h, int32(f)}
	}
	return t
}

func (t *table) slot(h uint64) int { return int((h * 0x9e3779b97f4a7c15) >> t.shift) }

// get returns the feature of hash h.
func (t *table) get(h uint64) (int32, bool) {
	for i := t.slot(h); ; i = (i + 1) & (len(t.slots) - 1) {
		switch s := &t.slots[i]; s.key {
		case h:
			return s.val, h != 0
		case 0:
			return 0, false
		}
	}
}
