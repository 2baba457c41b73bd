package bot

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// TestNackHistoryResendsWhatWasSent: packets are written as a player
// writes them (one reused header, a per-packet extension value, payloads
// from a shared library), then NACKed; every retransmission must be the
// packet as first sent, byte for byte. The same run through pion's
// non-copying responder without headerCopier resends the last header
// written — what the test exists to catch.
func TestNackHistoryResendsWhatWasSent(t *testing.T) {
	build := func(withCopier bool) interceptor.Interceptor {
		t.Helper()
		ir := &interceptor.Registry{}
		if withCopier {
			if err := configureNack(&webrtc.MediaEngine{}, ir, 64, 2); err != nil {
				t.Fatal(err)
			}
		} else {
			r, err := nack.NewResponderInterceptor(nack.ResponderSize(64), nack.DisableCopy())
			if err != nil {
				t.Fatal(err)
			}
			ir.Add(r)
		}
		c, err := ir.Build("")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	for _, withCopier := range []bool{true, false} {
		chain := build(withCopier)
		info := &interceptor.StreamInfo{SSRC: 1234, ClockRate: 90000, MimeType: webrtc.MimeTypeVP8,
			RTCPFeedback: []interceptor.RTCPFeedback{{Type: "nack"}}}
		var mu sync.Mutex
		var wire [][]byte
		resends := make(chan struct{}, 16) // one per packet written after the first 10
		w := chain.BindLocalStream(info, interceptor.RTPWriterFunc(func(h *rtp.Header, p []byte, _ interceptor.Attributes) (int, error) {
			b, err := (&rtp.Packet{Header: *h, Payload: p}).Marshal()
			if err != nil {
				return 0, err
			}
			mu.Lock()
			wire = append(wire, b)
			if len(wire) > 10 {
				resends <- struct{}{}
			}
			mu.Unlock()
			return len(b), nil
		}))
		library := [][]byte{[]byte("keyframe part 1"), []byte("keyframe part 2"), []byte("delta frame")}
		var h rtp.Header
		h.Version, h.SSRC, h.PayloadType = 2, 1234, 96
		ext := make([]byte, 8)
		for i := range 10 {
			h.SequenceNumber, h.Timestamp = uint16(100+i), uint32(3000*i)
			ext[0] = byte(i)
			if err := h.SetExtension(3, ext); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(&h, library[i%len(library)], nil); err != nil {
				t.Fatal(err)
			}
		}
		sent := append([][]byte(nil), wire...)
		nk, err := (&rtcp.TransportLayerNack{MediaSSRC: 1234, Nacks: []rtcp.NackPair{{PacketID: 102, LostPackets: 0b101}}}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		r := chain.BindRTCPReader(interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
			return copy(b, nk), a, nil
		}))
		if _, _, err := r.Read(make([]byte, 1500), nil); err != nil {
			t.Fatal(err)
		}
		// The responder resends from its own goroutine.
		timeout := time.After(5 * time.Second)
	wait:
		for range 3 {
			select {
			case <-resends:
			case <-timeout:
				break wait
			}
		}
		mu.Lock()
		resent := append([][]byte(nil), wire[len(sent):]...)
		mu.Unlock()
		if len(resent) != 3 { // 102, 103, 105
			t.Fatalf("copier %v: %d packets resent for 3 NACKed", withCopier, len(resent))
		}
		same := true
		for i, seq := range []int{102, 103, 105} {
			if !bytes.Equal(resent[i], sent[seq-100]) {
				same = false
			}
		}
		switch {
		case withCopier && !same:
			t.Errorf("retransmissions differ from the packets first sent:\n resent %x\n sent   %x", resent, [][]byte{sent[2], sent[3], sent[5]})
		case !withCopier && same:
			t.Errorf("without headerCopier the retransmissions were right: the test no longer shows why it is needed")
		}
	}
}
