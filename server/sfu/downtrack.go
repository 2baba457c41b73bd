package sfu

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// carried lists the header extensions forwarded end to end; every other
// extension of the publisher leg is dropped (MID, RID, transport-cc are
// meaningful on one leg only).
var carried = []string{AbsCaptureTimeURI, AudioLevelURI, AbsSendTimeURI}

// binding is what pion negotiated for a DownTrack on the subscriber leg.
type binding struct {
	ssrc uint32
	pt   uint8
	w    webrtc.TrackLocalWriter
	ext  []extMap // carried extensions present on both legs
}

// extMap maps one header extension from the publisher leg's ID to the
// subscriber leg's ID.
type extMap struct{ src, dst uint8 }

// DownTrack is one Publication as sent to one subscriber; it implements
// webrtc.TrackLocal. SetEnabled is safe for concurrent use; write is called
// only by the publication's forwarding goroutine.
type DownTrack struct {
	e       *Engine
	pub     *Publication
	enabled atomic.Bool
	bound   atomic.Pointer[binding]

	// Owned by the forwarding goroutine.
	sent   bool   // at least one packet went out
	offset uint16 // packets not forwarded since the first: keeps sequence numbers contiguous
	// Forwarding starts and stops on frame boundaries: fwd is decided at
	// the first packet of each frame (a newer RTP timestamp than lastTS)
	// and holds for the frame's other packets. A hold or disable that came
	// mid-frame would otherwise forward half a frame, which the renumbering
	// hides from the subscriber as if it were whole.
	fwd    bool
	tsInit bool
	lastTS uint32
	hdr    rtp.Header
	exts   [4]rtp.Extension
}

var _ webrtc.TrackLocal = (*DownTrack)(nil)

func newDownTrack(e *Engine, pub *Publication) *DownTrack { return &DownTrack{e: e, pub: pub} }

// Publication is the publication this DownTrack carries.
func (d *DownTrack) Publication() *Publication { return d.pub }

// SetEnabled starts or stops forwarding to this subscriber; enabling a video
// track asks the publisher for a keyframe so the subscriber can decode.
func (d *DownTrack) SetEnabled(on bool) {
	if was := d.enabled.Swap(on); !was && on {
		d.pub.RequestKeyframe()
	}
}

// Enabled reports whether packets are forwarded.
func (d *DownTrack) Enabled() bool { return d.enabled.Load() }

// Bind implements webrtc.TrackLocal: it picks the publisher's codec among
// the negotiated ones and maps header extension IDs by URI.
func (d *DownTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	var chosen *webrtc.RTPCodecParameters
	for _, c := range ctx.CodecParameters() {
		if strings.EqualFold(c.MimeType, d.pub.codec.MimeType) {
			chosen = &c
			break
		}
	}
	if chosen == nil {
		return webrtc.RTPCodecParameters{}, fmt.Errorf("sfu: subscriber leg did not negotiate %s", d.pub.codec.MimeType)
	}
	b := &binding{ssrc: uint32(ctx.SSRC()), pt: uint8(chosen.PayloadType), w: ctx.WriteStream()}
	for _, h := range ctx.HeaderExtensions() {
		for _, uri := range carried {
			if h.URI != uri {
				continue
			}
			if src, ok := d.pub.extIDs[uri]; ok && h.ID > 0 && h.ID < 256 {
				b.ext = append(b.ext, extMap{src: src, dst: uint8(h.ID)})
			}
		}
	}
	d.bound.Store(b)
	d.pub.RequestKeyframe()
	return *chosen, nil
}

// Unbind implements webrtc.TrackLocal.
func (d *DownTrack) Unbind(webrtc.TrackLocalContext) error {
	d.bound.Store(nil)
	return nil
}

// ID implements webrtc.TrackLocal: "<userID>-<kind>" (e.g. "alice-video"),
// unique within the subscriber's PeerConnection.
func (d *DownTrack) ID() string { return d.pub.userID + "-" + d.pub.kind }

// RID implements webrtc.TrackLocal (no simulcast).
func (d *DownTrack) RID() string { return "" }

// StreamID implements webrtc.TrackLocal: the publisher's userID.
func (d *DownTrack) StreamID() string { return d.pub.userID }

// Kind implements webrtc.TrackLocal.
func (d *DownTrack) Kind() webrtc.RTPCodecType { return d.pub.track.Kind() }

// write forwards one packet unless held or disabled (decided per frame, see
// DownTrack.fwd), and reports whether it did. Only the forwarding goroutine calls it, so d.hdr and d.exts are reused
// for every packet (pion's writer marshals before returning).
func (d *DownTrack) write(pkt *rtp.Packet, hold bool) bool {
	b := d.bound.Load()
	if ts := pkt.Timestamp; !d.tsInit || (ts != d.lastTS && ts-d.lastTS < 1<<31) {
		d.tsInit, d.lastTS = true, ts
		d.fwd = b != nil && !hold && d.enabled.Load()
	}
	// Padding-only packets (bandwidth probes) are leg-local: not forwarded.
	if b == nil || !d.fwd || len(pkt.Payload) == 0 {
		if d.sent {
			d.offset++ // the subscriber sees no gap for what we chose not to send
		}
		return false
	}
	d.hdr = pkt.Header
	d.hdr.SSRC = b.ssrc
	d.hdr.PayloadType = b.pt
	d.hdr.SequenceNumber = pkt.SequenceNumber - d.offset
	d.hdr.Padding, d.hdr.PaddingSize = false, 0 // Payload excludes the padding
	// Rebuild the extensions with the subscriber leg's IDs into d.exts
	// (SetExtension appends within its capacity: no allocation).
	d.hdr.Extension = false
	d.hdr.ExtensionProfile = 0
	d.hdr.Extensions = d.exts[:0]
	for _, m := range b.ext {
		if v := pkt.GetExtension(m.src); v != nil {
			_ = d.hdr.SetExtension(m.dst, v)
		}
	}
	if _, err := b.w.WriteRTP(&d.hdr, pkt.Payload); err != nil {
		return false
	}
	d.sent = true
	return true
}
