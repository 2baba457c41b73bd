package server

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/signature"
)

// RoomInfo is one room as the admin API lists it.
type RoomInfo struct {
	SDKAppID  uint32       `json:"sdkAppID"`
	RoomID    uint32       `json:"roomID,omitempty"`
	StrRoomID string       `json:"strRoomID,omitempty"`
	Created   time.Time    `json:"created"`
	Members   []MemberInfo `json:"members"`
}

// MemberInfo is one member as the admin API lists it.
type MemberInfo struct {
	UserID     string    `json:"userID"`
	Publishing bool      `json:"publishing"`
	AudioMuted bool      `json:"audioMuted"`
	VideoOff   bool      `json:"videoOff"`
	IM         bool      `json:"im"`
	Joined     time.Time `json:"joined"`
	Tracks     []string  `json:"tracks"` // kinds published
}

// Target selects a room and/or user in admin requests. SDKAppID defaults
// to the only app when the server has one.
type Target struct {
	SDKAppID  uint32 `json:"sdkAppID,omitempty"`
	RoomID    uint32 `json:"roomID,omitempty"`
	StrRoomID string `json:"strRoomID,omitempty"`
	UserID    string `json:"userID,omitempty"`
	// Duration (Go syntax, "5s") for pause and delay.
	Duration string `json:"duration,omitempty"`
}

