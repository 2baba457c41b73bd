package server

import (
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/server/sfu"
)

// enter runs the enter flow of reference §4.3 for one connection: validate,
// signatures, room rules, injected faults (only for an enter that passed
// everything else), then membership and media. On
// success the client has been sent entered (1018, with the request id),
// members (1020) and its first offer; the others have been sent 1031. A
// refusal changes no room state.
func (s *Server) enter(c *conn, id uint64, e *protocol.Enter) (*participant, *protocol.Error) {
	rm, fail := validateEnter(e)
	if fail != nil {
		return nil, fail
	}
	a, g, fail := s.authorize(e, rm)
	if fail != nil {
		return nil, fail
	}
	anchor := e.Role != protocol.RoleAudience
	p := &participant{
		c: c, userID: e.UserID, grant: g, im: e.IM, joined: time.Now(), audience: !anchor,
		audioMuted: e.AudioMuted, videoOff: e.VideoOff, recvMode: e.RecvMode,
		pubs: map[string]*sfu.Publication{}, downs: map[downKey]*sfu.DownTrack{}, remote: map[string]remotePref{},
	}
	if p.recvMode == 0 {
		p.recvMode = 1
	}
	var later []*protocol.Error // failures that do not stop the enter
	upAudio, upVideo := anchor && e.PublishAudio, anchor && e.PublishVideo
	if upAudio && !g.sendAudio {
		upAudio = false
		later = append(later, refusal(codes.ErrServerPrivilegeFlag, "privateMapKey lacks the send-audio bit: audio not published"))
	}
	if upVideo && !g.sendVideo {
		upVideo = false
		later = append(later, refusal(codes.ErrCenterNoPushVideoPerm, "privateMapKey lacks the send-video bit: video not published"))
	}
	p.publishing = upAudio || upVideo

	for {
		r, fail := s.lookupRoom(roomKey{e.SDKAppID, rm}, a, g.create)
		if fail != nil {
			return nil, fail
		}
		r.mu.Lock()
		if r.dead {
			r.mu.Unlock()
			continue // emptied and unregistered meanwhile: look up again
		}
		got, fail := s.enterLocked(r, p, id, upAudio, upVideo, later)
		if fail != nil && len(r.members) == 0 {
			r.dead = true
			s.unregister(r)
		}
		r.mu.Unlock()
		return got, fail
	}
}

// enterLocked admits p into r; the caller holds r.mu.
func (s *Server) enterLocked(r *room, p *participant, id uint64, upAudio, upVideo bool, later []*protocol.Error) (*participant, *protocol.Error) {
	old := r.members[p.userID]
	n := len(r.members)
	if old != nil {
		n--
	}
	if n >= r.app.cfg.MaxMembers {
		return nil, refusal(codes.ErrExceedsMaxMember, "room %s is full (%d members)", r.name, r.app.cfg.MaxMembers)
	}
	if code, msg, ok := s.faults.takeEnter(r.key.app, p.userID, r.key.room.ID, r.key.room.Str); ok {
		return nil, refusal(code, "%s", msg)
	}
	p.room = r
	peer, err := s.sfu.NewPeer(sfu.PeerConfig{
		UserID: p.userID, RecvAudio: upAudio, RecvVideo: upVideo,
		SendOffer:     func(sdp string) { p.c.send(protocol.TypeOffer, 0, &protocol.SDP{SDP: sdp}) },
		OnPublication: func(pub *sfu.Publication) { r.onPublication(p, pub) },
		OnFailed: func() {
			s.log.Info("media connection failed or silent: dropping", "room", r.name, "user", p.userID, "timeout", s.cfg.MediaTimeout)
			p.c.shutdown(protocol.CloseMediaFailed, "media connection failed or silent for "+s.cfg.MediaTimeout.String())
		},
		OnAnswerTimeout: func() {
			s.log.Info("offer not answered: dropping", "room", r.name, "user", p.userID, "timeout", s.cfg.AnswerTimeout)
			p.c.shutdown(protocol.CloseAnswerTimeout, "offer not answered within "+s.cfg.AnswerTimeout.String())
		},
	})
	if err != nil {
		return nil, refusal(codes.ErrRoomEnterFail, "media: %v", err)
	}
	p.peer = peer
	if old != nil {
		r.removeLocked(old, &protocol.Kicked{Reason: protocol.KickDuplicateLogin,
			Message: "the same userID entered the room on another connection"})
	}
	r.members[p.userID] = p
	s.memberCount.Add(1)
	s.index(p)
	s.metrics.enters.Inc()
	// No longer counted as not entered, before entered goes out: a client
	// that dials again on it is not refused for this connection.
	s.entered(p.c)

	p.c.send(protocol.TypeEntered, id, &protocol.Entered{Code: codes.EnteredRoom, UserID: p.userID,
		RoomID: r.key.room.ID, StrRoomID: r.key.room.Str, Heartbeat: int(s.cfg.Heartbeat / time.Millisecond)})
	list := make([]protocol.Member, 0, len(r.members))
	for _, m := range r.members {
		if m != p {
			list = append(list, m.member())
		}
	}
	p.c.send(protocol.TypeMembers, 0, &protocol.Members{Code: codes.MemberList, List: list})
	for _, f := range later {
		p.c.fail(0, f)
	}
	for _, m := range r.members {
		if m == p {
			continue
		}
		m.c.send(protocol.TypeUserEntered, 0, &protocol.UserEntered{Code: codes.RemoteUserEntered, Member: p.member()})
		for _, pub := range m.pubs {
			r.subscribeLocked(p, m, pub)
		}
	}
	r.negotiate(p)
	s.log.Info("entered", "app", r.key.app, "room", r.name, "user", p.userID, "members", len(r.members))
	return p, nil
}

// lookupRoom finds or creates a room. Creating needs the create bit when
// room permissions are on.
func (s *Server) lookupRoom(k roomKey, a *app, mayCreate bool) (*room, *protocol.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.rooms[k]; r != nil {
		return r, nil
	}
	if !mayCreate {
		return nil, refusal(codes.ErrCenterNoCreatePerm, "room %s does not exist and the privateMapKey lacks the create bit", k.room)
	}
	r := &room{s: s, key: k, app: a, name: roomName(k.room), created: time.Now(), members: map[string]*participant{}}
	s.rooms[k] = r
	return r, nil
}

// unregister removes an emptied room; the caller holds r.mu (order room.mu → s.mu).
func (s *Server) unregister(r *room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooms[r.key] == r {
		delete(s.rooms, r.key)
	}
}

// index and unindex maintain the C2C directory: app → userID → sessions.
func (s *Server) index(p *participant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byUser := s.users[p.room.key.app]
	if byUser == nil {
		byUser = map[string]map[*participant]struct{}{}
		s.users[p.room.key.app] = byUser
	}
	if byUser[p.userID] == nil {
		byUser[p.userID] = map[*participant]struct{}{}
	}
	byUser[p.userID][p] = struct{}{}
}

func (s *Server) unindex(p *participant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if set := s.users[p.room.key.app][p.userID]; set != nil {
		delete(set, p)
		if len(set) == 0 {
			delete(s.users[p.room.key.app], p.userID)
		}
	}
}
