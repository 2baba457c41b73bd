package server

import (
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
)

// setLocalMedia applies a participant's mute / camera state: its
// publications stop or resume, and the others hear 1034 (audio) and/or
// 1033 (video) for what changed. An audience member publishes nothing and
// is refused.
func (s *Server) setLocalMedia(p *participant, m *protocol.Media) *protocol.Error {
	if p.audience {
		return refusal(codes.ErrServerInvalidCommand, "media: an audience member publishes nothing (enter as anchor to announce mute/camera state)")
	}
	r := p.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.gone {
		return refusal(codes.ErrServerInvalidCommand, "not in a room")
	}
	audioChanged, videoChanged := p.audioMuted != m.AudioMuted, p.videoOff != m.VideoOff
	p.audioMuted, p.videoOff = m.AudioMuted, m.VideoOff
	if pub := p.pubs["audio"]; pub != nil {
		pub.SetHold(p.audioMuted)
	}
	if pub := p.pubs["video"]; pub != nil {
		pub.SetHold(p.videoOff)
	}
	st := protocol.RemoteState{UserID: p.userID, AudioMuted: p.audioMuted, VideoOff: p.videoOff}
	for _, o := range r.members {
		if o == p {
			continue
		}
		if videoChanged {
			v := st
			v.Code = codes.RemoteVideoState
			o.c.send(protocol.TypeRemoteVideo, 0, &v)
		}
		if audioChanged {
			a := st
			a.Code = codes.RemoteAudioState
			o.c.send(protocol.TypeRemoteAudio, 0, &a)
		}
	}
	return nil
}

// setRemote blocks or unblocks one remote user's audio/video for p, or
// clears that choice (recvmode applies again). Asking to receive what the
// ticket does not grant is refused.
func (s *Server) setRemote(p *participant, m *protocol.Remote) *protocol.Error {
	r := p.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.gone {
		return refusal(codes.ErrServerInvalidCommand, "not in a room")
	}
	if m.UserID == p.userID {
		return refusal(codes.ErrUserIDInvalid, "cannot block yourself")
	}
	if r.members[m.UserID] == nil {
		return refusal(codes.ErrUserIDInvalid, "user %q is not in room %s", m.UserID, r.name)
	}
	if m.Clear {
		delete(p.remote, m.UserID)
		r.refreshLocked(p)
		return nil
	}
	if m.Audio && !p.grant.recvAudio {
		return refusal(codes.ErrServerPrivilegeFlag, "privateMapKey lacks the recv-audio bit")
	}
	if m.Video && !p.grant.recvVideo {
		return refusal(codes.ErrCenterNoRequestVideo, "privateMapKey lacks the recv-video bit")
	}
	p.remote[m.UserID] = remotePref{audio: m.Audio, video: m.Video}
	r.refreshLocked(p)
	return nil
}

// setRecvMode changes what p receives automatically (1 all, 2 audio only,
// 3 video only, 4 none); per-user choices stay in force.
func (s *Server) setRecvMode(p *participant, mode int) *protocol.Error {
	if mode < 1 || mode > 4 {
		return refusal(codes.ErrServerInvalidCommand, "recvmode %d: want 1..4", mode)
	}
	r := p.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.gone {
		return refusal(codes.ErrServerInvalidCommand, "not in a room")
	}
	p.recvMode = mode
	r.refreshLocked(p)
	return nil
}
