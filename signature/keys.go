package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	k1ecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// v1 keys come on two curves: prime256v1 (Go/Python examples) and secp256k1
// (Tencent console keys, the C++ test key). Go's x509 rejects secp256k1, so
// its SEC1, PKCS#8 and PKIX wrappers are unpacked here by hand and the curve
// maths is done by decred's secp256k1.

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidP256        = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidSecp256k1   = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
)

// sec1Key is RFC 5915 ECPrivateKey.
type sec1Key struct {
	Version    int
	PrivateKey []byte
	Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

// pkcs8Key is RFC 5208 PrivateKeyInfo.
type pkcs8Key struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
}

// spki is RFC 5280 SubjectPublicKeyInfo.
type spki struct {
	Algo      pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

// ParsePrivateKey reads an ECDSA private key from PEM: "EC PRIVATE KEY"
// (SEC1, optionally after an "EC PARAMETERS" block) or "PRIVATE KEY"
// (PKCS#8). It returns *ecdsa.PrivateKey for P-256 and
// *secp256k1.PrivateKey for secp256k1. Errors never quote key material.
func ParsePrivateKey(pemBytes []byte) (crypto.PrivateKey, error) {
	var params asn1.ObjectIdentifier
	rest := pemBytes
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return nil, decodeErr("key", "", "no EC PRIVATE KEY or PRIVATE KEY PEM block")
		}
		switch blk.Type {
		case "EC PARAMETERS":
			if _, err := asn1.Unmarshal(blk.Bytes, &params); err != nil {
				return nil, decodeErr("key", "EC PARAMETERS", "not a named curve: %v", err)
			}
		case "EC PRIVATE KEY":
			return parseSEC1(blk.Bytes, params)
		case "PRIVATE KEY":
			var p pkcs8Key
			if _, err := asn1.Unmarshal(blk.Bytes, &p); err != nil {
				return nil, decodeErr("key", "PRIVATE KEY", "bad PKCS#8: %v", err)
			}
			if !p.Algo.Algorithm.Equal(oidECPublicKey) {
				return nil, decodeErr("key", "PRIVATE KEY", "algorithm %v is not EC", p.Algo.Algorithm)
			}
			var curve asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(p.Algo.Parameters.FullBytes, &curve); err != nil {
				return nil, decodeErr("key", "PRIVATE KEY", "curve is not a named curve: %v", err)
			}
			return parseSEC1(p.PrivateKey, curve)
		}
	}
}

func parseSEC1(der []byte, curve asn1.ObjectIdentifier) (crypto.PrivateKey, error) {
	var k sec1Key
	if _, err := asn1.Unmarshal(der, &k); err != nil {
		return nil, decodeErr("key", "EC PRIVATE KEY", "bad SEC1: %v", err)
	}
	if len(k.Curve) > 0 {
		curve = k.Curve
	}
	switch {
	case curve.Equal(oidSecp256k1):
		if len(k.PrivateKey) == 0 || len(k.PrivateKey) > 32 {
			return nil, decodeErr("key", "EC PRIVATE KEY", "secp256k1 scalar is %d bytes", len(k.PrivateKey))
		}
		var s secp256k1.ModNScalar
		if overflow := s.SetByteSlice(k.PrivateKey); overflow || s.IsZero() {
			return nil, decodeErr("key", "EC PRIVATE KEY", "secp256k1 scalar out of range")
		}
		return secp256k1.NewPrivateKey(&s), nil
	case curve.Equal(oidP256), len(curve) == 0:
		// Re-wrap with the curve so x509 knows it when only EC PARAMETERS named it.
		k.Curve = oidP256
		full, err := asn1.Marshal(k)
		if err != nil {
			return nil, decodeErr("key", "EC PRIVATE KEY", "%v", err)
		}
		key, err := x509.ParseECPrivateKey(full)
		if err != nil {
			return nil, decodeErr("key", "EC PRIVATE KEY", "%v", err)
		}
		return key, nil
	}
	return nil, decodeErr("key", "EC PRIVATE KEY", "curve %v unsupported (want P-256 or secp256k1)", curve)
}

