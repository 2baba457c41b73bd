package signature

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Verifier checks userSigs and privateMapKeys for one sdkappid. It holds the
// HMAC key for v2 and/or the ECDSA public key for v1 and dispatches on the
// document's TLS.ver. It is safe for concurrent use and never prints its key.
type Verifier struct {
	sdkAppID uint32
	key      []byte
	pub      crypto.PublicKey
	now      func() time.Time
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier) error

// WithKey sets the console secret for v2 (HMAC) signatures.
func WithKey(key string) VerifierOption {
	return func(v *Verifier) error {
		if key == "" {
			return inputErr("WithKey: empty key")
		}
		v.key = []byte(key)
		return nil
	}
}

// WithPublicKey sets the ECDSA public key for v1 signatures: PEM or bare
// base64 DER as []byte or string, or a parsed *ecdsa.PublicKey (P-256) or
// *secp256k1.PublicKey.
func WithPublicKey(pub any) VerifierOption {
	return func(v *Verifier) error {
		k, err := asPublicKey(pub)
		if err != nil {
			return err
		}
		v.pub = k
		return nil
	}
}

// WithVerifyNow sets the clock expiry is judged by (default time.Now).
func WithVerifyNow(now func() time.Time) VerifierOption {
	return func(v *Verifier) error {
		if now == nil {
			return inputErr("WithVerifyNow: nil clock")
		}
		v.now = now
		return nil
	}
}

// NewVerifier returns a verifier for sdkAppID; it needs WithKey, WithPublicKey
// or both.
func NewVerifier(sdkAppID uint32, opts ...VerifierOption) (*Verifier, error) {
	v := &Verifier{sdkAppID: sdkAppID, now: time.Now}
	for _, o := range opts {
		if err := o(v); err != nil {
			return nil, err
		}
	}
	if v.key == nil && v.pub == nil {
		return nil, inputErr("verifier: neither WithKey nor WithPublicKey given")
	}
	return v, nil
}

// String describes the verifier without its key.
func (v Verifier) String() string {
	s := fmt.Sprintf("signature.Verifier{sdkappid: %d", v.sdkAppID)
	if v.key != nil {
		s += ", v2 key"
	}
	if v.pub != nil {
		s += ", v1 " + curveName(v.pub) + " public key"
	}
	return s + "}"
}

// GoString is String, so %#v cannot print the key either.
func (v Verifier) GoString() string { return v.String() }

// Format prints String for every verb, so no fmt verb can reach the key.
func (v Verifier) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, v.String()) }

// VerifyUserSig checks a userSig that carries no userbuf. On a failed check
// it returns the decoded document with the error; on a decode failure the
// document is nil.
func (v *Verifier) VerifyUserSig(userID, sig string) (*Doc, error) {
	return v.VerifyUserSigWithBuf(userID, sig, nil)
}

// VerifyUserSigWithBuf checks a userSig that must carry exactly userbuf
// (nil or empty: none). Checks run in the official order — v2: sdkappid,
// identifier, expiry, userbuf presence, userbuf bytes, HMAC; v1 (Go v1
// order): identifier, sdkappid, expiry, userbuf, ECDSA — and the first
// failure is returned as a *CheckError wrapping its sentinel.
func (v *Verifier) VerifyUserSigWithBuf(userID, sig string, userbuf []byte) (*Doc, error) {
	d, err := Decode(sig)
	if err != nil {
		return nil, err
	}
	return d, v.check(d, userID, userbuf, true)
}

