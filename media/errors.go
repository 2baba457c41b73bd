package media

import "errors"

// Errors shared by the media packages.
var (
	// ErrUnknownCodec is returned for a codec name roombot does not carry.
	ErrUnknownCodec = errors.New("media: unknown codec")
	// ErrBadExtension is returned when a header extension payload has the
	// wrong size for its URI.
	ErrBadExtension = errors.New("media: malformed header extension")
)