func (s *Server) adminRoutes(mux *http.ServeMux) {
	h := func(pattern string, f func(*http.Request) (any, int, error)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if !s.adminAuthorized(r) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="roombot admin"`)
				w.WriteHeader(http.StatusUnauthorized)
				_ = json.NewEncoder(w).Encode(map[string]string{"error": "missing or wrong bearer token"})
				return
			}
			v, status, err := f(r)
			if err != nil {
				w.WriteHeader(status)
				_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
				return
			}
			_ = json.NewEncoder(w).Encode(v)
		})
	}
	h("GET /admin/rooms", func(*http.Request) (any, int, error) { return s.Rooms(), 200, nil })
	h("POST /admin/kick", s.adminKick)
	h("POST /admin/dismiss", s.adminDismiss)
	h("GET /admin/faults", func(*http.Request) (any, int, error) { return s.faults.snapshot(), 200, nil })
	h("DELETE /admin/faults", func(*http.Request) (any, int, error) { s.faults.clear(); return s.faults.snapshot(), 200, nil })
	h("POST /admin/faults/enter", s.adminFailEnters)
	h("POST /admin/faults/drop", s.adminDrop)
	h("POST /admin/faults/pause", s.adminPause)
	h("POST /admin/faults/delay", s.adminDelay)
}

func (s *Server) adminAuthorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.adminToken)) == 1
}

// Rooms lists every room and its members, sorted.
func (s *Server) Rooms() []RoomInfo {
	s.mu.Lock()
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	out := make([]RoomInfo, 0, len(rooms))
	for _, r := range rooms {
		ri := RoomInfo{SDKAppID: r.key.app, RoomID: r.key.room.ID, StrRoomID: r.key.room.Str, Created: r.created, Members: []MemberInfo{}}
		r.mu.Lock()
		for _, p := range r.members {
			mi := MemberInfo{UserID: p.userID, Publishing: p.publishing, AudioMuted: p.audioMuted, VideoOff: p.videoOff,
				IM: p.im, Joined: p.joined, Tracks: []string{}}
			for k := range p.pubs {
				mi.Tracks = append(mi.Tracks, k)
			}
			sort.Strings(mi.Tracks)
			ri.Members = append(ri.Members, mi)
		}
		r.mu.Unlock()
		sort.Slice(ri.Members, func(i, j int) bool { return ri.Members[i].UserID < ri.Members[j].UserID })
		out = append(out, ri)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.SDKAppID != b.SDKAppID {
			return a.SDKAppID < b.SDKAppID
		}
		if a.RoomID != b.RoomID {
			return a.RoomID < b.RoomID
		}
		return a.StrRoomID < b.StrRoomID
	})
	return out
}

// errNotFound marks admin targets that do not exist (404).
var errNotFound = errors.New("not found")

func decodeTarget(r *http.Request, needRoom, needUser bool) (Target, error) {
	var t Target
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, fmt.Errorf("request body: %v", err)
	}
	if needRoom && t.RoomID == 0 && t.StrRoomID == "" {
		return t, errors.New("roomID or strRoomID is required")
	}
	if needUser && t.UserID == "" {
		return t, errors.New("userID is required")
	}
	return t, nil
}

func (s *Server) appOf(t Target) uint32 {
	if t.SDKAppID == 0 && len(s.apps) == 1 {
		for id := range s.apps {
			return id
		}
	}
	return t.SDKAppID
}

// findRoom returns the room t names, or nil.
func (s *Server) findRoom(t Target) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rooms[roomKey{s.appOf(t), signature.Room{ID: t.RoomID, Str: t.StrRoomID}}]
}

// sessions returns the participants t names: a user in one room, or in
// every room of the app when no room is given.
func (s *Server) sessions(t Target) []*participant {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*participant
	for p := range s.users[s.appOf(t)][t.UserID] {
		if (t.RoomID == 0 && t.StrRoomID == "") || p.room.key.room == (signature.Room{ID: t.RoomID, Str: t.StrRoomID}) {
			out = append(out, p)
		}
	}
	return out
}

type adminResult struct {
	Affected int `json:"affected"`
}

func (s *Server) adminKick(r *http.Request) (any, int, error) {
	t, err := decodeTarget(r, false, true)
	if err != nil {
		return nil, 400, err
	}
	ps := s.sessions(t)
	if len(ps) == 0 {
		return nil, 404, fmt.Errorf("user %q: %w", t.UserID, errNotFound)
	}
	for _, p := range ps {
		p.room.mu.Lock()
		p.room.removeLocked(p, &protocol.Kicked{Reason: protocol.KickByAdmin, Message: "removed by the admin API"})
		p.room.mu.Unlock()
	}
	return adminResult{len(ps)}, 200, nil
}

func (s *Server) adminDismiss(r *http.Request) (any, int, error) {
	t, err := decodeTarget(r, true, false)
	if err != nil {
		return nil, 400, err
	}
	rm := s.findRoom(t)
	if rm == nil {
		return nil, 404, fmt.Errorf("room: %w", errNotFound)
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	n := 0
	for _, p := range rm.members {
		rm.removeLocked(p, &protocol.Kicked{Reason: protocol.KickRoomDismissed, Message: "room dismissed by the admin API"})
		n++
	}
	return adminResult{n}, 200, nil
}

func (s *Server) adminFailEnters(r *http.Request) (any, int, error) {
	var f EnterFault
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, 400, fmt.Errorf("request body: %v", err)
	}
	if f.Count <= 0 {
		return nil, 400, fmt.Errorf("count must be > 0, got %d", f.Count)
	}
	if f.Code == 0 {
		return nil, 400, errors.New("code is required (e.g. -100018)")
	}
	s.faults.addEnter(f)
	return s.faults.snapshot(), 200, nil
}

func (s *Server) adminDrop(r *http.Request) (any, int, error) {
	t, err := decodeTarget(r, false, true)
	if err != nil {
		return nil, 400, err
	}
	ps := s.sessions(t)
	if len(ps) == 0 {
		return nil, 404, fmt.Errorf("user %q: %w", t.UserID, errNotFound)
	}
	for _, p := range ps {
		p.c.drop()
	}
	return adminResult{len(ps)}, 200, nil
}

func (s *Server) adminPause(r *http.Request) (any, int, error) {
	t, err := decodeTarget(r, false, true)
	if err != nil {
		return nil, 400, err
	}
	d, err := time.ParseDuration(t.Duration)
	if err != nil {
		return nil, 400, fmt.Errorf("duration %q: %v", t.Duration, err)
	}
	n := 0
	for _, p := range s.sessions(t) {
		p.room.mu.Lock()
		for _, pub := range p.pubs {
			pub.PauseFor(d)
			n++
		}
		p.room.mu.Unlock()
	}
	if n == 0 {
		return nil, 404, fmt.Errorf("no published track of user %q: %w", t.UserID, errNotFound)
	}
	return adminResult{n}, 200, nil
}

func (s *Server) adminDelay(r *http.Request) (any, int, error) {
	t, err := decodeTarget(r, false, false)
	if err != nil {
		return nil, 400, err
	}
	d, err := time.ParseDuration(t.Duration)
	if err != nil {
		return nil, 400, fmt.Errorf("duration %q: %v", t.Duration, err)
	}
	s.faults.setDelay(t.UserID, d)
	return s.faults.snapshot(), 200, nil
}
