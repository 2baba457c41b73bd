package play

import "errors"

// Sentinel errors of the package.
var (
	// ErrClosed is returned when using a closed Scheduler or Player.
	ErrClosed = errors.New("play: closed")
	// ErrIncompatible is returned when switching to a clip of another codec.
	ErrIncompatible = errors.New("play: incompatible clip")
)
