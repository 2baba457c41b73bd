package signature

import (
	"compress/zlib"
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"time"
)

// Signer issues userSigs and privateMapKeys for one sdkappid. A Signer made
// by NewSigner uses the console secret (v2, HMAC-SHA256); one made by
// NewSignerV1 uses an ECDSA private key (v1). It is safe for concurrent use.
// Printing a Signer never shows its key.
type Signer struct {
	sdkAppID uint32
	key      []byte        // v2 HMAC key
	priv     crypto.Signer // v1 ECDSA key (*ecdsa.PrivateKey or secp256k1 adapter)
	now      func() time.Time
	level    int
}

// Option configures a Signer.
type Option func(*Signer) error

// WithNow sets the clock the issue time comes from (default time.Now).
func WithNow(now func() time.Time) Option {
	return func(s *Signer) error {
		if now == nil {
			return inputErr("WithNow: nil clock")
		}
		s.now = now
		return nil
	}
}

// WithCompressionLevel sets the zlib level (-2..9; default
// DefaultCompressionLevel, i.e. NoCompression like the official Go library).
// Verifiers accept every level.
func WithCompressionLevel(level int) Option {
	return func(s *Signer) error {
		if level < zlib.HuffmanOnly || level > zlib.BestCompression {
			return inputErr("WithCompressionLevel: %d outside -2..9", level)
		}
		s.level = level
		return nil
	}
}

// NewSigner returns a v2 (HMAC-SHA256) signer. key is the console secret,
// used as its raw UTF-8 bytes (a hex-looking key is not hex-decoded).
func NewSigner(sdkAppID uint32, key string, opts ...Option) (*Signer, error) {
	if key == "" {
		return nil, inputErr("signer: empty key")
	}
	return newSigner(sdkAppID, &Signer{key: []byte(key)}, opts)
}

// NewSignerV1 returns a v1 (ECDSA-SHA256) signer from a private key, as
// returned by ParsePrivateKey (*ecdsa.PrivateKey on P-256, or a
// *secp256k1.PrivateKey).
func NewSignerV1(sdkAppID uint32, priv crypto.PrivateKey, opts ...Option) (*Signer, error) {
	cs, err := asSigner(priv)
	if err != nil {
		return nil, err
	}
	return newSigner(sdkAppID, &Signer{priv: cs}, opts)
}

func newSigner(sdkAppID uint32, s *Signer, opts []Option) (*Signer, error) {
	if sdkAppID == 0 {
		return nil, inputErr("signer: sdkappid 0")
	}
	s.sdkAppID = sdkAppID
	s.now = time.Now
	s.level = DefaultCompressionLevel
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// SDKAppID is the application the signer signs for.
func (s *Signer) SDKAppID() uint32 { return s.sdkAppID }

// Version is 2 for an HMAC signer, 1 for an ECDSA signer.
func (s Signer) Version() int {
	if s.priv != nil {
		return 1
	}
	return 2
}

// String describes the signer without its key.
func (s Signer) String() string {
	return fmt.Sprintf("signature.Signer{sdkappid: %d, version: %d}", s.sdkAppID, s.Version())
}

// GoString is String, so %#v cannot print the key either.
func (s Signer) GoString() string { return s.String() }

// Format prints String for every verb, so no fmt verb (%+v, %x …) can
// reach the key through reflection. Value receiver: covers Signer and *Signer.
func (s Signer) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// UserSig issues a userSig for userID valid for expire (whole seconds, at
// least one).
func (s *Signer) UserSig(userID string, expire time.Duration) (string, error) {
	return s.UserSigWithBuf(userID, expire, nil)
}

// UserSigWithBuf issues a userSig carrying userbuf (none when empty).
func (s *Signer) UserSigWithBuf(userID string, expire time.Duration, userbuf []byte) (string, error) {
	if err := ValidateUserID(userID); err != nil {
		return "", inputErr("%v", err)
	}
	secs, err := expireSeconds(expire)
	if err != nil {
		return "", err
	}
	return s.sign(userID, s.now().Unix(), secs, userbuf)
}

// MaxExpire is the longest validity a Signer issues: the official
// libraries take expire as a C++ int of seconds (2147483647 s, about 68
// years). Beyond it a signature is as good as valid forever.
const MaxExpire = math.MaxInt32 * time.Second

// expireSeconds checks expire against 1s..MaxExpire.
func expireSeconds(expire time.Duration) (int64, error) {
	secs := int64(expire / time.Second)
	if secs < 1 || expire > MaxExpire {
		return 0, inputErr("expire %ds: want 1..%d seconds (the official libraries' range, about 68 years)", secs, int64(MaxExpire/time.Second))
	}
	return secs, nil
}

// PrivateMapKey issues a privateMapKey for userID in room with privileges p.
// The ticket's absolute expiry is issue time + expire, and the signature
// expires with it.
func (s *Signer) PrivateMapKey(userID string, expire time.Duration, room Room, p Privilege) (string, error) {
	if err := ValidateUserID(userID); err != nil {
		return "", inputErr("%v", err)
	}
	secs, err := expireSeconds(expire)
	if err != nil {
		return "", err
	}
	now := s.now().Unix()
	if now+secs > math.MaxUint32 {
		return "", inputErr("expire %ds: the ticket's expiry %d does not fit its 32-bit dwExpTime", secs, now+secs)
	}
	t := Ticket{Account: userID, SDKAppID: s.sdkAppID, Room: room, Expires: time.Unix(now+secs, 0), Privileges: p}
	buf, err := t.MarshalBinary()
	if err != nil {
		return "", err
	}
	return s.sign(userID, now, secs, buf)
}

// sign is the shared core; tests call it with the reference vectors' raw
// numbers (some of which do not fit a time.Duration).
func (s *Signer) sign(userID string, now, expire int64, userbuf []byte) (string, error) {
	if s.priv != nil {
		return s.signV1(userID, now, expire, userbuf)
	}
	js, err := s.v2Document(userID, now, expire, userbuf)
	if err != nil {
		return "", err
	}
	return encodeOuter(js, s.level)
}

// v2Document builds the JSON the official Go library emits.
func (s *Signer) v2Document(userID string, now, expire int64, userbuf []byte) ([]byte, error) {
	app := int64(s.sdkAppID)
	doc := v2JSON{Ver: "2.0", Identifier: userID, SDKAppID: app, Expire: expire, Time: now}
	if len(userbuf) > 0 {
		doc.UserBuf = b64(userbuf)
	}
	doc.Sig = b64(hmacSHA256(s.key, v2Content(userID, app, now, expire, userbuf)))
	return encodeV2JSON(doc)
}

func hmacSHA256(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}
