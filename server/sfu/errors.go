package sfu

import "errors"

// ErrClosed is returned by a Peer or Engine method after Close.
var ErrClosed = errors.New("sfu: closed")

// ErrNoOffer is returned by SetAnswer when no offer is outstanding.
var ErrNoOffer = errors.New("sfu: answer without an outstanding offer")