// ParsePublicKey reads a PKIX "PUBLIC KEY" PEM block, or its bare base64
// body as the reference quotes it. It returns *ecdsa.PublicKey for P-256 and
// *secp256k1.PublicKey for secp256k1.
func ParsePublicKey(pemOrBase64 []byte) (crypto.PublicKey, error) {
	var der []byte
	if blk, _ := pem.Decode(pemOrBase64); blk != nil {
		if blk.Type != "PUBLIC KEY" {
			return nil, decodeErr("key", blk.Type, "want a PUBLIC KEY PEM block")
		}
		der = blk.Bytes
	} else {
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(pemOrBase64)), ""))
		if err != nil {
			return nil, decodeErr("key", "PUBLIC KEY", "neither PEM nor base64 DER")
		}
		der = b
	}
	var s spki
	if _, err := asn1.Unmarshal(der, &s); err != nil {
		return nil, decodeErr("key", "PUBLIC KEY", "bad SubjectPublicKeyInfo: %v", err)
	}
	if !s.Algo.Algorithm.Equal(oidECPublicKey) {
		return nil, decodeErr("key", "PUBLIC KEY", "algorithm %v is not EC", s.Algo.Algorithm)
	}
	var curve asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(s.Algo.Parameters.FullBytes, &curve); err != nil {
		return nil, decodeErr("key", "PUBLIC KEY", "curve is not a named curve: %v", err)
	}
	switch {
	case curve.Equal(oidSecp256k1):
		pk, err := secp256k1.ParsePubKey(s.PublicKey.RightAlign())
		if err != nil {
			return nil, decodeErr("key", "PUBLIC KEY", "secp256k1 point: %v", err)
		}
		return pk, nil
	case curve.Equal(oidP256):
		pk, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, decodeErr("key", "PUBLIC KEY", "%v", err)
		}
		return pk, nil
	}
	return nil, decodeErr("key", "PUBLIC KEY", "curve %v unsupported (want P-256 or secp256k1)", curve)
}

// MarshalPublicKeyPEM encodes a P-256 or secp256k1 public key as a PKIX
// "PUBLIC KEY" PEM block.
func MarshalPublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	var der []byte
	switch k := pub.(type) {
	case *secp256k1.PublicKey:
		params, _ := asn1.Marshal(oidSecp256k1)
		raw := k.SerializeUncompressed()
		var err error
		der, err = asn1.Marshal(spki{
			Algo:      pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: params}},
			PublicKey: asn1.BitString{Bytes: raw, BitLength: 8 * len(raw)},
		})
		if err != nil {
			return nil, err
		}
	case *ecdsa.PublicKey:
		var err error
		if der, err = x509.MarshalPKIXPublicKey(k); err != nil {
			return nil, inputErr("public key: %v", err)
		}
	default:
		return nil, inputErr("public key: unsupported type %T", pub)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// k1Signer adapts a secp256k1 key to crypto.Signer (DER output, RFC 6979
// nonces), so both curves sign through one interface.
type k1Signer struct{ k *secp256k1.PrivateKey }

func (s k1Signer) Public() crypto.PublicKey { return s.k.PubKey() }

func (s k1Signer) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	return k1ecdsa.Sign(s.k, digest).Serialize(), nil
}

// asSigner accepts the key types ParsePrivateKey returns.
func asSigner(priv crypto.PrivateKey) (crypto.Signer, error) {
	switch k := priv.(type) {
	case *secp256k1.PrivateKey:
		if k == nil {
			return nil, inputErr("signer: nil private key")
		}
		return k1Signer{k}, nil
	case *ecdsa.PrivateKey:
		if k == nil {
			return nil, inputErr("signer: nil private key")
		}
		return k, nil
	}
	return nil, inputErr("signer: unsupported private key type %T (want P-256 *ecdsa.PrivateKey or *secp256k1.PrivateKey)", priv)
}

// asPublicKey accepts PEM/base64 text or a parsed key.
func asPublicKey(pub any) (crypto.PublicKey, error) {
	switch k := pub.(type) {
	case []byte:
		return ParsePublicKey(k)
	case string:
		return ParsePublicKey([]byte(k))
	case *secp256k1.PublicKey:
		if k != nil {
			return k, nil
		}
	case *ecdsa.PublicKey:
		if k != nil {
			return k, nil
		}
	default:
		return nil, inputErr("public key: unsupported type %T", pub)
	}
	return nil, inputErr("public key: nil")
}

// verifyECDSA checks a DER (r, s) signature over digest. The DER is parsed
// leniently (encoding/asn1) because signers differ in strictness; the maths
// is not lenient.
func verifyECDSA(pub crypto.PublicKey, digest, sig []byte) bool {
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &rs)
	if err != nil || len(rest) != 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 {
		return false
	}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return ecdsa.Verify(k, digest, rs.R, rs.S)
	case *secp256k1.PublicKey:
		if rs.R.BitLen() > 256 || rs.S.BitLen() > 256 {
			return false
		}
		var r, s secp256k1.ModNScalar
		var buf [32]byte
		if r.SetByteSlice(rs.R.FillBytes(buf[:])) {
			return false
		}
		if s.SetByteSlice(rs.S.FillBytes(buf[:])) {
			return false
		}
		return k1ecdsa.NewSignature(&r, &s).Verify(digest, k)
	}
	return false
}

// curveName names the curve of a supported key, for messages.
func curveName(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *secp256k1.PublicKey:
		return "secp256k1"
	case *ecdsa.PublicKey:
		return k.Curve.Params().Name
	}
	return fmt.Sprintf("%T", pub)
}
