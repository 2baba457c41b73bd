package signature

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// Doc is a decoded userSig or privateMapKey document (v2 or v1). Decoding a
// Doc proves nothing: only a Verifier checks it.
type Doc struct {
	// Version is 2 for TLS-Sig v2 (HMAC), 1 for v1 (ECDSA).
	Version int
	// Identifier is TLS.identifier, the userID.
	Identifier string
	// SDKAppID is TLS.sdkappid (v2) or TLS.sdk_appid (v1).
	SDKAppID int64
	// Time is the issue time (TLS.time), Unix seconds as written. Some third
	// party signers write milliseconds; the arithmetic does not care.
	Time int64
	// Expire is the validity in seconds (TLS.expire / TLS.expire_after).
	Expire int64
	// UserBuf is the decoded TLS.userbuf; nil when the document has none.
	UserBuf []byte
	// Sig is the decoded TLS.sig: a 32-byte HMAC (v2) or a DER ECDSA
	// signature (v1).
	Sig []byte
	// LibVersion is TLS.version of a v1 document (informational, unsigned).
	LibVersion string
	// AccountType and AppIDAt3rd are the v1 TLS.account_type and
	// TLS.appid_at_3rd; empty when absent.
	AccountType, AppIDAt3rd string
	// Legacy is set for the uncompressed v1 JSON form.
	Legacy bool
	// JSON is the document exactly as decoded.
	JSON []byte

	// v1 signs the field texts as written; keep them.
	v1 v1Text
}

// v1Text holds the v1 field values as they appear in the document.
type v1Text struct {
	appidAt3rd, accountType, sdkAppID, time, expire, userbuf string
	hasAppidAt3rd, hasAccountType                            bool
}

// ExpiresAt is the last instant the signature is valid: Time+Expire.
func (d *Doc) ExpiresAt() time.Time { return time.Unix(satAdd(d.Time, d.Expire), 0).UTC() }

// Expired reports whether now is past Time+Expire. Expiry is strict: the
// signature is still valid at exactly Time+Expire.
func (d *Doc) Expired(now time.Time) bool { return now.Unix() > satAdd(d.Time, d.Expire) }

// satAdd adds without wrapping, so a hostile time+expire cannot overflow into
// the past.
func satAdd(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	if b < 0 && a < math.MinInt64-b {
		return math.MinInt64
	}
	return a + b
}

// Decode decodes a userSig or privateMapKey into its document without
// verifying it. Errors wrap ErrMalformed and are *DecodeError.
func Decode(sig string) (*Doc, error) {
	js, err := decodeOuter(sig)
	if err != nil {
		return nil, err
	}
	return parseDoc(js)
}

// parseDoc reads the JSON fields in any order and whitespace.
func parseDoc(js []byte) (*Doc, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, decodeErr("json", "", "%v", err)
	}
	if m == nil {
		return nil, decodeErr("json", "", "not a JSON object")
	}
	d := &Doc{JSON: js}
	parse := parseV1
	if _, ok := m["TLS.ver"]; ok {
		ver, err := str(m, "TLS.ver", true)
		if err != nil {
			return nil, err
		}
		switch ver {
		case "2.0":
			parse = parseV2
		case "1.0":
		default:
			return nil, decodeErr("field", "TLS.ver", "unknown version %q (want \"2.0\", or absent for v1)", ver)
		}
	}
	if err := parse(d, m); err != nil {
		return nil, err
	}
	return d, nil
}

func parseV2(d *Doc, m map[string]json.RawMessage) error {
	d.Version = 2
	var err error
	if d.Identifier, err = str(m, "TLS.identifier", true); err != nil {
		return err
	}
	if d.SDKAppID, _, err = num(m, "TLS.sdkappid", true); err != nil {
		return err
	}
	// TLS.time and TLS.expire are omitempty in the Go library, so absent
	// means 0.
	if d.Time, _, err = num(m, "TLS.time", false); err != nil {
		return err
	}
	if d.Expire, _, err = num(m, "TLS.expire", false); err != nil {
		return err
	}
	if _, ok := m["TLS.userbuf"]; ok {
		s, err := str(m, "TLS.userbuf", true)
		if err != nil {
			return err
		}
		if d.UserBuf, err = unb64("TLS.userbuf", s); err != nil {
			return err
		}
		// The official libraries treat an empty userbuf as none, both in the
		// presence check and in the HMAC input.
		if len(d.UserBuf) == 0 {
			d.UserBuf = nil
		}
	}
	s, err := str(m, "TLS.sig", true)
	if err != nil {
		return err
	}
	d.Sig, err = unb64("TLS.sig", s)
	return err
}

// str reads a JSON string field.
func str(m map[string]json.RawMessage, field string, required bool) (string, error) {
	raw, ok := m[field]
	if !ok {
		if required {
			return "", decodeErr("field", field, "missing")
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", decodeErr("field", field, "want a string, got %.40s", raw)
	}
	return s, nil
}

// num reads an integer field written as a JSON number or as a decimal
// string (v1 writes every value as a string). It also returns the text.
func num(m map[string]json.RawMessage, field string, required bool) (int64, string, error) {
	raw, ok := m[field]
	if !ok {
		if required {
			return 0, "", decodeErr("field", field, "missing")
		}
		return 0, "", nil
	}
	text := string(bytes.TrimSpace(raw))
	if len(text) > 0 && text[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, "", decodeErr("field", field, "bad string: %v", err)
		}
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, "", decodeErr("field", field, "want a decimal integer, got %.40q", text)
	}
	return n, text, nil
}

// v2JSON is the document in the official Go struct order (reference §1.3).
// Field order and omitempty are part of the byte-exact contract.
type v2JSON struct {
	Ver        string `json:"TLS.ver,omitempty"`
	Identifier string `json:"TLS.identifier,omitempty"`
	SDKAppID   int64  `json:"TLS.sdkappid,omitempty"`
	Expire     int64  `json:"TLS.expire,omitempty"`
	Time       int64  `json:"TLS.time,omitempty"`
	UserBuf    string `json:"TLS.userbuf,omitempty"`
	Sig        string `json:"TLS.sig,omitempty"`
}

// v2Content is the exact HMAC input (reference §1.2).
// The userbuf line is present exactly when userbuf is non-empty.
func v2Content(identifier string, sdkAppID, t, expire int64, userbuf []byte) []byte {
	b := make([]byte, 0, 128)
	b = append(b, "TLS.identifier:"...)
	b = append(b, identifier...)
	b = append(b, "\nTLS.sdkappid:"...)
	b = strconv.AppendInt(b, sdkAppID, 10)
	b = append(b, "\nTLS.time:"...)
	b = strconv.AppendInt(b, t, 10)
	b = append(b, "\nTLS.expire:"...)
	b = strconv.AppendInt(b, expire, 10)
	b = append(b, '\n')
	if len(userbuf) > 0 {
		b = append(b, "TLS.userbuf:"...)
		b = append(b, b64(userbuf)...)
		b = append(b, '\n')
	}
	return b
}

// encodeV2JSON marshals like json.Encoder does in the Go library: compact,
// struct order, trailing newline.
func encodeV2JSON(doc v2JSON) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
