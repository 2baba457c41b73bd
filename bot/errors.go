package bot

import (
	"errors"
	"fmt"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// Sentinels callers branch on.
var (
	// ErrNotStarted is returned by actions before Start succeeded.
	ErrNotStarted = errors.New("bot: not in a room")
	// ErrStopped is returned by Start and actions after Stop.
	ErrStopped = errors.New("bot: stopped")
	// ErrAlreadyStarted is returned by a second Start.
	ErrAlreadyStarted = errors.New("bot: already started")
	// ErrNoPublish is returned by media actions of a bot that does not publish.
	ErrNoPublish = errors.New("bot: not publishing")
	// ErrUnknownRemote is returned by EnableRemoteAudio/Video for a user
	// that is not in the room.
	ErrUnknownRemote = errors.New("bot: no such remote user")
	// ErrRoomSig is the signing-service failure (component code -9).
	ErrRoomSig = errors.New("bot: requesting the room signature failed")
)

// roomSigError is the -9 the component raises when the signing service
// failed twice; it unwraps to both ErrRoomSig and the last cause, and
// carries the code for signaling.CodeOf.
func roomSigError(cause error) error {
	return fmt.Errorf("%w: %w: %w", ErrRoomSig,
		&signaling.Error{Code: codes.ErrRequestRoomSig, Message: "request room sig failed"}, cause)
}

// IMError is an IM send refused by the component or the server, with the
// code the component passes to fail(code, info): -1 no receiver, -2 empty
// message, -3 too long, -4 the send itself failed.
type IMError struct {
	Code int
	Err  error
}

func (e *IMError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("im: code %d: %v", e.Code, e.Err)
	}
	return fmt.Sprintf("im: code %d: %s", e.Code, imCodeText(e.Code))
}

func (e *IMError) Unwrap() error { return e.Err }

func imCodeText(code int) string {
	switch code {
	case codes.ErrIMNoReceiver:
		return "no receiver"
	case codes.ErrIMEmptyMessage:
		return "empty message"
	case codes.ErrIMTooLong:
		return "message too long"
	default:
		return "send failed"
	}
}
