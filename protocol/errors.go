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

// DecodeError is what Decode returns for a body it cannot read: the
// message type, the JSON field at fault ("" for the body as a whole, e.g.
// missing "data") and why. It wraps ErrMalformed.
type DecodeError struct {
	Type   Type
	Field  string
	Reason string
}

func (e *DecodeError) Error() string {
	return ErrMalformed.Error() + ": " + string(e.Type) + ": " + e.Reason
}

// Unwrap returns ErrMalformed.
func (e *DecodeError) Unwrap() error { return ErrMalformed }

// asType is errors.As, kept in one place for the decoder.
func asType[T any](err error, target *T) bool { return errors.As(err, target) }

// FieldError is returned by a body's UnmarshalJSON when a field is missing
// or wrong; Decode reports it as a DecodeError for that field.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return "field \"" + e.Field + "\": " + e.Reason }
