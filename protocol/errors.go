package protocol

import "errors"

// Sentinels wrapped by Decode.
var (
	// ErrMalformed: the frame is not the JSON this protocol expects.
	ErrMalformed = errors.New("protocol: malformed message")
	// ErrUnknownType: the envelope names a type this protocol does not have.
	ErrUnknownType = errors.New("protocol: unknown message type")
	// ErrTooLarge: the frame exceeds MaxFrameBytes.
	ErrTooLarge = errors.New("protocol: message too large")
)

// asType is errors.As, kept in one place for the decoder.
func asType[T any](err error, target *T) bool { return errors.As(err, target) }
