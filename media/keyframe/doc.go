// Package keyframe provides a pion interceptor that watches the RTCP a
// PeerConnection receives for its local (sending) streams and reports every
// keyframe request — PLI (RFC 4585) and FIR (RFC 5104) — with the SSRC it
// names, so a bot can call its player's RequestKeyframe without caring who
// reads RTCP.
//
// Register the factory in the interceptor registry of the sending
// PeerConnection. RTCP reaches interceptors only while something reads it:
// keep reading RTPSender.Read (pion's usual RTCP drain loop).
package keyframe
