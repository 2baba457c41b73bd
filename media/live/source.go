//go:build live

package live

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/play"
)

// Source is one live-encoded track (video or audio) writing RTP to a
// play.Writer from its own goroutine, paced by a ticker. Its methods are
// safe for concurrent use. Close stops the goroutine and waits for it.
type Source struct {
	kind     media.Kind
	w        play.Writer
	enc      codec.ReadCloser
	pay      rtp.Payloader
	clock    uint32
	interval time.Duration
	gen      generator

	mu       sync.Mutex // guards ext, muted, keyWanted
	ext      media.Extensions
	muted    bool
	keyAfter bool // force a keyframe when unmuted

	seq    uint16
	tsBase uint32
	t0     time.Time

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once

	packets, bytes, frames, keyframes, keyRequests, writeErrors, encodeErrors atomic.Uint64
	bitrate                                                                   atomic.Int64
}

// generator produces the raw input of one tick and, for audio, its level.
type generator interface {
	// next prepares the input for the tick at elapsed time t.
	next(t time.Duration)
	// level is the −dBov level of the last prepared audio chunk (127 for video).
	level() uint8
}

// Stats are a live source's cumulative counters.
type Stats struct {
	Packets, Bytes, Frames, Keyframes uint64
	KeyframeRequests                  uint64
	WriteErrors, EncodeErrors         uint64
	Bitrate                           int // current target, bits per second
}

func newSource(kind media.Kind, w play.Writer, enc codec.ReadCloser, pay rtp.Payloader, interval time.Duration, gen generator, cfg config) *Source {
	s := &Source{
		kind: kind, w: w, enc: enc, pay: pay, clock: media.VideoClockRate, interval: interval, gen: gen,
		ext: cfg.ext, muted: cfg.muted, keyAfter: cfg.muted && kind == media.KindVideo,
		seq: uint16(rand.Uint32()), tsBase: rand.Uint32(),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	if kind == media.KindAudio {
		s.clock = media.AudioClockRate
	}
	s.bitrate.Store(int64(cfg.bitrate))
	s.t0 = time.Now()
	go s.run()
	return s
}

// run encodes and sends one frame per tick until Close.
func (s *Source) run() {
	defer close(s.done)
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	for {
		s.frame(time.Now())
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
	}
}

func (s *Source) frame(now time.Time) {
	s.mu.Lock()
	muted, ext, forceKey := s.muted, s.ext, s.keyAfter && !s.muted
	if forceKey {
		s.keyAfter = false
	}
	s.mu.Unlock()
	if muted {
		return // nothing is captured or encoded while muted
	}
	if forceKey {
		s.forceKeyframe()
	}
	elapsed := now.Sub(s.t0)
	s.gen.next(elapsed)
	data, release, err := s.enc.Read()
	if err != nil {
		s.encodeErrors.Add(1)
		return
	}
	defer release()
	if len(data) == 0 {
		return // the encoder dropped the frame (rate control)
	}
	ts := s.tsBase + uint32(elapsed*time.Duration(s.clock)/time.Second)
	if s.kind == media.KindAudio {
		// Audio timestamps count samples: whole 20 ms frames of wall time,
		// so that they advance by exactly 960 per packet and keep running
		// while muted.
		ts = s.tsBase + uint32((elapsed+10*time.Millisecond)/(20*time.Millisecond))*audioChunk
	}
	payloads := s.pay.Payload(uint16(1200), data)
	var pkt rtp.Packet
	pkt.Version = 2
	pkt.Timestamp = ts
	var abs [media.AbsCaptureTimeSize]byte
	if ext.AbsCaptureTime != 0 {
		media.PutAbsCaptureTime(abs[:], now)
		_ = pkt.SetExtension(ext.AbsCaptureTime, abs[:])
	}
	if s.kind == media.KindAudio && ext.AudioLevel != 0 {
		lv := s.gen.level()
		_ = pkt.SetExtension(ext.AudioLevel, []byte{media.AudioLevelByte(lv, lv < 127)})
	}
	key := s.kind == media.KindVideo && len(payloads) > 0 && media.KeyframeStart(media.CodecVP8, payloads[0])
	for i, p := range payloads {
		pkt.SequenceNumber = s.seq
		pkt.Marker = s.kind == media.KindVideo && i == len(payloads)-1
		pkt.Payload = p
		if err := s.w.WriteRTP(&pkt); err != nil {
			s.writeErrors.Add(1)
		}
		s.seq++
		s.bytes.Add(uint64(len(p)))
	}
	s.packets.Add(uint64(len(payloads)))
	s.frames.Add(1)
	if key {
		s.keyframes.Add(1)
	}
}

// RequestKeyframe makes the encoder's next frame a keyframe (video; a no-op
// for audio).
func (s *Source) RequestKeyframe() {
	s.keyRequests.Add(1)
	s.forceKeyframe()
}

func (s *Source) forceKeyframe() {
	if kc, ok := s.enc.Controller().(codec.KeyFrameController); ok {
		_ = kc.ForceKeyFrame()
	}
}

// SetBitrate sets the encoder's target bitrate in bits per second, e.g. from
// the congestion controller's estimate. Video is clamped to
// MinVideoBitrate..MaxVideoBitrate.
func (s *Source) SetBitrate(bps int) error {
	if s.kind == media.KindVideo {
		bps = min(max(bps, MinVideoBitrate), MaxVideoBitrate)
	}
	bc, ok := s.enc.Controller().(codec.BitRateController)
	if !ok {
		return fmt.Errorf("live: %s encoder has no bitrate control", s.kind)
	}
	if err := bc.SetBitRate(bps); err != nil {
		return fmt.Errorf("live: set %s bitrate %d: %w", s.kind, bps, err)
	}
	s.bitrate.Store(int64(bps))
	return nil
}

// SetMuted stops (true) or resumes capture, encoding and sending; video
// resumes with a keyframe.
func (s *Source) SetMuted(muted bool) {
	s.mu.Lock()
	if muted && !s.muted {
		s.keyAfter = s.kind == media.KindVideo
	}
	s.muted = muted
	s.mu.Unlock()
}

// SetCameraOff is SetMuted for video, named after the room action.
func (s *Source) SetCameraOff(off bool) { s.SetMuted(off) }

// SetExtensions sets the negotiated header extension IDs.
func (s *Source) SetExtensions(e media.Extensions) {
	s.mu.Lock()
	s.ext = e
	s.mu.Unlock()
}

// Stats returns the source's counters.
func (s *Source) Stats() Stats {
	return Stats{
		Packets: s.packets.Load(), Bytes: s.bytes.Load(), Frames: s.frames.Load(), Keyframes: s.keyframes.Load(),
		KeyframeRequests: s.keyRequests.Load(), WriteErrors: s.writeErrors.Load(), EncodeErrors: s.encodeErrors.Load(),
		Bitrate: int(s.bitrate.Load()),
	}
}

// Close stops the source, waits for its goroutine and frees the encoder.
// It is idempotent.
func (s *Source) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		err = s.enc.Close()
	})
	return err
}
