package bot

import (
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// remoteUser is another participant as this bot sees it.
type remoteUser struct {
	member signaling.Member
	// recvAudio and recvVideo are this bot's blocks (true = receive).
	recvAudio, recvVideo bool
	tracks               []*remoteTrack
	// enteredAt is when the user entered after this bot (1031); zero for
	// users of the member list. It starts the time to first frame.
	enteredAt time.Time
	// videoOnAt is when this user's video was last switched on for this
	// bot (1033 on, or unblocked): a later start of the time to first
	// frame for a user whose video was off or blocked.
	videoOnAt time.Time
	// known: the user's microphone and camera state came from the room
	// (member list, 1031 or a media change), and 1033/1034 were raised for
	// it once. A user first seen through its track is not known yet.
	known bool
}

// remoteTrack is one received track, its analysis and the counters of the
// last stats sample.
type remoteTrack struct {
	user, kind string
	track      *webrtc.TrackRemote
	recv       *webrtc.RTPReceiver
	ssrc       uint32
	an         analyzer
	arrived    time.Time // reference of the time to first frame; guarded by Bot.mu
	gotFirst   bool      // the first frame arrived; guarded by Bot.mu
	expect     int8      // last Expect given: 0 none yet, 1 on, -1 off; guarded by Bot.mu
	last       rxCounters
	loss       seqLoss
	lastLoss   lossCounters
	lastPkt    atomic.Int64 // UnixNano of the last packet (player.go)
}

// analyzer is what the bot needs of the media package's receive analysis
// for one track: feed it every packet, read an interval snapshot.
type analyzer interface {
	Packet(pkt []byte, at time.Time)
	Snapshot(now time.Time) rxSnapshot
	// Expect says whether frames are expected (not signalled off or
	// blocked): a gap while they are not is no freeze.
	Expect(on bool, now time.Time)
}

// rxSnapshot is the analysis of one track since the previous snapshot.
type rxSnapshot struct {
	Frames      uint64
	Undecodable uint64
	Width       int // picture size announced by the stream's last keyframe, 0 unknown
	Height      int
	FPS         float64
	Freezes     int
	FreezeMs    float64
	// JitterMs is RFC 3550 interarrival jitter of the original packets;
	// nil when none arrived in the interval.
	JitterMs   *float64
	E2EMs      *float64
	AudioLevel *float64
	Source     string
}

// rxEvents are the analysis callbacks the bot turns into media events.
type rxEvents struct {
	FirstFrame  func(at time.Time)
	FreezeStart func(at time.Time)
	FreezeEnd   func(at time.Time, d time.Duration)
	Source      func(name string)
	// KeyframeNeeded: the decoder model lost its reference and waits for
	// a keyframe; the bot sends a PLI, as a client does.
	KeyframeNeeded func()
}

// addRemote records a member; entered is the time of its 1031, zero for
// the member list. It returns the 1033/1034 events the member's state
// calls for (see mediaEvents); the caller raises them after its 1020/1031.
func (b *Bot) addRemote(m signaling.Member, entered time.Time) []reports.Event {
	b.mu.Lock()
	r, ok := b.remotes[m.UserID]
	if !ok {
		r = b.newRemote(signaling.Member{UserID: m.UserID})
		b.remotes[m.UserID] = r
	}
	if !entered.IsZero() {
		r.enteredAt = entered
	}
	prev, known := r.member, r.known
	r.member, r.known = m, true
	if known && prev.VideoOff && !m.VideoOff {
		r.videoOnAt = b.now()
	}
	b.mu.Unlock()
	b.expectVideo(m.UserID)
	return mediaEvents(m.UserID, prev, m, known)
}

// mediaEvents are the 1033/1034 events for a user whose state went from
// prev to cur: both when the state was not known before (the doc's "once
// when first known"), else the ones that changed.
func mediaEvents(user string, prev, cur signaling.Member, known bool) []reports.Event {
	var out []reports.Event
	if !known || prev.VideoOff != cur.VideoOff {
		out = append(out, reports.Event{Kind: reports.KindRoom, Event: reports.EvRemoteVideo, Code: codes.RemoteVideoState,
			Remote: user, Track: "video", Message: onOff(!cur.VideoOff)})
	}
	if !known || prev.AudioMuted != cur.AudioMuted {
		out = append(out, reports.Event{Kind: reports.KindRoom, Event: reports.EvRemoteAudio, Code: codes.RemoteAudioState,
			Remote: user, Track: "audio", Message: onOff(!cur.AudioMuted)})
	}
	return out
}

// newRemote is a remote user received as the receive mode says: what
// recvmode does not receive automatically stays off until
// EnableRemoteAudio/Video turns it on.
func (b *Bot) newRemote(m signaling.Member) *remoteUser {
	mode := b.cfg.RecvMode
	return &remoteUser{member: m,
		recvAudio: mode == signaling.RecvAll || mode == signaling.RecvAudio,
		recvVideo: mode == signaling.RecvAll || mode == signaling.RecvVideo}
}

// removeRemote forgets a user that left. Its video stops being expected:
// a freeze ongoing when it left ends there (as at a camera off), so that no
// freeze_start is left without its freeze_end.
func (b *Bot) removeRemote(id string) {
	b.mu.Lock()
	var ans []analyzer
	if r, ok := b.remotes[id]; ok {
		for _, rt := range r.tracks {
			if rt.kind == "video" && rt.an != nil && rt.expect != -1 {
				rt.expect = -1
				ans = append(ans, rt.an)
			}
		}
	}
	delete(b.remotes, id)
	now := b.now()
	b.mu.Unlock()
	for _, an := range ans {
		an.Expect(false, now)
	}
}

// remoteMedia raises 1033 / 1034 for what changed.
func (b *Bot) remoteMedia(e signaling.RemoteMedia) {
	b.mu.Lock()
	r, ok := b.remotes[e.UserID]
	if !ok {
		r = b.newRemote(signaling.Member{UserID: e.UserID})
		b.remotes[e.UserID] = r
	}
	prev, known := r.member, r.known && ok
	r.member.AudioMuted, r.member.VideoOff = e.AudioMuted, e.VideoOff
	r.known = true
	if prev.VideoOff && !e.VideoOff {
		r.videoOnAt = b.now()
	}
	cur := r.member
	b.mu.Unlock()
	b.expectVideo(e.UserID)
	for _, ev := range mediaEvents(e.UserID, prev, cur, known) {
		b.emit(ev)
	}
}

// expectVideo tells the analysis of a remote user's video tracks whether
// frames are expected: not while the user signalled camera off (1033) nor
// while this bot blocks the video. Stopped video is then not a freeze.
func (b *Bot) expectVideo(userID string) {
	b.mu.Lock()
	r, ok := b.remotes[userID]
	if !ok {
		b.mu.Unlock()
		return
	}
	on := r.recvVideo && !r.member.VideoOff
	now := b.now()
	state := int8(-1)
	if on {
		state = 1
	}
	var ans []analyzer
	for _, rt := range r.tracks {
		if rt.kind != "video" || rt.an == nil || rt.expect == state {
			continue
		}
		// Video switched on before any frame came: the time to first
		// frame counts from now, not from the (long) time it was off.
		if on && rt.expect == -1 && !rt.gotFirst {
			rt.arrived = now
		}
		rt.expect = state
		ans = append(ans, rt.an)
	}
	b.mu.Unlock()
	for _, an := range ans {
		an.Expect(on, now)
	}
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// addRemoteTrack starts the analysis of a remote track and the two readers
// it needs: RTP (into the analyzer) and the receiver's RTCP (so that sender
// reports pass the interceptors and RTT/remote stats exist).
func (b *Bot) addRemoteTrack(e signaling.RemoteTrack) {
	if e.Track == nil {
		return
	}
	rt := &remoteTrack{user: e.UserID, kind: e.Kind, track: e.Track, recv: e.Receiver, ssrc: uint32(e.Track.SSRC())}
	params := e.Receiver.GetParameters()
	b.mu.Lock()
	r, ok := b.remotes[e.UserID]
	if !ok {
		r = b.newRemote(signaling.Member{UserID: e.UserID})
		b.remotes[e.UserID] = r
	}
	// The track "arrives" when its user is known to be in the room: at
	// this bot's enter request for members already there, at 1031 for
	// later ones. (pion reports the track itself only with its first
	// packet, which would make the time to first frame meaningless.)
	rt.arrived = b.enterAt
	if r.enteredAt.After(rt.arrived) {
		rt.arrived = r.enteredAt
	}
	if e.Kind == "video" && r.videoOnAt.After(rt.arrived) {
		rt.arrived = r.videoOnAt
	}
	b.mu.Unlock()
	// The analysis exists before the track is listed: the stats loop and
	// expectVideo read rt.an of every listed track.
	rt.an = b.host.media.newAnalyzer(e.Track.Codec().MimeType, e.Kind, params.HeaderExtensions, rt.arrived, b.rxEvents(rt))
	b.mu.Lock()
	r.tracks = append(r.tracks, rt)
	b.mu.Unlock()
	b.expectVideo(e.UserID)

	b.wg.Add(2)
	go b.readRTP(rt)
	go b.readRTCP(e.Receiver)
}

// rxEvents turns one track's analysis callbacks into media events.
func (b *Bot) rxEvents(rt *remoteTrack) rxEvents {
	ev := func(name string) reports.Event {
		return reports.Event{Kind: reports.KindMedia, Event: name, Remote: rt.user, Track: rt.kind}
	}
	return rxEvents{
		FirstFrame: func(at time.Time) {
			b.mu.Lock()
			rt.gotFirst = true
			arrived := rt.arrived
			b.mu.Unlock()
			e := ev(reports.EvFirstFrame)
			e.Time, e.Value = at, msSince(at, arrived)
			b.emit(e)
		},
		FreezeStart: func(at time.Time) {
			e := ev(reports.EvFreezeStart)
			e.Time = at
			b.emit(e)
		},
		FreezeEnd: func(at time.Time, d time.Duration) {
			e := ev(reports.EvFreezeEnd)
			e.Time, e.Value = at, float64(d)/float64(time.Millisecond)
			b.emit(e)
		},
		Source: func(name string) {
			e := ev(reports.EvSource)
			e.Message = name
			b.emit(e)
		},
		KeyframeNeeded: func() { b.sendPLI(rt) },
	}
}

// readRTP feeds every packet of rt to its analyzer until the track ends.
// The buffer is reused: no allocation per packet here.
func (b *Bot) readRTP(rt *remoteTrack) {
	defer b.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, _, err := rt.track.Read(buf)
		if err != nil {
			return
		}
		if n >= 12 {
			rt.loss.add(uint16(buf[2])<<8 | uint16(buf[3]))
		}
		now := b.now()
		rt.lastPkt.Store(now.UnixNano())
		rt.an.Packet(buf[:n], now)
	}
}

// readRTCP drains a receiver's RTCP so the interceptors see it.
func (b *Bot) readRTCP(r *webrtc.RTPReceiver) {
	defer b.wg.Done()
	buf := make([]byte, 1500)
	for {
		if _, _, err := r.Read(buf); err != nil {
			return
		}
	}
}
