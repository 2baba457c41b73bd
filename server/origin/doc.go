// Package origin is the browser origin policy of the reference service's
// HTTP endpoints (the /ws WebSocket and POST /api/sign): same-origin by
// default, plus the origins the operator lists (roombot serve
// --allow-origin). A request without an Origin header (bots, curl, any
// non-browser client) is not a cross-origin request and passes; the other
// protections (userSig, bearer tokens) still apply to it.
package origin
