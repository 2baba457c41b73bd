// Package signsvc is the signing service a TRTC <webrtc-room> client calls
// before it enters a room ("your signing service" in the seed's client): it
// answers POST /api/sign with a userID, sdkAppID, roomID, userSig and
// privateMapKey.
//
// Request (JSON; exactly one of roomID and strRoomID; userID optional and
// generated when absent):
//
//	{"userID": "alice", "roomID": 1234}
//	{"strRoomID": "meeting-7"}
//
// Response 200:
//
//	{"userID": "alice", "sdkAppID": 1400000000, "roomID": 1234,
//	 "userSig": "eAEA…", "privateMapKey": "eAEA…"}
//
// Errors are JSON {"error": "...", "code": N} with an HTTP status and a TRTC
// code: 400 + -100000 for malformed JSON, 400 + -3318 for a bad room,
// 400 + -3319 for a bad userID, 401 + -100001 when the bearer token is
// missing or wrong, 403 + -100001 for a client beyond loopback when no token
// is set (see below), 405 + -100005 for another method.
//
// Who may sign: the credentials let their holder evict and impersonate any
// participant (duplicate login), so with a token (WithBearerToken) only
// requests carrying it are served; without one only loopback clients are,
// unless WithOpenAccess says the key is no secret (the published dev key).
// Expire is capped at signature.MaxExpire.
//
// New returns an http.Handler that the reference room service mounts (its
// path is Path); Serve runs it alone on a listener (roombot sign serve).
package signsvc
