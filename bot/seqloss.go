package bot

import "sync/atomic"

// seqLoss measures network loss on one received stream from RTP sequence
// numbers: a packet is lost when a later sequence number arrives before it
// (a gap). A retransmission that fills the gap later (NACK repair on the
// same SSRC: the reference service has no RTX) is counted as repaired, not
// subtracted from the loss, so the figure is the loss of the network path
// and not what was left after repair (that, RFC 3550's cumulative loss,
// is near zero under NACK). On a path without reordering the two differ
// only by the repairs.
//
// The read loop calls add; the stats loop reads the atomics.
type seqLoss struct {
	init    bool
	highest uint64 // extended highest sequence number seen

	expected atomic.Uint64 // highest − first + 1
	lost     atomic.Uint64 // sum of gaps when the highest advanced
	bursts   atomic.Uint64 // gaps (runs of lost packets): lost/bursts is the mean burst length
	repaired atomic.Uint64 // packets older than the highest (late or retransmitted)
}

// maxGap bounds what counts as a gap; a larger jump is a sender restart
// (or a long mute of the forwarded stream), not loss.
const maxGap = 3000

// add records one received sequence number. Only the read loop calls it.
func (s *seqLoss) add(seq uint16) {
	if !s.init {
		s.init = true
		s.highest = uint64(seq) + 1<<16 // room for early wrap-backs
		s.expected.Store(1)
		return
	}
	// Extend seq to the cycle nearest to highest.
	cur := s.highest
	ext := cur&^0xFFFF | uint64(seq)
	switch d := int64(ext) - int64(cur); {
	case d > 1<<15:
		ext -= 1 << 16
	case d < -(1 << 15):
		ext += 1 << 16
	}
	switch {
	case ext > cur:
		if gap := ext - cur - 1; gap <= maxGap {
			s.lost.Add(gap)
			if gap > 0 {
				s.bursts.Add(1)
			}
			s.expected.Add(ext - cur)
		} else {
			s.expected.Add(1) // resynchronise on the new sequence
		}
		s.highest = ext
	case ext < cur:
		s.repaired.Add(1)
	}
	// ext == cur: a duplicate; it changes nothing.
}

// lossCounters is a snapshot of seqLoss for interval differences.
type lossCounters struct{ expected, lost, repaired, bursts uint64 }

func (s *seqLoss) counters() lossCounters {
	return lossCounters{expected: s.expected.Load(), lost: s.lost.Load(), repaired: s.repaired.Load(), bursts: s.bursts.Load()}
}
