package livekit

import (
	"github.com/livekit/protocol/livekit"

	"github.com/roombot/roombot/signaling"
)

// member is another participant as the driver last saw it.
type member struct {
	sid     string
	version uint32
	state   signaling.Member
	tracks  map[string]livekit.TrackType // track sid → type
}

// subState is the driver's subscription to one remote track.
type subState struct {
	identity   string
	kind       livekit.TrackType
	subscribed bool // UpdateSubscription subscribe sent
	disabled   bool // UpdateTrackSettings disabled sent
	viewSent   bool // UpdateTrackSettings with the view size sent
}

// memberOf is the component's view of a participant: publishing when it
// has tracks; audio muted / video off when its track of that kind is
// muted. A participant without a track of a kind is not "off" for it (as
// on the reference service, where the state is the participant's own
// flag): a newcomer's tracks are published just after it joins, and an
// off-then-on blip at every entrance would be an event the reference
// service never raises.
func memberOf(p *livekit.ParticipantInfo) signaling.Member {
	m := signaling.Member{UserID: p.GetIdentity(), Publishing: len(p.GetTracks()) > 0}
	for _, t := range p.GetTracks() {
		switch t.GetType() {
		case livekit.TrackType_AUDIO:
			m.AudioMuted = t.GetMuted()
		case livekit.TrackType_VIDEO:
			m.VideoOff = t.GetMuted()
		}
	}
	return m
}

// joined records the JoinResponse's participants and raises the member
// list (1020).
func (s *session) joined(j *livekit.JoinResponse) {
	var list []signaling.Member
	s.mu.Lock()
	for _, p := range j.GetOtherParticipants() {
		if p.GetState() == livekit.ParticipantInfo_DISCONNECTED || p.GetIdentity() == s.self {
			continue
		}
		s.track(p)
		list = append(list, s.members[p.GetIdentity()].state)
	}
	s.mu.Unlock()
	s.q.Push(signaling.Members{List: list})
	_ = s.resubscribe("")
}

// track stores p as a member (s.mu held).
func (s *session) track(p *livekit.ParticipantInfo) *member {
	m := &member{sid: p.GetSid(), version: p.GetVersion(), state: memberOf(p), tracks: map[string]livekit.TrackType{}}
	for _, t := range p.GetTracks() {
		m.tracks[t.GetSid()] = t.GetType()
		if s.subs[t.GetSid()] == nil {
			// With auto-subscribe the server has subscribed already.
			s.subs[t.GetSid()] = &subState{identity: p.GetIdentity(), kind: t.GetType(), subscribed: autoSubscribe(s.p) == "1"}
		}
	}
	s.members[p.GetIdentity()] = m
	s.bySid[p.GetSid()] = p.GetIdentity()
	return m
}

// update applies a ParticipantUpdate: 1031 for a newcomer, 1032 for one
// that left, 1033/1034 when a known one's audio/video state changed, and
// subscriptions for new tracks.
func (s *session) update(ps []*livekit.ParticipantInfo) {
	changed := map[string]bool{}
	var events []signaling.Event
	s.mu.Lock()
	for _, p := range ps {
		id := p.GetIdentity()
		if id == s.self || id == "" {
			continue
		}
		old := s.members[id]
		if old != nil && old.sid == p.GetSid() && p.GetVersion() != 0 && p.GetVersion() < old.version {
			continue // stale
		}
		if p.GetState() == livekit.ParticipantInfo_DISCONNECTED {
			if old != nil && old.sid == p.GetSid() {
				delete(s.members, id)
				delete(s.bySid, old.sid)
				for sid := range old.tracks {
					delete(s.subs, sid)
				}
				events = append(events, signaling.UserLeft{UserID: id})
			}
			continue
		}
		if old != nil && old.sid != p.GetSid() { // the same identity rejoined
			delete(s.bySid, old.sid)
			events = append(events, signaling.UserLeft{UserID: id})
			old = nil
		}
		m := s.track(p)
		changed[id] = true
		switch {
		case old == nil:
			events = append(events, signaling.UserEntered{Member: m.state})
		case old.state.AudioMuted != m.state.AudioMuted || old.state.VideoOff != m.state.VideoOff:
			events = append(events, signaling.RemoteMedia{UserID: id, AudioMuted: m.state.AudioMuted, VideoOff: m.state.VideoOff})
		}
	}
	s.mu.Unlock()
	for _, e := range events {
		s.q.Push(e)
	}
	for id := range changed {
		_ = s.resubscribe(id)
	}
}

// wanted says whether this participant wants identity's track of kind
// now: a block/unblock for that user decides, else recvmode (s.mu held).
func (s *session) wanted(identity string, kind livekit.TrackType) bool {
	audio := kind == livekit.TrackType_AUDIO
	if o, ok := s.override[identity]; ok {
		return audio && o[0] || !audio && o[1]
	}
	switch s.recv {
	case signaling.RecvAudio:
		return audio
	case signaling.RecvVideo:
		return !audio
	case signaling.RecvNone:
		return false
	}
	return true
}

// resubscribe brings the subscriptions of identity's tracks (every
// member's with "") in line with what is wanted: a wanted track not yet
// subscribed is subscribed; a subscribed one is enabled or disabled by its
// track settings (the server stops forwarding, no renegotiation).
func (s *session) resubscribe(identity string) error {
	var subscribe, enable, disable, video []string
	s.mu.Lock()
	for sid, st := range s.subs {
		if identity != "" && st.identity != identity {
			continue
		}
		want := s.wanted(st.identity, st.kind)
		switch {
		case want && !st.subscribed:
			st.subscribed = true
			subscribe = append(subscribe, sid)
		case want && st.disabled && st.kind == livekit.TrackType_VIDEO:
			// Enabled with the view size (or HIGH): LiveKit's settings
			// without one mean the LOW layer.
			st.disabled = false
			st.viewSent = true
			video = append(video, sid)
		case want && st.disabled:
			st.disabled = false
			enable = append(enable, sid)
		case !want && st.subscribed && !st.disabled:
			st.disabled = true
			disable = append(disable, sid)
		}
		if want && st.kind == livekit.TrackType_VIDEO && s.view > 0 && !st.viewSent {
			st.viewSent = true // the view size, once per track (SetVideoView resends)
			video = append(video, sid)
		}
	}
	var view *livekit.UpdateTrackSettings
	if len(video) > 0 {
		view = s.viewSettings(video)
	}
	s.mu.Unlock()
	var err error
	if len(subscribe) > 0 {
		err = s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Subscription{Subscription: &livekit.UpdateSubscription{TrackSids: subscribe, Subscribe: true}}})
	}
	if view != nil && err == nil {
		err = s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_TrackSetting{TrackSetting: view}})
	}
	for _, set := range []struct {
		sids     []string
		disabled bool
	}{{enable, false}, {disable, true}} {
		if len(set.sids) > 0 && err == nil {
			err = s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_TrackSetting{TrackSetting: &livekit.UpdateTrackSettings{TrackSids: set.sids, Disabled: set.disabled}}})
		}
	}
	return err
}
