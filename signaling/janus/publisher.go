package janus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signature"
)

// Stream descriptions carry the TRTC mute and camera state: Janus relays a
// publisher's description changes to every participant (an updated
// "publishers" event), which is how peers see 1034/1033. At the same time
// the stream's "send" flag is cleared, so Janus stops relaying it, as the
// reference service does.
const (
	descAudioOn  = "roombot:audio:on"
	descAudioOff = "roombot:audio:muted"
	descVideoOn  = "roombot:video:on"
	descVideoOff = "roombot:video:off"
)

// vrData is the VideoRoom plugin's payload, every variant in one struct.
type vrData struct {
	VideoRoom   string          `json:"videoroom"`
	ID          uint64          `json:"id"`
	PrivateID   uint64          `json:"private_id"`
	Publishers  []vrPublisher   `json:"publishers"`
	Attendees   []vrAttendee    `json:"attendees"`
	Joining     *vrAttendee     `json:"joining"`
	Leaving     json.RawMessage `json:"leaving"`
	Unpublished json.RawMessage `json:"unpublished"`
	Kicked      json.RawMessage `json:"kicked"`
	Reason      string          `json:"reason"`
	Streams     []subStream     `json:"streams"`
	// A moderator muted or unmuted stream Mid of participant ID.
	Moderation   string `json:"moderation"`
	Mid          string `json:"mid"`
	Participants []struct {
		ID      uint64 `json:"id"`
		Display string `json:"display"`
	} `json:"participants"`
}

type vrPublisher struct {
	ID      uint64      `json:"id"`
	Display string      `json:"display"`
	Streams []pubStream `json:"streams"`
}

type vrAttendee struct {
	ID      uint64 `json:"id"`
	Display string `json:"display"`
}

// pubStream is one stream of a publisher as the room announces it.
type pubStream struct {
	Type        string `json:"type"`
	Mid         string `json:"mid"`
	Codec       string `json:"codec"`
	Description string `json:"description"`
	Disabled    bool   `json:"disabled"`
	Moderated   bool   `json:"moderated"`
}

func decodeVR(m *msg) (*vrData, error) {
	if m.PluginData == nil {
		return nil, fmt.Errorf("janus: %s without plugin data", m.Janus)
	}
	d := &vrData{}
	if err := json.Unmarshal(m.PluginData.Data, d); err != nil {
		return nil, fmt.Errorf("janus: videoroom payload: %w", err)
	}
	return d, nil
}

// rawID reads the participant id of leaving/unpublished/kicked: a number,
// or "ok" when the event is about this participant.
func rawID(b json.RawMessage) (id uint64, self, ok bool) {
	if len(b) == 0 {
		return 0, false, false
	}
	if string(b) == `"ok"` {
		return 0, true, true
	}
	if err := json.Unmarshal(b, &id); err != nil {
		return 0, false, false
	}
	return id, false, true
}

// userOf is the userID of a Janus participant: its display name.
func userOf(id uint64, display string) string {
	if display != "" {
		return display
	}
	return fmt.Sprintf("janus-%d", id)
}

// state reads the TRTC media state from a publisher's streams.
func state(streams []pubStream) (audioOff, videoOff bool) {
	for _, st := range streams {
		switch st.Type {
		case "audio":
			audioOff = audioOff || st.Disabled || st.Moderated || st.Description == descAudioOff
		case "video":
			videoOff = videoOff || st.Disabled || st.Moderated || st.Description == descVideoOff
		}
	}
	return audioOff, videoOff
}

// joinRoom joins the VideoRoom as a participant, creating the room first
// when it does not exist and the driver may.
func (s *session) joinRoom(ctx context.Context) (*vrData, error) {
	body := map[string]any{"request": "join", "ptype": "publisher", "room": s.room, "display": s.p.UserID}
	if s.d.pin != "" {
		body["pin"] = s.d.pin
	}
	if tok := s.token(); tok != "" {
		body["token"] = tok
	}
	r, err := s.pub.message(ctx, body, nil, true)
	if isCode(err, CodeNoSuchRoom) && s.d.create {
		if err := s.createRoom(ctx, s.pub, pluginVideoRoom); err != nil {
			return nil, err
		}
		r, err = s.pub.message(ctx, body, nil, true)
	}
	if err != nil {
		return nil, err
	}
	d, err := decodeVR(r)
	if err != nil {
		return nil, err
	}
	if d.VideoRoom != "joined" {
		return nil, fmt.Errorf("janus: join answered %q", d.VideoRoom)
	}
	s.myID, s.privateID = d.ID, d.PrivateID
	return d, nil
}

