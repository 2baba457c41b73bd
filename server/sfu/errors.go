package sfu

import "errors"

// ErrClosed is returned by a Peer or Engine method after Close.
var ErrClosed = errors.New("sfu: closed")

// ErrNoOffer is returned by SetAnswer when no offer is outstanding.
var ErrNoOffer = errors.New("sfu: answer without an outstanding offer")

// ErrBadAnswer is returned by SetAnswer for an answer that is not SDP.
var ErrBadAnswer = errors.New("sfu: answer is not valid SDP")

// ErrNotSending is returned by SetAnswer when the answer leaves an upstream
// m-line not sending (inactive, recvonly or rejected).
var ErrNotSending = errors.New("sfu: answer does not send on an upstream m-line")

// ErrEarlyCandidate is returned by AddCandidate before any offer was made:
// there is no session for the candidate to belong to.
var ErrEarlyCandidate = errors.New("sfu: candidate before any offer")
