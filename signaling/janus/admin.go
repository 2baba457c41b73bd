package janus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gorilla/websocket"
)

// Admin performs room administration through the VideoRoom and TextRoom
// plugins' own requests, with the room secret: kick a user, destroy a room.
// It opens one Janus session per call. The secret travels only inside
// the Janus requests; it is never part of an error.
type Admin struct {
	url      string
	secret   string
	adminKey string
	// The Admin API (optional): its WebSocket URL and admin_secret.
	apiURL, apiSecret string
	dialer            *websocket.Dialer
	log               *slog.Logger
}

// NewAdmin returns an Admin for the Janus WebSocket URL, the rooms'
// secret (Room.Secret of the driver that created them) and the plugins'
// admin_key (to list private rooms when a kick names no room; may be empty).
func NewAdmin(url, secret, adminKey string) *Admin {
	return &Admin{url: url, secret: secret, adminKey: adminKey, dialer: websocket.DefaultDialer, log: slog.New(slog.DiscardHandler)}
}

// with runs f with a fresh session and a VideoRoom (or TextRoom) handle.
func (a *Admin) with(ctx context.Context, plugin string, f func(h *handle) error) error {
	c, err := dial(ctx, a.dialer, a.url, nil, a.log, nil)
	if err != nil {
		return err
	}
	defer c.close(ctx)
	if err := c.createSession(ctx); err != nil {
		return err
	}
	h, err := c.attach(ctx, plugin, func(*msg) {})
	if err != nil {
		return err
	}
	return f(h)
}

// participantID finds a VideoRoom participant by userID (display).
func (a *Admin) participantID(ctx context.Context, h *handle, room uint64, user string) (uint64, error) {
	r, err := h.message(ctx, map[string]any{"request": "listparticipants", "room": room}, nil, false)
	if err != nil {
		return 0, err
	}
	d, err := decodeVR(r)
	if err != nil {
		return 0, err
	}
	for _, p := range d.Participants {
		if p.Display == user {
			return p.ID, nil
		}
	}
	return 0, fmt.Errorf("janus: user %q is not in room %d", user, room)
}

// rooms lists the VideoRoom's rooms (private ones too with the admin_key).
func (a *Admin) rooms(ctx context.Context, h *handle) ([]uint64, error) {
	body := map[string]any{"request": "list"}
	if a.adminKey != "" {
		body["admin_key"] = a.adminKey
	}
	r, err := h.message(ctx, body, nil, false)
	if err != nil {
		return nil, err
	}
	var d struct {
		List []struct {
			Room uint64 `json:"room"`
		} `json:"list"`
	}
	if err := json.Unmarshal(r.PluginData.Data, &d); err != nil {
		return nil, fmt.Errorf("janus: room list: %w", err)
	}
	out := make([]uint64, len(d.List))
	for i, x := range d.List {
		out[i] = x.Room
	}
	return out, nil
}

// Kick removes user from the VideoRoom room (VideoRoom "kick"); room 0
// means the first room user is in. The user gets "leaving" with reason
// "kicked", the others "kicked" with its id. The user's TextRoom
// membership ends when its driver leaves.
func (a *Admin) Kick(ctx context.Context, room uint64, user string) error {
	return a.with(ctx, pluginVideoRoom, func(h *handle) error {
		id, room, err := a.find(ctx, h, room, user)
		if err != nil {
			return err
		}
		_, err = h.message(ctx, map[string]any{"request": "kick", "room": room, "id": id, "secret": a.secret}, nil, false)
		return err
	})
}

// find returns user's participant id and room (room 0: the first room of
// the list that has user).
func (a *Admin) find(ctx context.Context, h *handle, room uint64, user string) (id, in uint64, err error) {
	rooms := []uint64{room}
	if room == 0 {
		if rooms, err = a.rooms(ctx, h); err != nil {
			return 0, 0, err
		}
	}
	for _, r := range rooms {
		if id, err = a.participantID(ctx, h, r, user); err == nil {
			return id, r, nil
		}
	}
	if len(rooms) != 1 {
		return 0, 0, fmt.Errorf("janus: user %q is in no room", user)
	}
	return 0, 0, err
}

// Destroy destroys the VideoRoom and the TextRoom of room: every
// participant gets "destroyed".
func (a *Admin) Destroy(ctx context.Context, room uint64) error {
	err := a.with(ctx, pluginVideoRoom, func(h *handle) error {
		_, err := h.message(ctx, map[string]any{"request": "destroy", "room": room, "secret": a.secret}, nil, false)
		return err
	})
	if err != nil {
		return err
	}
	return a.with(ctx, pluginTextRoom, func(h *handle) error {
		_, err := h.message(ctx, map[string]any{"request": "destroy", "room": room, "secret": a.secret}, nil, false)
		if isCode(err, TextNoSuchRoom) {
			return nil // the room had no IM
		}
		return err
	})
}

