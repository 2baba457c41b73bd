package rx

import (
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
)

// The decoder model: which received video frames a real decoder could
// render.
//
// Packets are grouped into frames by RTP timestamp. A frame is complete when
// every sequence number from its first packet to its marker packet has
// arrived (the first packet is known from the end of the previous frame, or
// from the codec's frame-start bit). Frames are handed to the "decoder" in
// order, as a jitter buffer does:
//
//	head complete ──► key frame, or its predecessor was decoded and no
//	                  frame is missing in between ──► rendered (counted)
//	               └► otherwise ──────────────────► undecodable (dropped)
//	head incomplete ► wait for repair (NACK retransmission) up to the
//	                  repair window after its first packet, while later
//	                  frames queue behind it; then dropped as undecodable
//	a later complete keyframe ──► every frame before it is dropped at once
//
// VP8 and H.264 delta frames reference the frame before them (no temporal
// layers in the fixtures), so after a dropped frame nothing renders until
// the next keyframe. The model then asks for one (WithKeyframeRequester),
// as a client sends a PLI, at most once per keyframe-request interval while
// it waits. Rendered frames, not received ones, feed the frame rate, first
// frame, end-to-end latency and the W3C freeze rule.

// Defaults of the decoder model (see WithRepairWindow and
// WithKeyframeRequestInterval).
const (
	// DefaultRepairWindow is how long an incomplete frame is waited for.
	// The bots' NACK generator asks for a missing packet every 100 ms, at
	// most twice; after two rounds and a round trip the packet is not
	// coming, so 300 ms covers every repair the bot can get on a path with
	// an RTT up to about 100 ms.
	DefaultRepairWindow = 300 * time.Millisecond
	// DefaultKeyframeRequestInterval spaces keyframe requests while the
	// decoder waits for a keyframe (libwebrtc repeats its request too).
	DefaultKeyframeRequestInterval = 500 * time.Millisecond
)

// maxPending bounds the frames queued behind an incomplete head; beyond it
// the head is dropped (a stream that queued 64 frames is broken anyway).
const maxPending = 64

// ringSize is how many recent sequence numbers the duplicate filter keeps.
const ringSize = 1024

// pframe is one frame waiting for the decoder.
type pframe struct {
	ts          uint32
	first, last int64 // extended sequence numbers; -1 unknown
	minSeen     int64 // lowest extended sequence number received
	maxSeen     int64
	got         int64 // distinct packets received
	key         bool
	startAt     time.Time // arrival of its first packet
	capture     uint64    // abs-capture-time (NTP), 0 if none
}

// decoder is the model's state. It belongs to an Analyzer and is guarded by
// the Analyzer's lock.
type decoder struct {
	codec    media.Codec
	window   time.Duration
	kfEvery  time.Duration
	extInit  bool
	highest  int64
	ring     [ringSize]int64 // ring[e%ringSize] = e+1 when e was received
	pending  []pframe
	released int64  // last sequence number handed to the decoder (-1 none)
	relTS    uint32 // timestamp of the last frame handed to the decoder
	relInit  bool
	relExact bool       // released is the marker of the last frame (not inferred)
	decoded  bool       // the last frame handed over was rendered
	waiting  bool       // waiting for a keyframe after a drop
	out      []frameOut // frames handed over by the last add
	lastReq  time.Time
}

func newDecoder(c media.Codec) decoder {
	return decoder{codec: c, window: DefaultRepairWindow, kfEvery: DefaultKeyframeRequestInterval, released: -1,
		pending: make([]pframe, 0, 8), out: make([]frameOut, 0, 4)}
}

// ext extends a sequence number against the highest seen.
func (d *decoder) ext(seq uint16) int64 {
	if !d.extInit {
		d.extInit, d.highest = true, int64(seq)+1<<16 // room to go back
		return d.highest
	}
	e := d.highest + int64(int16(seq-uint16(d.highest)))
	if e > d.highest {
		d.highest = e
	}
	return e
}

// frameOut is what add reports for one handed-over frame.
type frameOut struct {
	rendered bool
	key      bool
	capture  uint64
}

// add records one packet at arrival time now and hands every frame that is
// ready to the decoder, in order, into d.out (valid until the next add). It reports whether a keyframe should be
// requested now.
func (d *decoder) add(h *rtp.Header, payload []byte, now time.Time, capture uint64) (askKey bool) {
	d.out = d.out[:0]
	e := d.ext(h.SequenceNumber)
	if d.ring[e%ringSize] == e+1 {
		return false // duplicate
	}
	d.ring[e%ringSize] = e + 1
	if e <= d.released || (d.relInit && !newer(h.Timestamp, d.relTS)) {
		return false // too late: its frame was handed over already
	}
	f := d.frame(h.Timestamp, e, now)
	if f == nil {
		return false // an older frame than any pending one after a reset
	}
	f.got++
	f.minSeen, f.maxSeen = min(f.minSeen, e), max(f.maxSeen, e)
	if f.capture == 0 {
		f.capture = capture
	}
	if startsFrame(d.codec, payload) {
		f.first = e
	}
	if media.KeyframeStart(d.codec, payload) {
		f.key = true
	}
	if h.Marker {
		f.last = e
	}
	return d.release(now)
}

