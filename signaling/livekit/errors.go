package livekit

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// refusal turns a failed WebSocket upgrade into the error Join returns:
// a *signaling.Error with the TRTC code closest to LiveKit's HTTP status
// and reason, the reason in the message with the token cut out (the
// server quotes it back on an invalid one). A failure without an HTTP
// answer (connection refused) is a plain error.
func refusal(resp *http.Response, err error, token string) error {
	if resp == nil {
		return fmt.Errorf("livekit: dial: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	reason := strings.TrimSpace(string(b))
	if token != "" {
		reason = strings.ReplaceAll(reason, token, "<token>")
	}
	if len(reason) > 300 {
		reason = reason[:300] + "…"
	}
	return &signaling.Error{Code: refusalCode(resp.StatusCode, reason),
		Message: fmt.Sprintf("livekit refused the join: HTTP %d: %s", resp.StatusCode, reason)}
}

// refusalCode maps LiveKit's join refusals to TRTC codes (docs/targets.md).
func refusalCode(status int, reason string) int {
	r := strings.ToLower(reason)
	switch {
	case status == http.StatusUnauthorized && strings.Contains(r, "permissions denied") || strings.Contains(r, "no permissions"):
		return codes.ErrCenterNoEnterPerm // no roomJoin grant
	case status == http.StatusUnauthorized && strings.Contains(r, "expired"):
		return codes.ErrSigExpired
	case status == http.StatusUnauthorized:
		return codes.ErrServerUserSigCheck // bad signature, unknown key, malformed token
	case status == http.StatusNotFound:
		return codes.ErrCenterRoomNotExist // room.auto_create off
	case status == http.StatusBadRequest && strings.Contains(r, "room"):
		return codes.ErrCenterInvalidRoomID
	case status == http.StatusBadRequest && strings.Contains(r, "identity"):
		return codes.ErrUserIDInvalid
	}
	return codes.EnterRoomFailed
}