// WithAdminAPI gives the Admin the Janus Admin API (its WebSocket URL,
// ws://host:7188, and the admin_secret), which MuteTrack needs to find a
// participant's streams. It returns a.
func (a *Admin) WithAdminAPI(url, secret string) *Admin {
	a.apiURL, a.apiSecret = url, secret
	return a
}

// ErrNoAdminAPI: the request needs the Admin API (WithAdminAPI).
var ErrNoAdminAPI = errors.New("janus: this needs the Janus Admin API (its URL and admin_secret)")

// publisher finds, through the Admin API, the Janus session and the
// streams of user's VideoRoom participant handle in room: every session's
// handles, the publisher whose display is user (handle_info, plugin part).
func (a *Admin) publisher(ctx context.Context, room uint64, user string) (session uint64, streams []pubStream, err error) {
	err = a.withAPI(ctx, func(req func(map[string]any) (*msg, error)) error {
		r, err := req(map[string]any{"janus": "list_sessions"})
		if err != nil {
			return fmt.Errorf("janus admin list_sessions: %w", err)
		}
		for _, s := range r.Sessions {
			hs, err := req(map[string]any{"janus": "list_handles", "session_id": s})
			if err != nil {
				continue // the session ended meanwhile
			}
			for _, h := range hs.Handles {
				hi, err := req(map[string]any{"janus": "handle_info", "session_id": s, "handle_id": h, "plugin_only": true})
				if err != nil || hi.Info == nil || hi.Info.Plugin != pluginVideoRoom {
					continue
				}
				ps := hi.Info.PluginSpecific
				if ps.Type == "publisher" && ps.Room == room && ps.Display == user {
					session, streams = s, ps.Streams
					return nil
				}
			}
		}
		return fmt.Errorf("janus: no participant %q in room %d", user, room)
	})
	return session, streams, err
}

// withAPI runs f with an Admin API connection; req adds the admin_secret.
func (a *Admin) withAPI(ctx context.Context, f func(req func(map[string]any) (*msg, error)) error) error {
	if a.apiURL == "" {
		return ErrNoAdminAPI
	}
	c, err := dialProto(ctx, a.dialer, a.apiURL, nil, a.log, nil, AdminSubprotocol)
	if err != nil {
		return err
	}
	defer c.close(ctx)
	return f(func(m map[string]any) (*msg, error) {
		m["admin_secret"] = a.apiSecret
		return c.request(ctx, m, false)
	})
}

// Drop destroys user's Janus session through the Admin API
// (destroy_session), as a server dropping a participant: its handles go,
// the others see it leave, and its driver reports the lost connection.
// room 0: the first room user is in.
func (a *Admin) Drop(ctx context.Context, room uint64, user string) error {
	if room == 0 {
		err := a.with(ctx, pluginVideoRoom, func(h *handle) error {
			var err error
			_, room, err = a.find(ctx, h, 0, user)
			return err
		})
		if err != nil {
			return err
		}
	}
	session, _, err := a.publisher(ctx, room, user)
	if err != nil {
		return err
	}
	return a.withAPI(ctx, func(req func(map[string]any) (*msg, error)) error {
		_, err := req(map[string]any{"janus": "destroy_session", "session_id": session})
		return err
	})
}

// MuteTrack mutes (or unmutes) the kind ("audio" or "video") user
// publishes in room, from the server side: VideoRoom "moderate" (Janus
// stops relaying it and tells every participant, "moderation"), with the
// stream found through the Admin API. room 0: the first room user is in.
func (a *Admin) MuteTrack(ctx context.Context, room uint64, user, kind string, mute bool) error {
	return a.with(ctx, pluginVideoRoom, func(h *handle) error {
		id, room, err := a.find(ctx, h, room, user)
		if err != nil {
			return err
		}
		_, streams, err := a.publisher(ctx, room, user)
		if err != nil {
			return err
		}
		for _, st := range streams {
			if st.Type != kind {
				continue
			}
			_, err := h.message(ctx, map[string]any{"request": "moderate", "room": room, "id": id, "mid": st.Mid, "mute": mute, "secret": a.secret}, nil, false)
			return err
		}
		return fmt.Errorf("janus: %q publishes no %s in room %d", user, kind, room)
	})
}
