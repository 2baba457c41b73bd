package janus

import (
	"errors"
	"fmt"
	"strings"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// Error is an error answer from Janus: a core error ("janus": "error") or a
// plugin's error_code and error.
type Error struct {
	Code   int
	Reason string
	Plugin string // empty for core errors
}

func (e *Error) Error() string {
	if e.Plugin != "" {
		return fmt.Sprintf("janus %s error %d: %s", e.Plugin, e.Code, e.Reason)
	}
	return fmt.Sprintf("janus error %d: %s", e.Code, e.Reason)
}

// Janus error codes the driver branches on (janus_videoroom.c,
// janus_textroom.c, apierror.h of Janus 1.1.2).
const (
	CodeNoSuchSession  = 458 // core
	CodeNoSuchHandle   = 459 // core
	CodePluginMessage  = 462 // core: "No plugin to handle this message" (the handle's plugin session is gone)
	CodeNoSuchRoom     = 426 // VideoRoom
	CodeRoomExists     = 427 // VideoRoom
	CodeNoSuchFeed     = 428 // VideoRoom: subscribing to a feed that is not (yet) published
	CodePublishersFull = 432 // VideoRoom
	CodeUnauthorized   = 433 // VideoRoom: wrong pin or secret, token not in the room's allowed list
	CodeIDExists       = 436 // VideoRoom
	codeJoinFirst      = 424 // VideoRoom: not in a room (any more)
	CodeMissingElement = 429 // VideoRoom: a required field is missing (e.g. the pin)
	TextMissingElement = 413 // TextRoom
	TextNoSuchRoom     = 417 // TextRoom
	TextRoomExists     = 418 // TextRoom
	TextUnauthorized   = 419 // TextRoom
	TextUsernameExists = 420 // TextRoom
)

// ErrConnClosed: the WebSocket to Janus ended.
var ErrConnClosed = errors.New("janus: connection closed")

// ErrUnsupported wraps a request or parameter this driver cannot carry
// out on Janus; the message names the feature.
var ErrUnsupported = errors.New("not supported on janus")

// isCode reports whether err carries the Janus error code.
func isCode(err error, code int) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// sessionGone reports whether err says Janus no longer has this session
// or handle (it ended the session: Admin API destroy_session, timeout).
func sessionGone(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Plugin == "" &&
		(e.Code == CodeNoSuchSession || e.Code == CodeNoSuchHandle || e.Code == CodePluginMessage)
}

// enterCode maps a refused enter to the TRTC code a real client would see.
func enterCode(err error) int {
	var e *Error
	if !errors.As(err, &e) {
		return codes.ErrRoomEnterFail
	}
	switch {
	case e.Code == CodeNoSuchRoom || (e.Plugin == pluginTextRoom && e.Code == TextNoSuchRoom):
		return codes.ErrCenterRoomNotExist
	case e.Code == CodeUnauthorized || (e.Plugin == pluginTextRoom && e.Code == TextUnauthorized):
		return codes.ErrCenterNoEnterPerm
	case (e.Code == CodeMissingElement || (e.Plugin == pluginTextRoom && e.Code == TextMissingElement)) &&
		(strings.Contains(e.Reason, "(pin)") || strings.Contains(e.Reason, "(token)")):
		return codes.ErrCenterNoEnterPerm // a pin-protected room joined without a pin
	case e.Code == CodePublishersFull:
		return codes.ErrExceedsMaxMember
	default:
		return codes.ErrRoomEnterFail
	}
}

// refusal turns an enter error into the *signaling.Error Join returns:
// the TRTC code, and Janus's own code and reason in the message.
func refusal(step string, err error) *signaling.Error {
	return &signaling.Error{Code: enterCode(err), Message: step + ": " + err.Error()}
}