// token is the join token: WithToken's, or with Room.EnterACL the room's
// enter token for a participant holding the enter bit (none otherwise).
func (s *session) token() string {
	switch {
	case s.d.token != "":
		return s.d.token
	case s.d.room.EnterACL && s.p.Privileges&signature.PrivEnter != 0:
		return s.d.enterToken()
	}
	return ""
}

// enterToken is the token of the participants allowed to enter rooms made
// with Room.EnterACL: a hash of the room secret, the same for every
// roombot process that shares the secret, never the secret itself.
func (d *Driver) enterToken() string {
	h := sha256.Sum256([]byte("roombot enter\x00" + d.room.Secret))
	return "enter-" + hex.EncodeToString(h[:12])
}

// createRoom creates the room in plugin (VideoRoom or TextRoom) with the
// driver's Room settings; a room created meanwhile by another participant
// is fine.
func (s *session) createRoom(ctx context.Context, h *handle, plugin string) error {
	body := map[string]any{"request": "create", "room": s.room, "permanent": false, "is_private": true,
		"description": fmt.Sprintf("roombot %d", s.room)}
	if s.d.adminKey != "" {
		body["admin_key"] = s.d.adminKey
	}
	r := s.d.room
	if r.Secret != "" {
		body["secret"] = r.Secret
	}
	if r.Pin != "" {
		body["pin"] = r.Pin
	}
	allowed := append([]string(nil), r.Allowed...)
	if r.EnterACL {
		allowed = append(allowed, s.d.enterToken())
	}
	if len(allowed) > 0 {
		body["allowed"] = allowed
	}
	if plugin == pluginVideoRoom {
		body["publishers"] = r.Publishers
		body["notify_joining"] = true // audience members are members too (1031/1032)
		body["audiocodec"] = "opus"
		body["videocodec"] = "vp8,h264"
		body["h264_profile"] = "42e01f"
	}
	_, err := h.message(ctx, body, nil, false)
	if err != nil && !isCode(err, CodeRoomExists) && !(plugin == pluginTextRoom && isCode(err, TextRoomExists)) {
		return fmt.Errorf("create %s room %d: %w", plugin, s.room, err)
	}
	return nil
}

// publish offers p.Tracks on a new PeerConnection and applies Janus's
// answer; the initial mute/camera state goes into the descriptions and, if
// off, into a configure that stops the relay.
func (s *session) publish(ctx context.Context) error {
	pc, err := s.newPC(s.pub)
	if err != nil {
		return err
	}
	s.pubPC = pc
	videoCodec := ""
	for _, t := range s.p.Tracks {
		tr, err := pc.AddTransceiverFromTrack(t, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return fmt.Errorf("janus: add %s track: %w", t.Kind(), err)
		}
		sender := tr.Sender()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			signaling.DrainRTCP(sender)
		}()
		if t.Kind() == webrtc.RTPCodecTypeVideo {
			if c, ok := t.(interface {
				Codec() webrtc.RTPCodecCapability
			}); ok {
				videoCodec = strings.ToLower(strings.TrimPrefix(c.Codec().MimeType, "video/"))
			}
		}
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("janus: create offer: %w", err)
	}
	if err := pc.SetLocalDescription(offer); err != nil {
		return fmt.Errorf("janus: set offer: %w", err)
	}
	for _, tr := range pc.GetTransceivers() {
		s.pubMids[tr.Kind().String()] = tr.Mid()
	}
	body := map[string]any{"request": "publish", "descriptions": s.descriptions()}
	if videoCodec != "" {
		body["videocodec"] = videoCodec // Janus picks the room's first codec otherwise
	}
	s.d.log.Debug("janus: publish", "user", s.p.UserID)
	r, err := s.pub.message(ctx, body, pc.LocalDescription(), true)
	if err != nil {
		return refusal("videoroom publish", err)
	}
	if r.JSEP == nil || r.JSEP.Type != webrtc.SDPTypeAnswer {
		return &signaling.Error{Code: codes.ErrRoomEnterFail, Message: "janus: publish answered without an SDP answer"}
	}
	if err := pc.SetRemoteDescription(*r.JSEP); err != nil {
		return fmt.Errorf("janus: apply answer: %w", err)
	}
	if s.audioOff || s.videoOff {
		return s.configure(ctx)
	}
	return nil
}

