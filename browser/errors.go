package browser

import (
	"errors"
	"fmt"
)

// ErrNoChromium is returned when no Chromium binary is found.
var ErrNoChromium = errors.New("browser: Chromium not found: install it (Debian: apt-get install chromium; scripts/test-deps.sh does) or set $ROOMBOT_CHROMIUM to its path")

// PageError is a failure the page reported: its code is the component's or
// the server's (e.g. -100018 bad userSig, -8 room full, -2 empty message).
type PageError struct {
	Op      string // the window.roombot call
	Code    int
	Message string
}

func (e *PageError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("browser: %s: code %d: %s", e.Op, e.Code, e.Message)
	}
	return fmt.Sprintf("browser: %s: %s", e.Op, e.Message)
}
