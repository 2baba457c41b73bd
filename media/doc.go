// Package media is the shared vocabulary of roombot's media half: codecs and
// track kinds, the RTP header extensions a bot stamps and reads
// (abs-capture-time, ssrc-audio-level), and the keyframe tests and keyframe
// fingerprints that let a receiver recognise which camera a stream shows
// without decoding it.
//
// The work is done in subpackages:
//
//	media/fixture   fixture readers (IVF, Annex B H.264, Ogg Opus) and the
//	                shared read-only Library of pre-packetized clips
//	media/play      real-time paced playback: one Scheduler for many Players
//	media/rx        receive analysis: loss, frames, freezes, latency, level
//	media/keyframe  a pion interceptor that reports PLI/FIR on local streams
//	media/live      a real VP8 + Opus encoder (build tag "live", cgo)
//
// Packets flow one way: fixture → play → (bot, SFU) → rx.
package media