// descriptions are the stream descriptions for the current local state.
func (s *session) descriptions() []map[string]string {
	var out []map[string]string
	if mid, ok := s.pubMids["audio"]; ok {
		d := descAudioOn
		if s.audioOff {
			d = descAudioOff
		}
		out = append(out, map[string]string{"mid": mid, "description": d})
	}
	if mid, ok := s.pubMids["video"]; ok {
		d := descVideoOn
		if s.videoOff {
			d = descVideoOff
		}
		out = append(out, map[string]string{"mid": mid, "description": d})
	}
	return out
}

// configure sends the local state: relay on/off per stream and the
// descriptions peers read it from.
func (s *session) configure(ctx context.Context) error {
	s.mu.Lock()
	var streams []map[string]any
	if mid, ok := s.pubMids["audio"]; ok {
		streams = append(streams, map[string]any{"mid": mid, "send": !s.audioOff})
	}
	if mid, ok := s.pubMids["video"]; ok {
		streams = append(streams, map[string]any{"mid": mid, "send": !s.videoOff})
	}
	descs := s.descriptions()
	s.mu.Unlock()
	if len(streams) == 0 {
		return nil
	}
	_, err := s.pub.message(ctx, map[string]any{"request": "configure", "streams": streams, "descriptions": descs}, nil, true)
	if err != nil {
		return &signaling.Error{Code: codes.ErrServerInvalidCommand, Message: "janus configure: " + err.Error()}
	}
	return nil
}

// setLocalMedia announces mute / camera off.
func (s *session) setLocalMedia(ctx context.Context, audioOff, videoOff bool) error {
	s.mu.Lock()
	oldA, oldV := s.audioOff, s.videoOff
	s.audioOff, s.videoOff = audioOff, videoOff
	s.mu.Unlock()
	if err := s.configure(ctx); err != nil {
		s.mu.Lock()
		s.audioOff, s.videoOff = oldA, oldV
		s.mu.Unlock()
		return err
	}
	return nil
}

// applyJoined records the room's participants from the joined answer and
// returns the member list (excluding self).
func (s *session) applyJoined(d *vrData) []signaling.Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range d.Attendees {
		if a.ID != s.myID && !s.gone[a.ID] {
			s.peers[a.ID] = &peer{id: a.ID, user: userOf(a.ID, a.Display)}
		}
	}
	for _, p := range d.Publishers {
		if p.ID == s.myID || s.gone[p.ID] {
			continue
		}
		pe := &peer{id: p.ID, user: userOf(p.ID, p.Display), publishing: true, streams: p.Streams}
		pe.audioOff, pe.videoOff = state(p.Streams)
		s.peers[p.ID] = pe
	}
	list := make([]signaling.Member, 0, len(s.peers))
	for _, pe := range s.peers {
		list = append(list, pe.member())
	}
	return list
}

func (p *peer) member() signaling.Member {
	return signaling.Member{UserID: p.user, Publishing: p.publishing, AudioMuted: p.audioOff, VideoOff: p.videoOff}
}

