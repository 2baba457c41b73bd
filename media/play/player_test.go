package play

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
	"github.com/roombot/roombot/media/internal/pcpair"
	"github.com/roombot/roombot/media/keyframe"
	"github.com/roombot/roombot/media/rx"
)

// rxFrame is one received frame as the tests see it.
type rxFrame struct {
	seqFirst, seqLast uint16
	ts                uint32
	at                time.Time
	key               bool
	fp                uint64
	capture           time.Time
	level             int // -1 when absent
}

// recorder reads one remote track, groups packets into frames (marker bit
// for video, one packet per frame for audio) and feeds an analyzer.
type recorder struct {
	codec media.Codec
	a     *rx.Analyzer
	ext   media.Extensions

	mu     sync.Mutex
	frames []rxFrame
	cur    *rxFrame
	notify chan struct{} // a frame completed (capacity 1)
}

func newRecorder(r pcpair.Remote, lib *fixture.Library) *recorder {
	c, _ := media.ParseCodec(r.Track.Codec().MimeType)
	ext := pcpair.ReceiverExtensions(r.Receiver)
	return &recorder{
		codec: c, ext: ext, notify: make(chan struct{}, 1),
		a: rx.NewAnalyzer(c, time.Now(), rx.WithExtensions(ext), rx.WithRecognizer(lib.Recognize)),
	}
}

func (rc *recorder) run(t *webrtc.TrackRemote) {
	for {
		p, _, err := t.ReadRTP()
		if err != nil {
			return
		}
		rc.add(p, time.Now())
	}
}

func (rc *recorder) add(p *rtp.Packet, at time.Time) {
	rc.a.Packet(p, at)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.cur == nil {
		rc.cur = &rxFrame{seqFirst: p.SequenceNumber, ts: p.Timestamp, level: -1}
	}
	f := rc.cur
	f.seqLast = p.SequenceNumber
	if fp, ok := media.KeyframeFingerprint(rc.codec, p.Payload); ok && !f.key {
		f.key, f.fp = true, fp
	}
	if b := p.GetExtension(rc.ext.AbsCaptureTime); b != nil && f.capture.IsZero() {
		f.capture, _ = media.AbsCaptureTime(b)
	}
	if b := p.GetExtension(rc.ext.AudioLevel); b != nil && rc.ext.AudioLevel != 0 {
		lv, _, _ := media.AudioLevel(b)
		f.level = int(lv)
	}
	if p.Marker || rc.codec == media.CodecOpus {
		f.at = at
		rc.frames = append(rc.frames, *f)
		rc.cur = nil
		select {
		case rc.notify <- struct{}{}:
		default:
		}
	}
}

// waitFrames waits until n frames have been received in total.
func (rc *recorder) waitFrames(t *testing.T, n int) []rxFrame {
	t.Helper()
	deadline := time.After(pcpair.Timeout)
	for {
		rc.mu.Lock()
		if len(rc.frames) >= n {
			out := append([]rxFrame(nil), rc.frames...)
			rc.mu.Unlock()
			return out
		}
		rc.mu.Unlock()
		select {
		case <-rc.notify:
		case <-deadline:
			t.Fatalf("timed out waiting for %d %s frames", n, rc.codec)
		}
	}
}

type keyReq struct {
	keyframe.Request
	at time.Time
}

// setup connects a pair with a video and an audio player and returns the
// recorders of both remote tracks.
type rig struct {
	pair         *pcpair.Pair
	sched        *Scheduler
	video, audio *Player
	rv, ra       *recorder
	keyReqs      chan keyReq
	wg           sync.WaitGroup
}

func newRig(t *testing.T, vclip, aclip *fixture.Clip) *rig {
	t.Helper()
	lib, err := fixture.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), pcpair.Timeout)
	defer cancel()
	vt, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: vclip.Codec.MimeType()}, "video", "bot")
	if err != nil {
		t.Fatal(err)
	}
	at, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", "bot")
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{keyReqs: make(chan keyReq, 16)}
	var vp *Player
	var vpMu sync.Mutex
	kf := keyframe.NewFactory(func(req keyframe.Request) {
		at := time.Now()
		vpMu.Lock()
		if vp != nil {
			vp.RequestKeyframe()
		}
		vpMu.Unlock()
		select {
		case r.keyReqs <- keyReq{req, at}:
		default: // the test reads the first few only
		}
	})
	if r.pair, err = pcpair.New(ctx, []webrtc.TrackLocal{vt, at}, kf); err != nil {
		t.Fatal(err)
	}
	if r.sched, err = NewScheduler(WithShards(2)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = r.sched.Close()
		r.pair.Close()
		r.wg.Wait()
	})
	if r.video, err = New(r.sched, vt, vclip, WithExtensions(r.pair.SenderExtensions(0)), WithLibrary(lib)); err != nil {
		t.Fatal(err)
	}
	vpMu.Lock()
	vp = r.video
	vpMu.Unlock()
	if r.audio, err = New(r.sched, at, aclip, WithExtensions(r.pair.SenderExtensions(1))); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case rt := <-r.pair.Tracks:
			rc := newRecorder(rt, lib)
			if rt.Track.Kind() == webrtc.RTPCodecTypeVideo {
				r.rv = rc
			} else {
				r.ra = rc
			}
			r.wg.Add(1)
			go func() {
				defer r.wg.Done()
				rc.run(rt.Track)
			}()
		case <-ctx.Done():
			t.Fatal("remote tracks did not arrive")
		}
	}
	return r
}

// checkContinuity asserts consecutive sequence numbers and timestamps that
// advance by step per frame (or by more, never backwards).
func checkContinuity(t *testing.T, name string, fs []rxFrame, step uint32, exact bool) {
	t.Helper()
	for i := 1; i < len(fs); i++ {
		if fs[i].seqFirst != fs[i-1].seqLast+1 {
			t.Fatalf("%s frame %d: seq %d follows %d", name, i, fs[i].seqFirst, fs[i-1].seqLast)
		}
		d := fs[i].ts - fs[i-1].ts
		if exact && d != step || d < step || d > 1<<30 {
			t.Fatalf("%s frame %d: timestamp step %d, want %d", name, i, d, step)
		}
	}
}
