package rx

// seqWindow is how far back (in packets) a late or duplicate packet is still
// recognised. Older packets are counted as late and otherwise ignored.
const seqWindow = 4096

// seqTracker counts distinct received packets by extended sequence number
// (RFC 3550 A.1/A.3) with a bitmap of the last seqWindow numbers, so that
// wrap-around, reordering and duplicates are all counted right.
type seqTracker struct {
	init     bool
	base     int64 // first extended sequence number
	highest  int64 // highest extended sequence number seen
	received uint64
	dups     uint64
	late     uint64 // older than the window: neither received nor lost
	seen     [seqWindow / 64]uint64
}

// arrival classes of add.
const (
	seqNewest = iota // advanced the highest sequence number: an original packet
	seqOlder         // new, but older than the highest: a repair or reordering
	seqOld           // a duplicate or beyond the window: ignored
)

// add records a packet and reports its class (seqNewest, seqOlder, seqOld).
func (t *seqTracker) add(seq uint16) int {
	if !t.init {
		t.init = true
		t.base, t.highest = int64(seq), int64(seq)
		t.set(int64(seq))
		t.received = 1
		return seqNewest
	}
	// Interpret seq as the value closest to the highest seen: this handles
	// wrap-around in both directions and reordering within ±32767.
	ext := t.highest + int64(int16(seq-uint16(t.highest)))
	switch {
	case ext > t.highest:
		gap := ext - t.highest
		if gap >= seqWindow {
			t.seen = [seqWindow / 64]uint64{}
		} else {
			for e := t.highest + 1; e < ext; e++ {
				t.clear(e)
			}
		}
		t.highest = ext
		t.set(ext)
		t.received++
		return seqNewest
	case t.highest-ext >= seqWindow:
		t.late++
		return seqOld
	case ext < t.base:
		// Reordered before the first packet seen: the stream began earlier.
		t.base = ext
		t.set(ext)
		t.received++
		return seqOlder
	case t.isSet(ext):
		t.dups++
		return seqOld
	default:
		t.set(ext)
		t.received++
		return seqOlder
	}
}

func (t *seqTracker) expected() int64 {
	if !t.init {
		return 0
	}
	return t.highest - t.base + 1
}

func (t *seqTracker) lost() int64 { return t.expected() - int64(t.received) }

func (t *seqTracker) idx(e int64) (int, uint64) {
	i := int(uint64(e) % seqWindow)
	return i / 64, 1 << (i % 64)
}
func (t *seqTracker) set(e int64)   { w, b := t.idx(e); t.seen[w] |= b }
func (t *seqTracker) clear(e int64) { w, b := t.idx(e); t.seen[w] &^= b }
func (t *seqTracker) isSet(e int64) bool {
	w, b := t.idx(e)
	return t.seen[w]&b != 0
}
