// Package signature generates and verifies the credentials a TRTC
// <webrtc-room> participant signs in with: the userSig (TLS-Sig API v2,
// HMAC-SHA256, and the older v1, ECDSA-SHA256) and the privateMapKey room
// permission ticket (../shared/docs/trtc-reference.md §1–3).
//
// Vocabulary:
//
//   - userSig: base64url-ish (`* - _` alphabet) of zlib(JSON document). The
//     document carries the identifier (userID), sdkappid, issue time, relative
//     expiry, an optional userbuf and the signature (TLS.sig).
//   - privateMapKey: a userSig whose userbuf is a binary Ticket (account, app,
//     room, absolute expiry, privilege bits).
//   - Signer: issues userSigs and privateMapKeys for one sdkappid with either
//     the console secret (v2) or an ECDSA private key (v1).
//   - Verifier: checks them for one sdkappid, in the order the official
//     libraries check, returning errors that wrap the sentinels of errors.go.
//
// Generation is byte-for-byte what the current official Go library emits
// (compact JSON in struct order plus "\n", zlib NoCompression); verification
// accepts what any official library emits (any zlib level, either alphabet,
// padded or not, keys in any order, pretty-printed JSON, the uncompressed
// legacy v1 form).
//
// The package is a leaf: it imports only the standard library and the
// secp256k1 package needed for console v1 keys. The secret key never appears
// in an error or in a String method.
package signature
