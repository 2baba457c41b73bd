package server

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/server/sfu"
	"github.com/roombot/roombot/signaling"
)

// extTrack records the header extension IDs negotiated on its own leg.
type extTrack struct {
	*webrtc.TrackLocalStaticRTP
	ids chan map[string]uint8
}

func (e *extTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	m := map[string]uint8{}
	for _, h := range ctx.HeaderExtensions() {
		m[h.URI] = uint8(h.ID)
	}
	select {
	case e.ids <- m:
	default:
	}
	return e.TrackLocalStaticRTP.Bind(ctx)
}

// TestHeaderExtensionsAndH264: abs-capture-time and audio level survive
// forwarding under the IDs of the subscriber's leg, and an H.264 publisher
// reaches the subscriber as H.264.
func TestHeaderExtensionsAndH264(t *testing.T) {
	s := startServer(t, Config{})
	audio, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "alice")
	if err != nil {
		t.Fatal(err)
	}
	at := &extTrack{TrackLocalStaticRTP: audio, ids: make(chan map[string]uint8, 1)}
	a := mustJoin(t, s, "alice", joinOpts{room: 8, video: true, videoCode: webrtc.MimeTypeH264})
	b := mustJoin(t, s, "bob", joinOpts{room: 8})
	vt, _ := awaitTrack(t, &writer{t: t, tr: a.video}, b, "alice", "video")
	if got := vt.Track.Codec().MimeType; got != webrtc.MimeTypeH264 {
		t.Fatalf("subscriber codec %s, want H264", got)
	}

	// A second publisher with the recording audio track.
	sig := userSig(t, "carol")
	p := signaling.JoinParams{SDKAppID: DefaultSDKAppID, UserID: "carol", UserSig: sig, RoomID: 8,
		Tracks: []webrtc.TrackLocal{at}, NewPeerConnection: clientAPI(t, nil).NewPeerConnection}
	cs, err := nativeDriver(s).Join(t.Context(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Leave(t.Context()) })
	var ids map[string]uint8
	select {
	case ids = <-at.ids:
	case <-t.Context().Done():
	}
	absID, levelID := ids[sfu.AbsCaptureTimeURI], ids[sfu.AudioLevelURI]
	if absID == 0 || levelID == 0 {
		t.Fatalf("publisher leg lacks the extensions: %v", ids)
	}
	act := make([]byte, 8)
	var seq uint16 // owned by whoever sends: the primer, then the test
	send := func(n int) {
		for i := 0; i < n; i++ {
			seq++
			binary.BigEndian.PutUint64(act, uint64(0x1122334455667788)+uint64(seq))
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 960}, Payload: []byte{9, 9, 9}}
			_ = pkt.SetExtension(absID, act)
			_ = pkt.SetExtension(levelID, []byte{0x80 | 42})
			_ = audio.WriteRTP(pkt) // a write error shows as a missing packet below
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // primer until the track reaches bob
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				send(1)
			}
		}
	}()
	rt := b.track("carol", "audio")
	close(stop)
	<-done
	sub := map[string]uint8{}
	for _, h := range rt.Receiver.GetParameters().HeaderExtensions {
		sub[h.URI] = uint8(h.ID)
	}
	r := readTrack(t, rt.Track)
	send(5)
	pkt := r.next(t)
	if got := pkt.GetExtension(sub[sfu.AbsCaptureTimeURI]); len(got) != 8 || binary.BigEndian.Uint64(got)>>32 != 0x11223344 {
		t.Fatalf("abs-capture-time under subscriber ID %d: %x (extensions %v)", sub[sfu.AbsCaptureTimeURI], got, pkt.GetExtensionIDs())
	}
	if got := pkt.GetExtension(sub[sfu.AudioLevelURI]); len(got) != 1 || got[0] != 0x80|42 {
		t.Fatalf("audio level under subscriber ID %d: %x", sub[sfu.AudioLevelURI], got)
	}
}
