package bot

import (
	"context"
	"fmt"

	"github.com/roombot/roombot/signaling"
)

// session returns the live session, or why there is none.
func (b *Bot) liveSession() (signaling.Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case stateIn:
		return b.session, nil
	case stateStopped:
		return nil, ErrStopped
	case stateReconnecting:
		return nil, ErrReconnecting
	default:
		return nil, ErrNotStarted
	}
}

// SetMuted mutes or unmutes the microphone (property muted): the audio
// player stops sending and the server tells the others (1034).
func (b *Bot) SetMuted(ctx context.Context, muted bool) error {
	return b.setLocal(ctx, func() { b.muted = muted })
}

// EnableCamera turns the camera on or off (property enableCamera): the
// video player stops sending and the server tells the others (1033).
func (b *Bot) EnableCamera(ctx context.Context, on bool) error {
	return b.setLocal(ctx, func() { b.camOff = !on })
}

// setLocal applies a change of the local media state: first the server
// (so that a refusal changes nothing), then the players.
func (b *Bot) setLocal(ctx context.Context, change func()) error {
	b.act.Lock()
	defer b.act.Unlock()
	sess, err := b.liveSession()
	if err != nil {
		return err
	}
	b.mu.Lock()
	oldMuted, oldOff := b.muted, b.camOff
	change()
	req := signaling.SetLocalMedia{AudioMuted: b.muted, VideoOff: b.camOff}
	b.mu.Unlock()
	if err := sess.Do(ctx, req); err != nil {
		b.mu.Lock()
		b.muted, b.camOff = oldMuted, oldOff
		b.mu.Unlock()
		return fmt.Errorf("bot %s: set local media: %w", b.UserID(), err)
	}
	b.applyPlayers()
	return nil
}

// applyPlayers brings every player in line with muted/camera/paused.
func (b *Bot) applyPlayers() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, lt := range b.local {
		if lt.player != nil {
			lt.player.SetOff(b.trackOff(lt))
		}
	}
}

// Pause stops sending (pusher pause) without telling the room: remote
// users see the stream stall, as with the component's pause(). Receiving
// goes on; the bot has no picture to stop.
func (b *Bot) Pause(ctx context.Context) error { return b.setPaused(true) }

// Resume undoes Pause; video resumes on a keyframe.
func (b *Bot) Resume(ctx context.Context) error { return b.setPaused(false) }

func (b *Bot) setPaused(p bool) error {
	b.act.Lock()
	defer b.act.Unlock()
	if _, err := b.liveSession(); err != nil {
		return err
	}
	b.mu.Lock()
	b.paused = p
	b.mu.Unlock()
	b.applyPlayers()
	return nil
}

// SwitchCamera switches between the "front" and "back" fixture cameras
// without renegotiation; the next frame sent is a keyframe of the other
// camera, so receivers can tell the switch from the stream.
func (b *Bot) SwitchCamera(ctx context.Context) error {
	b.act.Lock()
	defer b.act.Unlock()
	if _, err := b.liveSession(); err != nil {
		return err
	}
	b.mu.Lock()
	next := "back"
	if b.camera == "back" {
		next = "front"
	}
	var p player
	for _, lt := range b.local {
		if lt.kind == "video" {
			p = lt.player
		}
	}
	b.mu.Unlock()
	if p == nil {
		return ErrNoPublish
	}
	if err := p.SwitchSource(next); err != nil {
		return fmt.Errorf("bot %s: switch camera to %s: %w", b.UserID(), next, err)
	}
	b.mu.Lock()
	b.camera = next
	b.mu.Unlock()
	return nil
}

// Camera is the fixture camera currently sent ("front" or "back").
func (b *Bot) Camera() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.camera
}

// SetBeauty sets the beauty level 0…9. Fixture media is pre-encoded, so the
// stream does not change; the value is kept like the component keeps it.
func (b *Bot) SetBeauty(level int) error {
	if level < 0 || level > 9 {
		return fmt.Errorf("bot: beauty must be 0..9, got %d", level)
	}
	b.mu.Lock()
	b.beauty = level
	b.mu.Unlock()
	return nil
}

// Beauty is the current beauty level.
func (b *Bot) Beauty() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.beauty
}

// EnableRemoteAudio receives (on) or blocks one remote user's audio. The
// server stops forwarding it, so the packets really stop.
func (b *Bot) EnableRemoteAudio(ctx context.Context, userID string, on bool) error {
	return b.setRemote(ctx, userID, func(r *remoteUser) { r.recvAudio = on })
}

// EnableRemoteVideo receives (on) or blocks one remote user's video. Unlike
// the 2019 component's enableVideo(false), which only masked the picture,
// this asks the server to stop forwarding: the packets stop.
func (b *Bot) EnableRemoteVideo(ctx context.Context, userID string, on bool) error {
	return b.setRemote(ctx, userID, func(r *remoteUser) { r.recvVideo = on })
}

func (b *Bot) setRemote(ctx context.Context, userID string, change func(*remoteUser)) error {
	b.act.Lock()
	defer b.act.Unlock()
	sess, err := b.liveSession()
	if err != nil {
		return err
	}
	b.mu.Lock()
	r, ok := b.remotes[userID]
	if !ok {
		b.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrUnknownRemote, userID)
	}
	oldA, oldV := r.recvAudio, r.recvVideo
	change(r)
	if !oldV && r.recvVideo {
		r.videoOnAt = b.now()
	}
	req := signaling.SetRemoteMedia{UserID: userID, Audio: r.recvAudio, Video: r.recvVideo}
	b.mu.Unlock()
	if err := sess.Do(ctx, req); err != nil {
		b.mu.Lock()
		r.recvAudio, r.recvVideo = oldA, oldV
		b.mu.Unlock()
		return fmt.Errorf("bot %s: set remote media of %s: %w", b.UserID(), userID, err)
	}
	b.expectVideo(userID)
	return nil
}

// SetVideoView changes the size of the element remote video is shown in
// ("180p", "360p", "720p"; "" no preference), as a browser's adaptive
// stream reports it: a simulcast server forwards the layer that fits.
func (b *Bot) SetVideoView(ctx context.Context, res string) error {
	switch res {
	case "", "180p", "360p", "720p":
	default:
		return fmt.Errorf("bot %s: video view must be 180p, 360p or 720p, got %q", b.UserID(), res)
	}
	b.act.Lock()
	defer b.act.Unlock()
	sess, err := b.liveSession()
	if err != nil {
		return err
	}
	if err := sess.Do(ctx, signaling.SetVideoView{Height: height(res)}); err != nil {
		return fmt.Errorf("bot %s: set video view: %w", b.UserID(), err)
	}
	b.mu.Lock()
	b.cfg.Media.View = res
	b.joinParams.ViewHeight = height(res)
	b.mu.Unlock()
	return nil
}
