// Package play paces pre-packetized fixture clips onto RTP tracks in real
// time, for hundreds of bots in one process.
//
// A Scheduler owns a few goroutines (shards, one per core by default), each
// with a min-heap of Players ordered by the time their next frame is due. A
// shard sleeps until the earliest due time, writes every due frame, and
// records how late each frame was written (pacing lag) in a histogram that
// the runner reads for generator health. There is no goroutine or timer per
// track.
//
// A Player sends one clip (fixture.Clip) to one Writer (a pion
// *webrtc.TrackLocalStaticRTP satisfies it). Sequence numbers and RTP
// timestamps run on without a break across loop restarts, camera switches,
// keyframe jumps and mute (during mute the timestamp clock keeps running and
// no packets go out). Each packet carries abs-capture-time (the frame's
// scheduled capture time) and, for audio, ssrc-audio-level, with the IDs the
// bot negotiated.
//
//	clip frames:  K . . . . K . . . . K . . . .|K . . .   (loop)
//	sent frames:  K . . K . . . . K . . . . K . .          RequestKeyframe after frame 2
//	seq/ts:       continuous throughout
//
// The hot path does not allocate: each Player reuses one rtp.Packet whose
// payload slices point into the shared clip.
package play
