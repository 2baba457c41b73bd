package bot

import (
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// fixturePlayer replays a fixture clip in real time onto one track:
// timestamps follow the wall clock across loops, pauses and camera
// switches; sequence numbers never jump; video resumes on a keyframe.
type fixturePlayer struct {
	clips map[string]*fixture.Clip
	track *webrtc.TrackLocalStaticRTP
	ext   media.Extensions

	mu      sync.Mutex
	clip    *fixture.Clip
	idx     int
	off     bool
	needKey bool
	lastKF  time.Time

	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

func newFixturePlayer(clips map[string]*fixture.Clip, start string, track *webrtc.TrackLocalStaticRTP, ext media.Extensions) *fixturePlayer {
	p := &fixturePlayer{clips: clips, clip: clips[start], track: track, ext: ext, stop: make(chan struct{})}
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *fixturePlayer) SetOff(off bool) {
	p.mu.Lock()
	if p.off && !off && p.clip.Kind() == media.KindVideo {
		p.needKey = true
	}
	p.off = off
	p.mu.Unlock()
}

func (p *fixturePlayer) SwitchSource(camera string) error {
	c, ok := p.clips[camera]
	if !ok {
		return fixture.ErrNotFound
	}
	p.mu.Lock()
	p.idx = c.KeyframeNear(p.idx % len(c.Frames))
	p.clip = c
	p.mu.Unlock()
	return nil
}

// RequestKeyframe jumps to the next keyframe, at most twice a second.
func (p *fixturePlayer) RequestKeyframe() {
	p.mu.Lock()
	if time.Since(p.lastKF) > 500*time.Millisecond {
		p.needKey = true
		p.lastKF = time.Now()
	}
	p.mu.Unlock()
}

func (p *fixturePlayer) Close() {
	p.once.Do(func() { close(p.stop) })
	p.wg.Wait()
}

func (p *fixturePlayer) run() {
	defer p.wg.Done()
	var (
		seq   uint16
		ts    uint32
		pkt   rtp.Packet
		extb  [media.AbsCaptureTimeSize]byte
		level [1]byte
	)
	pkt.Version = 2
	timer := time.NewTimer(0)
	defer timer.Stop()
	next := time.Now()
	for {
		select {
		case <-p.stop:
			return
		case <-timer.C:
		}
		p.mu.Lock()
		clip := p.clip
		if p.needKey && clip.Kind() == media.KindVideo {
			if !clip.Frames[p.idx].Key {
				p.idx = clip.NextKeyframe(p.idx)
			}
			p.needKey = false
		}
		f := clip.Frames[p.idx]
		payloads := clip.Packets(p.idx)
		off := p.off
		p.idx = (p.idx + 1) % len(clip.Frames)
		p.mu.Unlock()

		if !off {
			now := time.Now()
			for i, pl := range payloads {
				pkt.Header = rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: i == len(payloads)-1,
					Extensions: pkt.Header.Extensions[:0]}
				if p.ext.AbsCaptureTime != 0 {
					media.PutAbsCaptureTime(extb[:], now)
					_ = pkt.Header.SetExtension(p.ext.AbsCaptureTime, extb[:])
				}
				if p.ext.AudioLevel != 0 && clip.Kind() == media.KindAudio {
					level[0] = media.AudioLevelByte(f.Level, f.Level < 127)
					_ = pkt.Header.SetExtension(p.ext.AudioLevel, level[:])
				}
				pkt.Payload = pl
				_ = p.track.WriteRTP(&pkt)
				seq++
			}
		}
		ts += f.Dur
		next = next.Add(clip.FrameTime(f.Dur))
		d := time.Until(next)
		if d < -time.Second {
			next = time.Now() // far behind (machine stalled): don't burst
			d = 0
		}
		timer.Reset(d)
	}
}