// frame returns the pending frame of timestamp ts, inserting it in
// timestamp order.
func (d *decoder) frame(ts uint32, e int64, now time.Time) *pframe {
	i := len(d.pending)
	for j := range d.pending {
		if d.pending[j].ts == ts {
			return &d.pending[j]
		}
		if newer(d.pending[j].ts, ts) {
			i = j
			break
		}
	}
	d.pending = append(d.pending, pframe{})
	copy(d.pending[i+1:], d.pending[i:])
	d.pending[i] = pframe{ts: ts, first: -1, last: -1, minSeen: e, maxSeen: e, startAt: now}
	return &d.pending[i]
}

// firstOf is the first sequence number of pending frame i, -1 if unknown.
func (d *decoder) firstOf(i int) int64 {
	f := &d.pending[i]
	if f.first >= 0 {
		return f.first
	}
	prevLast := d.released
	if i > 0 {
		prevLast = d.pending[i-1].last
	}
	if prevLast >= 0 && (i > 0 || (d.relInit && d.relExact)) {
		return prevLast + 1
	}
	return -1
}

func (d *decoder) complete(i int) bool {
	f := &d.pending[i]
	first := d.firstOf(i)
	return first >= 0 && f.last >= first && f.got == f.last-first+1
}

// release hands ready frames to the decoder in order.
func (d *decoder) release(now time.Time) (askKey bool) {
	// A complete keyframe behind the head: a jitter buffer jumps to it,
	// dropping what is before it (no keyframe request: one is here).
	for i := len(d.pending) - 1; i > 0; i-- {
		if d.pending[i].key && d.complete(i) {
			for range i {
				d.dropHead()
			}
			break
		}
	}
	for len(d.pending) > 0 {
		if d.complete(0) {
			f := d.pending[0]
			contiguous := d.relInit && d.firstOf(0) == d.released+1
			ok := f.key || (d.decoded && contiguous)
			d.handOver(f, ok)
			if !ok {
				askKey = d.request(now) || askKey
			}
			continue
		}
		if len(d.pending) > maxPending || (len(d.pending) > 1 && now.Sub(d.pending[0].startAt) > d.window) {
			askKey = d.drop(now) || askKey
			continue
		}
		break
	}
	return askKey
}

// drop hands the head over as undecodable and asks for a keyframe.
func (d *decoder) drop(now time.Time) bool {
	d.dropHead()
	return d.request(now)
}

// dropHead hands the head over as undecodable.
func (d *decoder) dropHead() {
	f := d.pending[0]
	exact := f.last >= 0
	if !exact {
		// Its marker never came: it ended where the next frame began, or
		// at the last packet seen of it.
		f.last = f.maxSeen
		if len(d.pending) > 1 {
			if n := d.pending[1].minSeen - 1; n > f.last {
				f.last = n
			}
		}
	}
	d.handOver(f, false)
	d.relExact = exact
}

func (d *decoder) handOver(f pframe, rendered bool) {
	d.pending = append(d.pending[:0], d.pending[1:]...)
	d.released, d.relTS, d.relInit, d.relExact = max(d.released, f.last), f.ts, true, true
	d.decoded = rendered
	if rendered && f.key {
		d.waiting = false
	}
	d.out = append(d.out, frameOut{rendered: rendered, key: f.key, capture: f.capture})
}

// request reports whether a keyframe request is due (the decoder waits for
// a keyframe and the last request is older than the interval).
func (d *decoder) request(now time.Time) bool {
	d.waiting = true
	if !d.lastReq.IsZero() && now.Sub(d.lastReq) < d.kfEvery {
		return false
	}
	d.lastReq = now
	return true
}

// abandon forgets the frames queued (the stream stopped and resumes on a
// keyframe): they are neither rendered nor counted as undecodable.
func (d *decoder) abandon() {
	d.pending = d.pending[:0]
	d.relInit, d.released = false, d.highest
}

// startsFrame reports whether a payload is certainly the first of its frame:
// the VP8 S bit on partition 0; for H.264 a STAP-A, SPS or access unit
// delimiter, which open an access unit (a single NAL or FU-A start may be a
// later slice of the same picture, so those are not taken).
func startsFrame(c media.Codec, payload []byte) bool {
	switch c {
	case media.CodecVP8:
		return media.FrameStart(c, payload)
	case media.CodecH264:
		if len(payload) == 0 {
			return false
		}
		switch payload[0] & 0x1F {
		case 24, 7, 9: // STAP-A, SPS, AUD
			return true
		}
	}
	return false
}
