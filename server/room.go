package server

import (
	"sync"
	"time"

	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/server/sfu"
	"github.com/roombot/roombot/signature"
)

// roomKey identifies a room: rooms of different apps never meet.
type roomKey struct {
	app  uint32
	room signature.Room
}

// room is one room: its members and their subscriptions, guarded by mu.
type room struct {
	s       *Server
	key     roomKey
	app     *app
	name    string // IM group id: the room id as text
	created time.Time

	mu      sync.Mutex
	members map[string]*participant
	dead    bool   // removed from the registry; enter must retry
	imSeq   uint64 // group message sequence
}

// downKey names one subscription of a participant: publisher and kind.
type downKey struct {
	user, kind string
}

// remotePref is a per-remote-user receive choice (SetRemoteMedia).
type remotePref struct{ audio, video bool }

// participant is one entered user. Fields below mu are guarded by room.mu.
type participant struct {
	c      *conn
	room   *room
	userID string
	grant  grant
	im     bool
	joined time.Time
	peer   *sfu.Peer

	audience   bool // entered with role audience: never publishes
	publishing bool // has upstream m-lines
	audioMuted bool
	videoOff   bool
	recvMode   int
	gone       bool
	pubs       map[string]*sfu.Publication // kind → publication
	downs      map[downKey]*sfu.DownTrack
	remote     map[string]remotePref
}

func (p *participant) member() protocol.Member {
	return protocol.Member{UserID: p.userID, Publishing: p.publishing, AudioMuted: p.audioMuted, VideoOff: p.videoOff}
}

// allowed decides whether sub receives kind from pub: the ticket's receive
// bits, then a per-user choice, then the receive mode. The publisher's own
// mute is applied on its Publication (hold), not here.
func allowed(sub, pub *participant, kind string) bool {
	audio := kind == "audio"
	if audio && !sub.grant.recvAudio || !audio && !sub.grant.recvVideo {
		return false
	}
	if pref, ok := sub.remote[pub.userID]; ok {
		if audio {
			return pref.audio
		}
		return pref.video
	}
	switch sub.recvMode {
	case 2:
		return audio
	case 3:
		return !audio
	case 4:
		return false
	}
	return true
}

// subscribeLocked sends pub (of owner) to sub and sets whether it flows.
// The caller holds r.mu and negotiates sub afterwards.
func (r *room) subscribeLocked(sub, owner *participant, pub *sfu.Publication) bool {
	k := downKey{owner.userID, pub.Kind()}
	if _, ok := sub.downs[k]; ok {
		return false
	}
	d, err := sub.peer.Subscribe(pub)
	if err != nil {
		r.s.log.Warn("subscribe", "room", r.name, "user", sub.userID, "to", owner.userID, "kind", pub.Kind(), "err", err)
		return false
	}
	sub.downs[k] = d
	d.SetEnabled(allowed(sub, owner, pub.Kind()))
	return true
}

// negotiate asks sub's peer for a new offer, logging failures.
func (r *room) negotiate(sub *participant) {
	if err := sub.peer.Negotiate(); err != nil {
		r.s.log.Warn("negotiate", "room", r.name, "user", sub.userID, "err", err)
	}
}

// refreshLocked re-applies allowed() to every subscription of sub.
func (r *room) refreshLocked(sub *participant) {
	for k, d := range sub.downs {
		if owner := r.members[k.user]; owner != nil {
			d.SetEnabled(allowed(sub, owner, k.kind))
		}
	}
}

// onPublication attaches a new upstream track to every other member.
func (r *room) onPublication(p *participant, pub *sfu.Publication) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.gone {
		return
	}
	p.pubs[pub.Kind()] = pub
	pub.SetHold(pub.Kind() == "audio" && p.audioMuted || pub.Kind() == "video" && p.videoOff)
	r.s.log.Debug("publication", "room", r.name, "user", p.userID, "kind", pub.Kind(), "codec", pub.Codec().MimeType)
	for _, m := range r.members {
		if m != p && r.subscribeLocked(m, p, pub) {
			r.negotiate(m)
		}
	}
}

// removeLocked takes p out of the room: its subscriptions on others go
// (renegotiated), the others hear 1032, a kick is sent when kick is set,
// and the peer and connection are closed in the background. The caller
// holds r.mu.
func (r *room) removeLocked(p *participant, kick *protocol.Kicked) {
	if p.gone {
		return
	}
	p.gone = true
	delete(r.members, p.userID)
	r.s.memberCount.Add(-1)
	for _, m := range r.members {
		// userLeft first, then the offer that turns p's m-lines inactive.
		m.c.send(protocol.TypeUserLeft, 0, &protocol.UserLeft{Code: 1032, UserID: p.userID})
		changed := false
		for kind := range p.pubs {
			k := downKey{p.userID, kind}
			if d, ok := m.downs[k]; ok {
				m.peer.Unsubscribe(d)
				delete(m.downs, k)
				changed = true
			}
		}
		delete(m.remote, p.userID)
		if changed {
			r.negotiate(m)
		}
	}
	if kick != nil {
		p.c.send(protocol.TypeKicked, 0, kick)
		p.c.shutdown(4000, kick.Reason)
	}
	r.s.background(func() { _ = p.peer.Close() })
	r.s.unindex(p)
	if len(r.members) == 0 {
		r.dead = true
		r.s.unregister(r)
	}
}

// leave removes p from its room (client leave, lost connection). Idempotent.
func (s *Server) leave(p *participant) {
	r := p.room
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(p, nil)
}
