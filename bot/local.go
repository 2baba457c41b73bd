package bot

import (
	"fmt"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
)

// localTrack is one published track and the player that feeds it.
type localTrack struct {
	kind   string // "audio" or "video"
	track  *webrtc.TrackLocalStaticRTP
	sender *webrtc.RTPSender // found after Join
	ssrc   uint32
	player player // nil until startPlayers
	last   txCounters
}

// player is what the bot needs of the media package's paced player for one
// track (fixture or live): stop/resume sending, switch camera, jump to a
// keyframe on request.
type player interface {
	SetOff(off bool)
	SwitchSource(camera string) error
	RequestKeyframe()
	Close()
}

// makeLocalTracks creates the camera and microphone tracks; the driver
// adds them to its PeerConnection.
func (b *Bot) makeLocalTracks(userID string) error {
	codec := media.CodecVP8
	if b.cfg.Media.Codec == "h264" {
		codec = media.CodecH264
	}
	if !b.cfg.Media.NoVideo {
		vc := webrtc.RTPCodecCapability{MimeType: codec.MimeType(), ClockRate: 90000}
		if codec == media.CodecH264 {
			vc.SDPFmtpLine = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"
		}
		t, err := webrtc.NewTrackLocalStaticRTP(vc, "video", userID)
		if err != nil {
			return fmt.Errorf("bot %s: video track: %w", userID, err)
		}
		b.local = append(b.local, &localTrack{kind: "video", track: t})
	}
	if !b.cfg.Media.NoAudio {
		t, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", userID)
		if err != nil {
			return fmt.Errorf("bot %s: audio track: %w", userID, err)
		}
		b.local = append(b.local, &localTrack{kind: "audio", track: t})
	}
	return nil
}

// startPlayers finds the sender of each local track (the driver added
// them), reads the negotiated header extension IDs and starts playback in
// the current mute/camera state.
func (b *Bot) startPlayers() error {
	b.mu.Lock()
	peers := append([]*webrtc.PeerConnection(nil), b.peers...)
	b.mu.Unlock()
	for _, lt := range b.local {
		for _, pc := range peers {
			for _, s := range pc.GetSenders() {
				if s.Track() == lt.track {
					lt.sender = s
				}
			}
		}
		if lt.sender == nil {
			return fmt.Errorf("bot %s: the driver did not publish the %s track", b.UserID(), lt.kind)
		}
		params := lt.sender.GetParameters()
		if len(params.Encodings) > 0 {
			lt.ssrc = uint32(params.Encodings[0].SSRC)
		}
		ext := media.ExtensionsFromParams(len(params.HeaderExtensions), func(i int) (string, int) {
			return params.HeaderExtensions[i].URI, params.HeaderExtensions[i].ID
		})
		b.mu.Lock()
		off, camera := b.localOff(lt.kind), b.camera
		b.mu.Unlock()
		p, err := b.host.media.newPlayer(b.cfg.Media, lt.kind, camera, off, lt.track, ext)
		if err != nil {
			return fmt.Errorf("bot %s: %s player: %w", b.UserID(), lt.kind, err)
		}
		b.mu.Lock()
		lt.player = p
		p.SetOff(b.localOff(lt.kind)) // an action may have changed it meanwhile
		b.mu.Unlock()
	}
	return nil
}

// localOff says whether a local track must be silent now. Callers hold b.mu.
func (b *Bot) localOff(kind string) bool {
	if b.paused {
		return true
	}
	if kind == "audio" {
		return b.muted
	}
	return b.camOff
}

// onKeyframeRequest is called by the keyframe interceptor for a PLI/FIR on
// one of the bot's senders.
func (b *Bot) onKeyframeRequest(ssrc uint32) {
	b.mu.Lock()
	var p player
	for _, lt := range b.local {
		if lt.ssrc == ssrc && lt.kind == "video" {
			p = lt.player
		}
	}
	b.mu.Unlock()
	if p != nil {
		p.RequestKeyframe()
	}
}