// VerifyPrivateMapKey checks a privateMapKey for userID and returns its
// ticket. Beyond the userSig checks (the ticket is the expected userbuf, so
// only its presence is checked) it requires that the ticket parses, names
// userID and this sdkappid (ErrTicketMismatch), and that its absolute expiry
// has not passed (ErrTicketExpired). Whether the ticket fits a room and an
// action is Ticket.Check's business. The ticket is returned with check
// errors whenever it parsed.
func (v *Verifier) VerifyPrivateMapKey(userID, key string) (*Ticket, error) {
	d, err := Decode(key)
	if err != nil {
		return nil, err
	}
	if d.UserBuf == nil {
		if err := v.check(d, userID, nil, false); err != nil {
			return nil, err
		}
		return nil, &CheckError{Field: "TLS.userbuf", Want: "a privilege ticket", Got: "none", Err: ErrUserBufTypeMismatch}
	}
	if err := v.check(d, userID, d.UserBuf, false); err != nil {
		return nil, err
	}
	t, err := ParseTicket(d.UserBuf)
	if err != nil {
		return nil, err
	}
	switch {
	case t.Account != userID:
		return t, &CheckError{Field: "ticket.account", Want: strconv.Quote(userID), Got: strconv.Quote(t.Account), Err: ErrTicketMismatch}
	case t.SDKAppID != v.sdkAppID:
		return t, &CheckError{Field: "ticket.sdkappid", Want: u32(v.sdkAppID), Got: u32(t.SDKAppID), Err: ErrTicketMismatch}
	case t.Expired(v.now()):
		return t, &CheckError{Field: "ticket.expires", Err: ErrTicketExpired,
			Detail: "valid through " + stamp(t.Expires.Unix()) + ", now " + stamp(v.now().Unix())}
	}
	return t, nil
}

// check runs the per-version checks; compareBuf is false when any userbuf
// is acceptable (privateMapKey) and only presence matters.
func (v *Verifier) check(d *Doc, userID string, userbuf []byte, compareBuf bool) error {
	if d.Version == 1 {
		if v.pub == nil {
			return fmt.Errorf("v1 (ECDSA) signature: %w", ErrNoKey)
		}
		if err := v.checkIdentifier(d, userID); err != nil {
			return err
		}
		if err := v.checkAppID(d); err != nil {
			return err
		}
	} else {
		if v.key == nil {
			return fmt.Errorf("v2 (HMAC) signature: %w", ErrNoKey)
		}
		if err := v.checkAppID(d); err != nil {
			return err
		}
		if err := v.checkIdentifier(d, userID); err != nil {
			return err
		}
	}
	if now := v.now(); d.Expired(now) {
		return &CheckError{Field: "TLS.expire", Err: ErrExpired,
			Detail: "valid through " + stamp(satAdd(d.Time, d.Expire)) + ", now " + stamp(now.Unix())}
	}
	switch {
	case len(userbuf) == 0 && d.UserBuf != nil:
		return &CheckError{Field: "TLS.userbuf", Want: "none", Got: "present", Err: ErrUserBufTypeMismatch}
	case len(userbuf) > 0 && d.UserBuf == nil:
		return &CheckError{Field: "TLS.userbuf", Want: "present", Got: "none", Err: ErrUserBufTypeMismatch}
	case compareBuf && !bytes.Equal(userbuf, d.UserBuf):
		return &CheckError{Field: "TLS.userbuf", Want: fmt.Sprintf("%d bytes", len(userbuf)),
			Got: fmt.Sprintf("%d different bytes", len(d.UserBuf)), Err: ErrUserBufMismatch}
	}
	var ok bool
	if d.Version == 1 {
		ok = verifyV1Sig(v.pub, d)
	} else {
		mac := hmacSHA256(v.key, v2Content(d.Identifier, d.SDKAppID, d.Time, d.Expire, d.UserBuf))
		ok = hmac.Equal(mac, d.Sig)
	}
	if !ok {
		return &CheckError{Field: "TLS.sig", Err: ErrSigMismatch}
	}
	return nil
}

func (v *Verifier) checkAppID(d *Doc) error {
	if d.SDKAppID != int64(v.sdkAppID) {
		return &CheckError{Field: sdkField(d), Want: u32(v.sdkAppID), Got: strconv.FormatInt(d.SDKAppID, 10), Err: ErrSDKAppIDMismatch}
	}
	return nil
}

func (v *Verifier) checkIdentifier(d *Doc, userID string) error {
	if d.Identifier != userID {
		return &CheckError{Field: "TLS.identifier", Want: strconv.Quote(userID), Got: strconv.Quote(d.Identifier), Err: ErrIdentifierMismatch}
	}
	return nil
}

func sdkField(d *Doc) string {
	if d.Version == 1 {
		return "TLS.sdk_appid"
	}
	return "TLS.sdkappid"
}

func u32(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

// stamp renders Unix seconds with their UTC time for humans.
func stamp(sec int64) string {
	t := time.Unix(sec, 0).UTC()
	if t.Year() > 9999 || t.Year() < 0 {
		return strconv.FormatInt(sec, 10)
	}
	return fmt.Sprintf("%d (%s)", sec, t.Format(time.RFC3339))
}
