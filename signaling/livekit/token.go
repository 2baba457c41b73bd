package livekit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/roombot/roombot/signature"
)

// DefaultTokenTTL is the lifetime of a minted access token.
const DefaultTokenTTL = 6 * time.Hour

// Grants maps privateMapKey privilege bits to a LiveKit video grant for
// room (docs/targets.md, "privileges"):
//
//	enter               → roomJoin
//	send-audio          → canPublish + source microphone
//	send-video          → canPublish + source camera
//	recv-audio|video    → canSubscribe (LiveKit grants no kind alone)
//	create              → nothing: rooms are created on join by the server's room.auto_create
//	send-sub, recv-sub  → nothing: roombot publishes no sub-stream
//
// canPublishData is granted with IM (the room's IM group is data packets).
func Grants(p signature.Privilege, room string, im bool) *auth.VideoGrant {
	g := &auth.VideoGrant{RoomJoin: p&signature.PrivEnter != 0, Room: room}
	var sources []livekit.TrackSource
	if p&signature.PrivSendAudio != 0 {
		sources = append(sources, livekit.TrackSource_MICROPHONE)
	}
	if p&signature.PrivSendVideo != 0 {
		sources = append(sources, livekit.TrackSource_CAMERA)
	}
	g.SetCanPublish(len(sources) > 0)
	if len(sources) > 0 {
		g.SetCanPublishSources(sources)
	}
	g.SetCanSubscribe(p&(signature.PrivRecvAudio|signature.PrivRecvVideo) != 0)
	g.SetCanPublishData(im)
	return g
}

// Mint makes an access token for identity with grant, signed with the API
// key and secret.
func Mint(key, secret, identity string, grant *auth.VideoGrant, ttl time.Duration) (string, error) {
	t := auth.NewAccessToken(key, secret).SetIdentity(identity).SetName(identity).SetValidFor(ttl).SetVideoGrant(grant)
	jwt, err := t.ToJWT()
	if err != nil {
		return "", fmt.Errorf("livekit: mint token for %s: %w", identity, err)
	}
	return jwt, nil
}

// fetchToken asks a token endpoint (LiveKit's token-source convention:
// POST {room_name, participant_identity} → {participant_token}) for one
// participant's token. Errors name the URL, never a token.
func fetchToken(ctx context.Context, hc *http.Client, url, bearer, room, identity string) (string, error) {
	body, err := (protojson.MarshalOptions{UseProtoNames: true}).Marshal(&livekit.TokenSourceRequest{RoomName: &room, ParticipantIdentity: &identity, ParticipantName: &identity})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("livekit: token URL %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("livekit: token URL %s: %w", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("livekit: token URL %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("livekit: token URL %s: HTTP %d", url, resp.StatusCode)
	}
	var out livekit.TokenSourceResponse
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw, &out); err != nil || out.ParticipantToken == "" {
		return "", fmt.Errorf("livekit: token URL %s: answer has no participant_token", url)
	}
	return out.ParticipantToken, nil
}
