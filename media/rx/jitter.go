package rx

import "time"

// jitterEst is the RFC 3550 §6.4.1 / A.8 interarrival jitter estimator:
// for consecutive packets i, j, D = (Rj − Ri) − (Sj − Si) with R the arrival
// and S the RTP timestamp, both in timestamp units, and J += (|D| − J)/16.
//
// It is fed original packets only: a packet that advances the highest
// sequence number. A retransmission (NACK repair) or a reordered packet
// carries an old timestamp and arrives late; counting it would measure the
// repair delay, not the path's jitter (pion's own estimate differs from
// RFC 3550 for this reason and because it takes a second difference).
type jitterEst struct {
	init    bool
	ts      uint32  // RTP timestamp of the previous original packet
	arrival float64 // its arrival, timestamp units since the analyzer start
	j       float64 // the estimate, timestamp units
	updates uint64  // packets that updated the estimate
}

// add records an original packet with RTP timestamp ts that arrived at
// arrival (timestamp units).
func (e *jitterEst) add(ts uint32, arrival float64) {
	if !e.init {
		e.init, e.ts, e.arrival = true, ts, arrival
		return
	}
	d := (arrival - e.arrival) - float64(int32(ts-e.ts))
	e.ts, e.arrival = ts, arrival
	if d < 0 {
		d = -d
	}
	e.j += (d - e.j) / 16
	e.updates++
}

// units converts a time since start into RTP timestamp units of clock Hz.
func units(d time.Duration, clock float64) float64 { return d.Seconds() * clock }
