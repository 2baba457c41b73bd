package sfu

import (
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// capture is a TrackLocalWriter that keeps the last packet written.
type capture struct {
	hdr     rtp.Header
	payload []byte
	n       int
}

func (c *capture) WriteRTP(h *rtp.Header, p []byte) (int, error) {
	exts := append(c.hdr.Extensions[:0], h.Extensions...)
	c.hdr = *h
	c.hdr.Extensions = exts
	c.payload = p
	c.n++
	return len(p), nil
}

func (c *capture) Write(b []byte) (int, error) { return len(b), nil }

func newTestDownTrack(w webrtc.TrackLocalWriter, ext []extMap) *DownTrack {
	e := &Engine{}
	pub := &Publication{peer: &Peer{e: e}, userID: "alice", kind: "audio"}
	d := newDownTrack(e, pub)
	d.bound.Store(&binding{ssrc: 1111, pt: 111, w: w, ext: ext})
	d.SetEnabled(true)
	return d
}

func packet(seq uint16, exts map[uint8][]byte) *rtp.Packet {
	p := &rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 9, PayloadType: 100, SequenceNumber: seq, Timestamp: uint32(seq) * 960}, Payload: []byte{1, 2, 3}}
	for id, v := range exts {
		if err := p.SetExtension(id, v); err != nil {
			panic(err)
		}
	}
	return p
}

func TestDownTrackRewrites(t *testing.T) {
	c := &capture{}
	// Publisher leg: abs-capture-time = 3, audio level = 5, mid = 1 (dropped).
	// Subscriber leg: abs-capture-time = 7, audio level = 2.
	d := newTestDownTrack(c, []extMap{{src: 3, dst: 7}, {src: 5, dst: 2}})
	act := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	if !d.write(packet(100, map[uint8][]byte{1: []byte("0"), 3: act, 5: {0x80 | 30}}), false) {
		t.Fatal("not written")
	}
	if c.hdr.SSRC != 1111 || c.hdr.PayloadType != 111 || c.hdr.SequenceNumber != 100 {
		t.Fatalf("header %+v", c.hdr)
	}
	if got := c.hdr.GetExtension(7); string(got) != string(act) {
		t.Fatalf("abs-capture-time under ID 7: %v", got)
	}
	if got := c.hdr.GetExtension(2); len(got) != 1 || got[0] != 0x80|30 {
		t.Fatalf("audio level under ID 2: %v", got)
	}
	if c.hdr.GetExtension(1) != nil || c.hdr.GetExtension(3) != nil || c.hdr.GetExtension(5) != nil {
		t.Fatalf("leg-local or old IDs forwarded: %v", c.hdr.GetExtensionIDs())
	}
	// Held packets are skipped without leaving a sequence gap.
	for seq := uint16(101); seq <= 110; seq++ {
		if d.write(packet(seq, nil), true) {
			t.Fatal("held packet written")
		}
	}
	d.SetEnabled(false)
	d.write(packet(111, nil), false)
	d.SetEnabled(true)
	d.write(packet(112, nil), false)
	if c.hdr.SequenceNumber != 101 {
		t.Fatalf("after 11 held packets: seq %d, want 101", c.hdr.SequenceNumber)
	}
	if c.hdr.Extension {
		t.Fatal("extension bit set on a packet without extensions")
	}
	// Real upstream loss stays visible.
	d.write(packet(115, nil), false)
	if c.hdr.SequenceNumber != 104 {
		t.Fatalf("after upstream loss: seq %d, want 104", c.hdr.SequenceNumber)
	}
	if d.write(&rtp.Packet{Header: rtp.Header{SequenceNumber: 116, Padding: true}}, false) {
		t.Fatal("padding-only packet forwarded")
	}
}

func TestDownTrackWriteDoesNotAllocate(t *testing.T) {
	d := newTestDownTrack(&capture{}, []extMap{{src: 3, dst: 7}})
	p := packet(1, map[uint8][]byte{3: {1, 2, 3, 4, 5, 6, 7, 8}})
	allocs := testing.AllocsPerRun(1000, func() {
		p.SequenceNumber++
		d.write(p, false)
	})
	if allocs > 0 {
		t.Fatalf("%v allocations per forwarded packet", allocs)
	}
}

func BenchmarkDownTrackWrite(b *testing.B) {
	d := newTestDownTrack(&capture{}, []extMap{{src: 3, dst: 7}})
	p := packet(1, map[uint8][]byte{3: {1, 2, 3, 4, 5, 6, 7, 8}})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.SequenceNumber++
		d.write(p, false)
	}
}

// TestDownTrackHoldsOnFrameBoundaries: camera off (hold) or a disable that
// comes mid-frame lets the frame finish, and forwarding resumes only at the
// first packet of a frame. Before, a hold after a keyframe's first packet
// forwarded that packet alone, and the renumbering made the half frame look
// whole to the subscriber (issue 8, item 26a).
func TestDownTrackHoldsOnFrameBoundaries(t *testing.T) {
	t.Parallel()
	c := &capture{}
	e := &Engine{}
	d := newDownTrack(e, &Publication{peer: &Peer{e: e}, userID: "alice", kind: "video"})
	d.bound.Store(&binding{ssrc: 1111, pt: 96, w: c})
	d.enabled.Store(true)
	seq := uint16(500)
	// frame sends the 5 packets of a frame with timestamp ts, held from
	// packet holdFrom to holdTo-1, and returns how many went out.
	frame := func(ts uint32, holdFrom, holdTo int) (out int) {
		for k := 0; k < 5; k++ {
			p := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: k == 4}, Payload: []byte{1}}
			seq++
			if d.write(p, k >= holdFrom && k < holdTo) {
				out++
			}
		}
		return out
	}
	if got := frame(3000, 0, 0); got != 5 {
		t.Fatalf("first frame: %d of 5 forwarded", got)
	}
	// Camera off after the keyframe's first packet: the whole frame goes.
	if got := frame(6000, 1, 5); got != 5 {
		t.Fatalf("hold mid-frame: %d of 5 forwarded, want the whole frame", got)
	}
	last := c.hdr.SequenceNumber
	if got := frame(9000, 0, 5); got != 0 {
		t.Fatalf("held frame: %d forwarded", got)
	}
	// Camera on after a frame's first packet: none of that frame goes.
	if got := frame(12000, 0, 1); got != 0 {
		t.Fatalf("resume mid-frame: %d packets of a frame whose start was held went out", got)
	}
	if got := frame(15000, 0, 0); got != 5 {
		t.Fatalf("frame after resume: %d of 5 forwarded", got)
	}
	if first := c.hdr.SequenceNumber - 4; first != last+1 {
		t.Fatalf("after the pause the subscriber's sequence goes %d → %d", last, first)
	}
	// A subscriber's own disable is frame-aligned too.
	d.enabled.Store(false)
	if got := frame(18000, 0, 0); got != 0 {
		t.Fatalf("disabled: %d forwarded", got)
	}
}
