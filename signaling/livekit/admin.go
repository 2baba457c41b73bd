package livekit

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
)

// Admin calls LiveKit's RoomService (Twirp over HTTP, the server API the
// lk CLI uses) with short-lived admin tokens minted from the API key and
// secret. Fault steps go through it. It is safe for concurrent use.
type Admin struct {
	key, secret string
	rs          livekit.RoomService
}

// NewAdmin returns a RoomService client for the server at serverURL
// (ws(s):// or http(s)://host:port).
func NewAdmin(serverURL, key, secret string) (*Admin, error) {
	u, err := url.Parse(strings.TrimRight(serverURL, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("livekit: bad server URL %q", serverURL)
	}
	u.Scheme = map[string]string{"ws": "http", "wss": "https", "http": "http", "https": "https"}[u.Scheme]
	if u.Scheme == "" {
		return nil, fmt.Errorf("livekit: bad server URL scheme in %q", serverURL)
	}
	a := &Admin{key: key, secret: secret}
	a.rs = livekit.NewRoomServiceProtobufClient(u.String(), &authClient{a: a, hc: &http.Client{Timeout: 10 * time.Second}})
	return a, nil
}

// authClient signs each RoomService request with an admin token for the
// room in its context (roomKey).
type authClient struct {
	a  *Admin
	hc *http.Client
}

type roomKey struct{}

func (c *authClient) Do(r *http.Request) (*http.Response, error) {
	room, _ := r.Context().Value(roomKey{}).(string)
	tok, err := auth.NewAccessToken(c.a.key, c.a.secret).SetValidFor(time.Minute).
		SetVideoGrant(&auth.VideoGrant{RoomAdmin: true, RoomCreate: true, RoomList: true, Room: room}).ToJWT()
	if err != nil {
		return nil, fmt.Errorf("livekit: admin token: %w", err)
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return c.hc.Do(r)
}

func forRoom(ctx context.Context, room string) context.Context {
	return context.WithValue(ctx, roomKey{}, room)
}

// RemoveParticipant removes identity from room (it sees a kick, reason
// PARTICIPANT_REMOVED).
func (a *Admin) RemoveParticipant(ctx context.Context, room, identity string) error {
	_, err := a.rs.RemoveParticipant(forRoom(ctx, room), &livekit.RoomParticipantIdentity{Room: room, Identity: identity})
	return wrapAdmin("RemoveParticipant", err)
}

// DeleteRoom ends room for everyone in it (ROOM_DELETED).
func (a *Admin) DeleteRoom(ctx context.Context, room string) error {
	_, err := a.rs.DeleteRoom(forRoom(ctx, room), &livekit.DeleteRoomRequest{Room: room})
	return wrapAdmin("DeleteRoom", err)
}

// MuteTrack mutes (or unmutes) identity's published track of kind
// ("audio" or "video") in room.
func (a *Admin) MuteTrack(ctx context.Context, room, identity, kind string, muted bool) error {
	ctx = forRoom(ctx, room)
	p, err := a.rs.GetParticipant(ctx, &livekit.RoomParticipantIdentity{Room: room, Identity: identity})
	if err != nil {
		return wrapAdmin("GetParticipant", err)
	}
	for _, t := range p.GetTracks() {
		if strings.EqualFold(t.GetType().String(), kind) {
			_, err := a.rs.MutePublishedTrack(ctx, &livekit.MuteRoomTrackRequest{Room: room, Identity: identity, TrackSid: t.GetSid(), Muted: muted})
			return wrapAdmin("MutePublishedTrack", err)
		}
	}
	return fmt.Errorf("livekit: %s publishes no %s track in room %s", identity, kind, room)
}

// RoomOf finds the room identity is in (the first one listing it).
func (a *Admin) RoomOf(ctx context.Context, identity string) (string, error) {
	rooms, err := a.rs.ListRooms(forRoom(ctx, ""), &livekit.ListRoomsRequest{})
	if err != nil {
		return "", wrapAdmin("ListRooms", err)
	}
	for _, r := range rooms.GetRooms() {
		ps, err := a.rs.ListParticipants(forRoom(ctx, r.GetName()), &livekit.ListParticipantsRequest{Room: r.GetName()})
		if err != nil {
			return "", wrapAdmin("ListParticipants", err)
		}
		for _, p := range ps.GetParticipants() {
			if p.GetIdentity() == identity {
				return r.GetName(), nil
			}
		}
	}
	return "", fmt.Errorf("livekit: %s is in no room", identity)
}

func wrapAdmin(call string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("livekit: RoomService %s: %w", call, err)
}