// onPubEvent handles the participant handle's events (worker goroutine).
func (s *session) onPubEvent(m *msg) {
	s.d.log.Debug("janus: participant event", "user", s.p.UserID, "janus", m.Janus, "type", m.Type, "receiving", m.Receiving, "data", pluginText(m))
	switch m.Janus {
	case "event":
	case "hangup":
		s.d.log.Debug("janus: publisher PeerConnection hung up", "reason", m.Reason)
		return
	default: // webrtcup, media, slowlink, detached
		return
	}
	d, err := decodeVR(m)
	if err != nil {
		s.d.log.Warn("janus: videoroom event", "err", err)
		return
	}
	if d.VideoRoom == "destroyed" {
		s.kicked(signaling.KickRoomDismissed, fmt.Sprintf("janus: room %d destroyed", s.room))
		return
	}
	if id, self, ok := rawID(d.Leaving); ok {
		if self {
			if d.Reason == "kicked" {
				s.kicked(signaling.KickByAdmin, "janus: kicked from the room")
			}
			return
		}
		s.peerLeft(id)
	}
	if id, _, ok := rawID(d.Kicked); ok {
		s.peerLeft(id)
	}
	if id, self, ok := rawID(d.Unpublished); ok && !self {
		s.peerUnpublished(id)
	}
	if j := d.Joining; j != nil && j.ID != s.myID {
		s.mu.Lock()
		_, known := s.peers[j.ID]
		s.mu.Unlock()
		if !known && s.admit(j.ID, userOf(j.ID, j.Display)) {
			s.mu.Lock()
			s.peers[j.ID] = &peer{id: j.ID, user: userOf(j.ID, j.Display)}
			s.mu.Unlock()
			s.q.Push(signaling.UserEntered{Member: signaling.Member{UserID: userOf(j.ID, j.Display)}})
		}
	}
	if d.Moderation != "" && d.ID != s.myID {
		s.peerModerated(d.ID, d.Mid, d.Moderation == "muted")
	}
	if len(d.Publishers) > 0 {
		for _, p := range d.Publishers {
			if p.ID != s.myID {
				s.peerPublished(p)
			}
		}
		s.syncSubscriptions()
	}
}

// peerPublished records a publisher (new or updated) and raises what
// changed: 1031 for a new user, 1033/1034 for a new media state.
func (s *session) peerPublished(p vrPublisher) {
	audioOff, videoOff := state(p.Streams)
	s.mu.Lock()
	_, known := s.peers[p.ID]
	s.mu.Unlock()
	if !known && !s.admit(p.ID, userOf(p.ID, p.Display)) {
		return
	}
	s.mu.Lock()
	pe, known := s.peers[p.ID]
	if !known {
		pe = &peer{id: p.ID, user: userOf(p.ID, p.Display)}
		s.peers[p.ID] = pe
	}
	changed := pe.audioOff != audioOff || pe.videoOff != videoOff
	pe.publishing, pe.streams, pe.audioOff, pe.videoOff = true, p.Streams, audioOff, videoOff
	mem := pe.member()
	s.mu.Unlock()
	switch {
	case !known:
		s.q.Push(signaling.UserEntered{Member: mem})
	case changed:
		s.q.Push(signaling.RemoteMedia{UserID: mem.UserID, AudioMuted: audioOff, VideoOff: videoOff})
	}
}

// peerModerated records a moderator's mute of one of a peer's streams
// (VideoRoom "moderate"): peers see it as 1034/1033 off, like a mute.
func (s *session) peerModerated(id uint64, mid string, muted bool) {
	s.mu.Lock()
	pe := s.peers[id]
	if pe == nil {
		s.mu.Unlock()
		return
	}
	streams := append([]pubStream(nil), pe.streams...)
	for i := range streams {
		if streams[i].Mid == mid {
			streams[i].Moderated = muted
		}
	}
	s.mu.Unlock()
	s.peerPublished(vrPublisher{ID: id, Display: pe.user, Streams: streams})
}

func (s *session) peerUnpublished(id uint64) {
	s.mu.Lock()
	if pe := s.peers[id]; pe != nil {
		pe.publishing, pe.streams = false, nil
	}
	s.mu.Unlock()
	if s.sub != nil {
		s.sub.forget(id)
	}
}

func (s *session) peerLeft(id uint64) {
	s.mu.Lock()
	pe := s.peers[id]
	delete(s.peers, id)
	if s.gone[id] {
		s.left[id] = true
	}
	s.mu.Unlock()
	if s.sub != nil {
		s.sub.forget(id)
	}
	if pe != nil {
		s.q.Push(signaling.UserLeft{UserID: pe.user})
	}
}
