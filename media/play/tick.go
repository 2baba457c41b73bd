package play

import (
	"time"

	"github.com/roombot/roombot/media"
)

// tick writes the player's due frame (unless muted) and advances its
// schedule. It runs on the player's shard goroutine with the player out of
// the heap. lag is how late the frame is (negative when nothing was
// measured), rebased says the schedule restarted from now, alive=false drops
// the player from the scheduler.
func (p *Player) tick(now time.Time, maxLag time.Duration) (lag time.Duration, rebased, alive bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return -1, false, false
	}
	lag = now.Sub(p.due)
	if lag > maxLag {
		// Far behind (the process stalled or is overloaded): a burst of all
		// the missed frames would do more harm than the gap, so the schedule
		// restarts now. The RTP clock is not rewound.
		p.t0, p.elapsed, p.due = now, 0, now
		rebased = true
	}
	c := p.clip
	video := c.Kind() == media.KindVideo
	lag = max(lag, 0) // written early by the coalescing window: on time
	if p.muted {
		p.wantKey = false
		lag = -1 // nothing written, nothing to measure
	} else {
		if video {
			p.chooseVideoFrame(now)
		}
		p.writeFrame(video, now)
	}

	// Advance: the timestamp and the schedule follow the frame just due,
	// sent or not, so that mute and jumps keep the RTP clock in real time.
	f := &c.Frames[p.idx]
	p.ts += f.Dur
	p.elapsed += uint64(f.Dur)
	p.idx++
	if p.idx >= len(c.Frames) {
		p.idx = 0
		p.stats.loops.Add(1)
	}
	p.due = p.t0.Add(time.Duration(p.elapsed * uint64(time.Second) / uint64(c.ClockRate())))
	return lag, rebased, true
}

// chooseVideoFrame moves idx to a keyframe when the receiver needs one:
// after mute or a switch (always), or on request (rate-limited).
func (p *Player) chooseVideoFrame(now time.Time) {
	c := p.clip
	if c.Frames[p.idx].Key {
		p.needKey, p.wantKey = false, false
		return
	}
	jump := p.needKey
	// The rate limit is between answers to requests (lastKey): a natural
	// or start keyframe does not delay one, since an SFU that asks just
	// after it could not forward it (a new subscriber; LiveKit holds a new
	// downtrack until a keyframe). A request inside the limit waits for
	// its end (or a natural keyframe) instead of being dropped: LiveKit
	// throttles its PLI retries to 0.5-1 s.
	if p.wantKey && now.Sub(p.lastKey) >= p.keyMinInterval {
		p.wantKey = false
		p.lastKey = now
		jump = true
		p.stats.keyJumps.Add(1)
	}
	if jump {
		if k := c.NextKeyframe(p.idx); k >= 0 {
			p.idx = k
		}
		p.needKey = false
	}
}

// writeFrame sends frame idx of the clip: one packet per payload, marker on
// the last packet (video) or on the first packet of a talkspurt (audio).
func (p *Player) writeFrame(video bool, now time.Time) {
	c := p.clip
	f := &c.Frames[p.idx]
	if !p.extSet {
		p.setExtensions(video)
	}
	if p.ext.AbsCaptureTime != 0 {
		// The capture time is the frame's scheduled time: what a camera
		// would stamp. Writing late therefore shows up as latency. A frame
		// written early (coalescing) is stamped with the write time, so
		// that latency is never understated.
		capture := p.due
		if now.Before(capture) {
			capture = now
		}
		media.PutAbsCaptureTime(p.abs[:], capture)
	}
	if !video {
		p.lvl[0] = media.AudioLevelByte(f.Level, f.Level < 127)
	}
	h := &p.pkt.Header
	h.Version = 2
	h.Timestamp = p.ts
	payloads := c.Payloads[f.First : f.First+f.Count]
	var bytes uint64
	for i, pl := range payloads {
		h.SequenceNumber = p.seq
		if video {
			h.Marker = i == len(payloads)-1
		} else {
			h.Marker = p.talkspurt
			p.talkspurt = false
		}
		p.pkt.Payload = pl
		if err := p.w.WriteRTP(&p.pkt); err != nil {
			p.stats.writeErrors.Add(1)
		}
		p.seq++
		bytes += uint64(len(pl))
	}
	p.pkt.Payload = nil
	p.stats.packets.Add(uint64(len(payloads)))
	p.stats.bytes.Add(bytes)
	p.stats.frames.Add(1)
	if f.Key {
		p.stats.keyframes.Add(1)
	}
}

// setExtensions rebuilds the reused packet's extension list for the
// negotiated IDs. The extension payloads point at the player's own arrays,
// which writeFrame refreshes per frame, so the list is built once.
func (p *Player) setExtensions(video bool) {
	h := &p.pkt.Header
	h.Extension, h.ExtensionProfile = false, 0
	if h.Extensions == nil {
		h.Extensions = make([]rtpExtension, 0, 4)
	}
	h.Extensions = h.Extensions[:0]
	if id := p.ext.AbsCaptureTime; id != 0 {
		_ = h.SetExtension(id, p.abs[:])
	}
	if id := p.ext.AudioLevel; id != 0 && !video {
		_ = h.SetExtension(id, p.lvl[:])
	}
	p.extSet = true
}
