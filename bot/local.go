package bot

import (
	"fmt"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// localTrack is one published track and the player that feeds it.
type localTrack struct {
	kind   string // "audio" or "video"
	rid    string // simulcast layer ("q", "h", "f"); "" for a single-layer track
	height int    // simulcast layer: its fixture height
	// unwanted: the server receives this simulcast layer from nobody
	// (signaling.LayerDemand) and it is not sent. Guarded by the bot's mu.
	unwanted bool
	track    *boundTrack
	player   player // nil until startPlayers
	last     txCounters

	// Set when the sender binds the track (negotiation done); guarded by
	// the bot's mu.
	ssrc uint32
	ext  media.Extensions
}

// boundTrack is a TrackLocalStaticRTP that tells the bot when a sender
// binds it: only then are its SSRC and header extension IDs known, and the
// native driver binds after entering (the server's first offer).
type boundTrack struct {
	*webrtc.TrackLocalStaticRTP
	onBind func(webrtc.TrackLocalContext)
}

// Bind binds the track and reports the binding.
func (t *boundTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	c, err := t.TrackLocalStaticRTP.Bind(ctx)
	if err == nil && t.onBind != nil {
		t.onBind(ctx)
	}
	return c, err
}

var _ webrtc.TrackLocal = (*boundTrack)(nil)

// player is what the bot needs of the media package's paced player for one
// track (fixture or live): stop/resume sending, switch camera, jump to a
// keyframe on request.
type player interface {
	SetOff(off bool)
	SetExtensions(media.Extensions)
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
		layers := []simulcastLayer{{}}
		if b.cfg.Media.Simulcast {
			layers = SimulcastLayers
		}
		for _, l := range layers {
			var opts []func(*webrtc.TrackLocalStaticRTP)
			if l.RID != "" {
				opts = append(opts, webrtc.WithRTPStreamID(l.RID))
			}
			t, err := webrtc.NewTrackLocalStaticRTP(vc, "video", userID, opts...)
			if err != nil {
				return fmt.Errorf("bot %s: video track: %w", userID, err)
			}
			lt := b.addLocal("video", t)
			lt.rid, lt.height = l.RID, l.Height
		}
	}
	if !b.cfg.Media.NoAudio {
		t, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", userID)
		if err != nil {
			return fmt.Errorf("bot %s: audio track: %w", userID, err)
		}
		b.addLocal("audio", t)
	}
	return nil
}

func (b *Bot) addLocal(kind string, t *webrtc.TrackLocalStaticRTP) *localTrack {
	lt := &localTrack{kind: kind}
	lt.track = &boundTrack{TrackLocalStaticRTP: t, onBind: func(ctx webrtc.TrackLocalContext) { b.bound(lt, ctx) }}
	b.local = append(b.local, lt)
	return lt
}

// simulcastLayer is one layer a simulcast publisher sends: a fixture
// height under LiveKit's RID for it.
type simulcastLayer struct {
	RID    string
	Height int
}

// SimulcastLayers are the layers of media.simulcast, lowest first: the
// 180p, 360p and 720p fixtures as LiveKit's quarter, half and full
// resolution RIDs.
var SimulcastLayers = []simulcastLayer{{"q", 180}, {"h", 360}, {"f", 720}}

// bound records a local track's SSRC and negotiated header extensions and
// passes the extensions to its player.
func (b *Bot) bound(lt *localTrack, ctx webrtc.TrackLocalContext) {
	exts := ctx.HeaderExtensions()
	ext := media.ExtensionsFromParams(len(exts), func(i int) (string, int) { return exts[i].URI, exts[i].ID })
	b.mu.Lock()
	lt.ssrc, lt.ext = uint32(ctx.SSRC()), ext
	p := lt.player
	b.mu.Unlock()
	if p != nil {
		p.SetExtensions(ext)
		// What was sent before the binding was dropped: start the bound
		// stream on a keyframe so receivers show a picture at once
		// (outside the players' keyframe rate limit, which is for the
		// receivers' requests).
		if f, ok := p.(interface{ ForceKeyframe() }); ok {
			f.ForceKeyframe()
		} else {
			p.RequestKeyframe()
		}
	}
}

// startPlayers starts paced playback on every local track in the current
// mute/camera state. Packets written before the track is bound are
// dropped by pion; the extension IDs follow when it binds.
func (b *Bot) startPlayers() error {
	for _, lt := range b.local {
		b.mu.Lock()
		off, camera, ext := b.trackOff(lt), b.camera, lt.ext
		b.mu.Unlock()
		mc := b.cfg.Media
		if lt.height != 0 {
			mc.Resolution = fmt.Sprintf("%dp", lt.height)
		}
		p, err := b.host.media.newPlayer(mc, lt.kind, camera, off, lt.track.TrackLocalStaticRTP, ext)
		if err != nil {
			// The component's "open camera / microphone failed" (-4 / -5,
			// pusher -1301 / -1302): the bot cannot publish and leaves.
			code, what := codes.ErrOpenCamera, "open camera failed"
			if lt.kind == "audio" {
				code, what = codes.ErrOpenMic, "open microphone failed"
			}
			b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error", Code: code, Message: what + ": " + err.Error()})
			return fmt.Errorf("bot %s: %s: %w: %w", b.UserID(), what, &signaling.Error{Code: code, Message: what}, err)
		}
		if f, ok := p.(rateFollower); ok {
			b.bwe.follow(f)
		}
		b.mu.Lock()
		lt.player = p
		p.SetOff(b.trackOff(lt)) // an action may have changed it meanwhile
		ext2 := lt.ext
		b.mu.Unlock()
		if ext2 != ext { // bound while the player was being made
			p.SetExtensions(ext2)
		}
	}
	return nil
}

// layer describes a simulcast layer track to the driver: its fixture's
// size and bitrate.
func (b *Bot) layer(lt *localTrack) signaling.Layer {
	l := signaling.Layer{RID: lt.rid, Height: lt.height, Width: lt.height * 16 / 9, Track: lt.track}
	codec, err := media.ParseCodec(b.cfg.Media.Codec)
	if err != nil {
		return l
	}
	if c, err := b.host.media.lib.Video(b.cfg.Media.Camera, codec, lt.height); err == nil {
		l.Width, l.Height, l.Kbps = c.Width, c.Height, int(c.Bitrate()/1000)
	}
	return l
}

// trackOff says whether lt must be silent now: its kind is off, or it is
// a simulcast layer nobody receives. Callers hold b.mu.
func (b *Bot) trackOff(lt *localTrack) bool { return b.localOff(lt.kind) || lt.unwanted }

// layerDemand pauses the simulcast layers the server forwards to nobody
// and resumes the others (LiveKit dynacast), as LiveKit's clients do.
func (b *Bot) layerDemand(d signaling.LayerDemand) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, lt := range b.local {
		on, named := d.Enabled[lt.rid]
		if lt.rid == "" || !named {
			continue
		}
		lt.unwanted = !on
		if lt.player != nil {
			lt.player.SetOff(b.trackOff(lt))
		}
	}
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
