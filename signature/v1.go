package signature

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"time"
)

// TLS-Sig v1 (reference §3): every JSON value is a string, and the ECDSA
// signature covers these lines, in this order, each "name:value\n":
//
//	TLS.appid_at_3rd   (left out when the field is absent, as C++ JsonToSign does)
//	TLS.account_type
//	TLS.identifier
//	TLS.sdk_appid
//	TLS.time
//	TLS.expire_after
//	TLS.userbuf        (userbuf tickets only; the base64 text as written)
//
// Values are signed as written, so the legacy "2018-03-22T17:16:36-08:00"
// time form verifies too.

// V1LibVersion is the TLS.version the v1 Signer writes (the Go v1 library's).
const V1LibVersion = "201610110000"

// legacyTimeLayout is the oldest v1 time form (C++ TIME_UT_FORM unset).
const legacyTimeLayout = "2006-01-02T15:04:05-07:00"

func parseV1(d *Doc, m map[string]json.RawMessage) error {
	d.Version = 1
	var err error
	if d.Identifier, err = str(m, "TLS.identifier", true); err != nil {
		return err
	}
	if d.SDKAppID, d.v1.sdkAppID, err = num(m, "TLS.sdk_appid", true); err != nil {
		return err
	}
	if d.v1.time, err = text(m, "TLS.time"); err != nil {
		return err
	}
	if n, err := strconv.ParseInt(d.v1.time, 10, 64); err == nil {
		d.Time = n
	} else if t, err := time.Parse(legacyTimeLayout, d.v1.time); err == nil {
		d.Time = t.Unix()
		d.Legacy = true
	} else {
		return decodeErr("field", "TLS.time", "want Unix seconds or %s, got %.40q", legacyTimeLayout, d.v1.time)
	}
	if d.Expire, d.v1.expire, err = num(m, "TLS.expire_after", true); err != nil {
		return err
	}
	if _, ok := m["TLS.account_type"]; ok {
		d.v1.hasAccountType = true
		if d.v1.accountType, err = text(m, "TLS.account_type"); err != nil {
			return err
		}
		d.AccountType = d.v1.accountType
	}
	if _, ok := m["TLS.appid_at_3rd"]; ok {
		d.v1.hasAppidAt3rd = true
		if d.v1.appidAt3rd, err = text(m, "TLS.appid_at_3rd"); err != nil {
			return err
		}
		d.AppIDAt3rd = d.v1.appidAt3rd
	}
	if _, ok := m["TLS.userbuf"]; ok {
		if d.v1.userbuf, err = str(m, "TLS.userbuf", true); err != nil {
			return err
		}
		if d.UserBuf, err = unb64("TLS.userbuf", d.v1.userbuf); err != nil {
			return err
		}
		if len(d.UserBuf) == 0 {
			d.UserBuf = nil
		}
	}
	if d.LibVersion, err = str(m, "TLS.version", false); err != nil {
		return err
	}
	s, err := str(m, "TLS.sig", true)
	if err != nil {
		return err
	}
	d.Sig, err = unb64("TLS.sig", s)
	return err
}

// text reads a v1 value: a string, or a bare number's literal text.
func text(m map[string]json.RawMessage, field string) (string, error) {
	raw, ok := m[field]
	if !ok {
		return "", decodeErr("field", field, "missing")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", decodeErr("field", field, "want a string, got %.40s", raw)
}

// v1Content builds the signed lines from the values as written.
func v1Content(t *v1Text, identifier string, hasBuf bool) []byte {
	b := make([]byte, 0, 192)
	line := func(name, v string) {
		b = append(b, name...)
		b = append(b, ':')
		b = append(b, v...)
		b = append(b, '\n')
	}
	if t.hasAppidAt3rd {
		line("TLS.appid_at_3rd", t.appidAt3rd)
	}
	line("TLS.account_type", t.accountType)
	line("TLS.identifier", identifier)
	line("TLS.sdk_appid", t.sdkAppID)
	line("TLS.time", t.time)
	line("TLS.expire_after", t.expire)
	if hasBuf {
		line("TLS.userbuf", t.userbuf)
	}
	return b
}

// signV1 issues a v1 document like the Go v1 library: string values, keys
// sorted (a map), appid_at_3rd and account_type "0".
func (s *Signer) signV1(userID string, now, expire int64, userbuf []byte) (string, error) {
	t := v1Text{
		appidAt3rd: "0", hasAppidAt3rd: true,
		accountType: "0", hasAccountType: true,
		sdkAppID: strconv.FormatUint(uint64(s.sdkAppID), 10),
		time:     strconv.FormatInt(now, 10),
		expire:   strconv.FormatInt(expire, 10),
	}
	doc := map[string]string{
		"TLS.account_type": t.accountType,
		"TLS.identifier":   userID,
		"TLS.appid_at_3rd": t.appidAt3rd,
		"TLS.sdk_appid":    t.sdkAppID,
		"TLS.expire_after": t.expire,
		"TLS.version":      V1LibVersion,
		"TLS.time":         t.time,
	}
	if len(userbuf) > 0 {
		t.userbuf = b64(userbuf)
		doc["TLS.userbuf"] = t.userbuf
	}
	digest := sha256.Sum256(v1Content(&t, userID, len(userbuf) > 0))
	sig, err := s.priv.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", err
	}
	doc["TLS.sig"] = b64(sig)
	js, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	return encodeOuter(js, s.level)
}

// verifyV1Sig checks the ECDSA signature of a v1 document.
func verifyV1Sig(pub crypto.PublicKey, d *Doc) bool {
	if !d.v1.hasAccountType {
		return false // C++ JsonToSign requires it; nothing could have signed without it
	}
	digest := sha256.Sum256(v1Content(&d.v1, d.Identifier, d.v1.userbuf != ""))
	return verifyECDSA(pub, digest[:], d.Sig)
}
