package signature

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by a Verifier wraps exactly one of the
// check sentinels (or ErrMalformed / ErrNoKey), so callers branch with
// errors.Is and map them to TRTC codes (ErrExpired → -70001, ErrSigMismatch →
// -70003, ErrIdentifierMismatch → -70013, ErrSDKAppIDMismatch → -70014, ticket
// failures → -100006 …).
var (
	// ErrSDKAppIDMismatch: the document's sdkappid is not the verifier's.
	ErrSDKAppIDMismatch = errors.New("sdkappid mismatch")
	// ErrIdentifierMismatch: the document's identifier is not the userID.
	ErrIdentifierMismatch = errors.New("identifier mismatch")
	// ErrExpired: now > time + expire.
	ErrExpired = errors.New("signature expired")
	// ErrUserBufTypeMismatch: a userbuf was expected but is absent, or the
	// other way round.
	ErrUserBufTypeMismatch = errors.New("userbuf presence mismatch")
	// ErrUserBufMismatch: the userbuf bytes differ from the expected ones.
	ErrUserBufMismatch = errors.New("userbuf mismatch")
	// ErrSigMismatch: the HMAC or ECDSA signature does not verify.
	ErrSigMismatch = errors.New("signature mismatch")
	// ErrMalformed: the input does not decode (base64, zlib, JSON, a field, a
	// ticket layout). The wrapping *DecodeError says where.
	ErrMalformed = errors.New("malformed signature")
	// ErrNoKey: the verifier has no key for this signature version (no HMAC
	// key for v2, no public key for v1).
	ErrNoKey = errors.New("no key for this signature version")
	// ErrTicketExpired: the privateMapKey's absolute expiry (dwExpTime) has
	// passed although its signature has not expired.
	ErrTicketExpired = errors.New("privateMapKey ticket expired")
	// ErrTicketMismatch: the ticket inside a privateMapKey names another
	// account or sdkappid than its signature.
	ErrTicketMismatch = errors.New("privateMapKey ticket mismatch")
	// ErrRoomMismatch: the ticket is for another room (Ticket.Check).
	ErrRoomMismatch = errors.New("privateMapKey room mismatch")
	// ErrPrivilegeDenied: the ticket lacks a privilege bit (Ticket.Check).
	ErrPrivilegeDenied = errors.New("privateMapKey privilege denied")
	// ErrInvalidInput: a Signer argument is out of range (userID, expire,
	// room, key).
	ErrInvalidInput = errors.New("invalid signing input")
)

// CheckError is a failed verification check. Field names the document field
// that failed ("TLS.sdkappid", "TLS.identifier", "TLS.expire", "TLS.userbuf",
// "TLS.sig", "ticket.account" …); Want and Got describe the mismatch and are
// empty where printing them would help forgery (signatures). Detail, when
// set, replaces them with a sentence (expiry). Err is the sentinel.
type CheckError struct {
	Field     string
	Want, Got string
	Detail    string
	Err       error
}

func (e *CheckError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s: %v: %s", e.Field, e.Err, e.Detail)
	}
	if e.Want == "" && e.Got == "" {
		return fmt.Sprintf("%s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("%s: %v: want %s, got %s", e.Field, e.Err, e.Want, e.Got)
}

// Unwrap returns the sentinel.
func (e *CheckError) Unwrap() error { return e.Err }

// DecodeError is an input that does not decode. Stage is one of "input",
// "base64", "zlib", "json", "field", "ticket", "key"; Field names the JSON
// field or ticket part when known. It wraps ErrMalformed.
type DecodeError struct {
	Stage  string
	Field  string
	Reason string
}

func (e *DecodeError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%v: %s: %s: %s", ErrMalformed, e.Stage, e.Field, e.Reason)
	}
	return fmt.Sprintf("%v: %s: %s", ErrMalformed, e.Stage, e.Reason)
}

// Unwrap returns ErrMalformed.
func (e *DecodeError) Unwrap() error { return ErrMalformed }

func decodeErr(stage, field, format string, args ...any) error {
	return &DecodeError{Stage: stage, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}
