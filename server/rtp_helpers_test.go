package server

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/native"
)

// pump writes synthetic RTP to a local track at pps until stop; each
// packet carries its send time (ns) in the first 8 payload bytes.
type pump struct {
	stop chan struct{}
	wg   sync.WaitGroup
	sent atomic.Int64
}

func startPump(t testing.TB, tr *webrtc.TrackLocalStaticRTP, pps int, size int) *pump {
	t.Helper()
	p := &pump{stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(time.Second / time.Duration(pps))
		defer tick.Stop()
		payload := make([]byte, size)
		var seq uint16
		var ts uint32
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				binary.BigEndian.PutUint64(payload, uint64(time.Now().UnixNano()))
				seq++
				ts += 3000
				pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: true}, Payload: payload}
				if err := tr.WriteRTP(pkt); err == nil {
					p.sent.Add(1)
				}
			}
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *pump) close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.wg.Wait()
}

// writer writes tagged RTP packets to a local track: payload[0] = tag.
type writer struct {
	t    testing.TB
	tr   *webrtc.TrackLocalStaticRTP
	seq  uint16
	ts   uint32
	mark uint32 // written to payload[1:5] (the room, in the isolation test)
}

func (w *writer) write(tag byte, n int) {
	w.t.Helper()
	payload := make([]byte, 200)
	payload[0] = tag
	binary.BigEndian.PutUint32(payload[1:5], w.mark)
	for i := 0; i < n; i++ {
		w.seq++
		w.ts += 960
		if err := w.tr.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: w.seq, Timestamp: w.ts}, Payload: payload}); err != nil {
			w.t.Fatalf("write rtp: %v", err)
		}
	}
}

// reader reads RTP packets of one remote track in a goroutine.
type reader struct {
	pkts chan *rtp.Packet
	done chan struct{}
}

func readTrack(t testing.TB, tr *webrtc.TrackRemote) *reader {
	r := &reader{pkts: make(chan *rtp.Packet, 4096), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			select {
			case r.pkts <- p:
			default:
			}
		}
	}()
	return r
}

// next returns the next packet or fails after waitFor.
func (r *reader) next(t testing.TB) *rtp.Packet {
	t.Helper()
	select {
	case p := <-r.pkts:
		return p
	case <-time.After(waitFor):
		t.Fatal("no RTP packet")
		return nil
	}
}

// ended waits until the track's reads end.
func (r *reader) ended(t testing.TB) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(waitFor):
		t.Fatal("remote track did not end")
	}
}

// expectTagged reads n packets and checks they carry tag, skipping the
// primer packets (tag 0) still in flight.
func (r *reader) expectTagged(t testing.TB, tag byte, n int) *rtp.Packet {
	t.Helper()
	var p *rtp.Packet
	for i := 0; i < n; i++ {
		p = r.next(t)
		for len(p.Payload) > 0 && p.Payload[0] == 0 && tag != 0 {
			p = r.next(t)
		}
		if len(p.Payload) == 0 || p.Payload[0] != tag {
			t.Fatalf("packet %d: tag %v, want %d", i, p.Payload[:min(1, len(p.Payload))], tag)
		}
	}
	return p
}

// awaitTrack writes primer packets (tag 0) every 20 ms until sub has the
// remote track of user/kind, then starts reading it.
func awaitTrack(t testing.TB, w *writer, sub *client, user, kind string) (signaling.RemoteTrack, *reader) {
	t.Helper()
	stop := w.trickle()
	rt := sub.track(user, kind)
	stop()
	return rt, readTrack(t, rt.Track)
}

// trickle writes one packet (tag 0) every 20 ms from another goroutine until
// the returned stop is called: until a track is announced.
func (w *writer) trickle() (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				w.write(0, 1)
			}
		}
	}()
	return func() { close(quit); <-done }
}

func nativeDriverURL(url string) *native.Driver {
	return native.New(url, native.WithLogger(quietLogger()))
}

func nativeDriver(s *Server) *native.Driver { return nativeDriverURL(s.SignalURL()) }
