package signaling

import (
	"errors"
	"fmt"

	"github.com/roombot/roombot/codes"
)

// Error is a refusal by the room service, with the code a real client would
// see (package codes).
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string {
	if t := codes.Text(e.Code); t != "" && e.Message == "" {
		return fmt.Sprintf("code %d: %s", e.Code, t)
	}
	return fmt.Sprintf("code %d: %s", e.Code, e.Message)
}

// CodeOf returns the code of the first *Error in err's chain, or 0.
func CodeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// ErrClosed is returned by Session.Do after the session ended.
var ErrClosed = errors.New("signaling: session closed")
