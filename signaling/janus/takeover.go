package janus

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/roombot/roombot/signaling"
)

// A userID that enters a room again takes over, as on TRTC: the first
// session is kicked with reason "kick" (duplicate login) and the others see
// the user leave (1032) and enter again (1031). Janus has no such rule:
// the driver joins with the userID as display name and lets Janus choose
// the participant id (so Janus's 436 "User ID already exists" never
// happens), and Janus admits two participants of the same display. The
// driver makes the rule on all three sides:
//
//   - the first session, seeing a participant of its own userID join
//     ("joining", or its "publishers" entry in rooms without
//     notify_joining), raises Kicked (reason kick), leaves the VideoRoom
//     and the TextRoom itself, and its Leave sends nothing more;
//   - the new session leaves participants of its own userID out of its
//     member list and subscriptions, retries the TextRoom join while the
//     first session still holds the username (TextRoom 420), and, when
//     the driver knows the room secret (Room.Secret of WithCreateRooms),
//     kicks with VideoRoom "kick" a first session that is still in the
//     room DefaultTakeoverGrace after the enter (one that cannot react:
//     offline, or not a roombot). Without the secret such a session stays
//     in the Janus room until Janus's session_timeout ends it; it is
//     neither a member nor subscribed at anyone who runs this driver;
//   - everyone else: a new participant id with the display of a known
//     one replaces it: UserLeft for the old id (its feed unsubscribed),
//     then UserEntered; the old id's later "leaving" raises nothing.
//
// Limit: in a room without notify_joining, a first session that sees
// nothing of the new one before the fallback kick (the new one publishes
// nothing) reports the kick as reason "banned".

// DefaultTakeoverGrace is how long a new session lets the first session of
// its userID leave by itself before kicking it (when it has the room
// secret). The first session leaves within a round trip of seeing the new
// one join.
const DefaultTakeoverGrace = 2 * time.Second

// takeoverRetries bounds the TextRoom join retries while the first session
// still holds the username (50 ms doubling up to 400 ms: ~2.5 s).
const takeoverRetries = 8

// admit decides what an arriving participant id (not known yet) with
// display user is (worker goroutine). It returns false when the id is not
// to be recorded: an id replaced before, or a participant of this
// session's own userID (this session is then replaced, or, while
// entering, it is the first session the new one takes over from). For a
// new id of a known user it retires the old id first.
func (s *session) admit(id uint64, user string) bool {
	s.mu.Lock()
	if s.gone[id] {
		s.mu.Unlock()
		return false
	}
	if user == s.p.UserID {
		s.gone[id] = true
		s.mu.Unlock()
		s.displacedBy(id)
		return false
	}
	var old []uint64
	for pid, pe := range s.peers {
		if pid != id && pe.user == user {
			old = append(old, pid)
		}
	}
	for _, pid := range old {
		delete(s.peers, pid)
		s.gone[pid] = true
	}
	s.mu.Unlock()
	if len(old) == 0 {
		return true
	}
	if s.sub != nil {
		for _, pid := range old {
			s.sub.forget(pid)
		}
	}
	s.q.Push(signaling.UserLeft{UserID: user})
	return true
}

// displacedBy ends this session because participant id entered with the
// same userID (worker goroutine): Kicked with reason kick, then this
// session leaves the VideoRoom and the TextRoom by itself.
func (s *session) displacedBy(id uint64) {
	select {
	case <-s.entered:
	default:
		return // still entering: nothing to hand over yet
	}
	if s.terminal.Load() {
		return
	}
	s.kicked(signaling.KickDuplicateLogin, fmt.Sprintf("janus: userID %q entered room %d again (participant %d); this session is replaced", s.p.UserID, s.room, id))
	sctx, scancel := s.ctx()
	defer scancel()
	ctx, cancel := context.WithTimeout(sctx, DefaultLeaveTimeout)
	defer cancel()
	if s.im != nil {
		if _, err := s.im.request(ctx, map[string]any{"textroom": "leave", "room": s.room}); err != nil {
			s.d.log.Debug("janus: textroom leave after takeover", "err", err)
		}
	}
	if _, err := s.pub.message(ctx, map[string]any{"request": "leave"}, nil, true); err != nil {
		s.d.log.Debug("janus: leave after takeover", "err", err)
	}
}

// previous are the participants of the joined answer that carry this
// session's own userID: earlier sessions of the same user, which this one
// replaces. They are marked gone, so no event about them is raised.
func (s *session) previous(d *vrData) []uint64 {
	var ids []uint64
	for _, a := range d.Attendees {
		if a.ID != s.myID && a.Display == s.p.UserID {
			ids = append(ids, a.ID)
		}
	}
	for _, p := range d.Publishers {
		if p.ID != s.myID && p.Display == s.p.UserID {
			ids = append(ids, p.ID)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	s.mu.Lock()
	for _, id := range ids {
		s.gone[id] = true
	}
	s.mu.Unlock()
	return ids
}

// kickPrevious kicks, after DefaultTakeoverGrace, the earlier sessions of
// this userID that are still in the room, when the driver has the room
// secret.
func (s *session) kickPrevious(ids []uint64) {
	if len(ids) == 0 || s.d.room.Secret == "" {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(s.d.takeoverGrace)
		defer t.Stop()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.work.Push(func() {
			ctx, cancel := s.ctx()
			defer cancel()
			for _, id := range ids {
				s.mu.Lock()
				left := s.left[id]
				s.mu.Unlock()
				if left {
					continue
				}
				_, err := s.pub.message(ctx, map[string]any{"request": "kick", "room": s.room, "id": id, "secret": s.d.room.Secret}, nil, true)
				s.d.log.Debug("janus: kicked the previous session of this userID", "user", s.p.UserID, "id", id, "err", err)
			}
		})
	}()
}
