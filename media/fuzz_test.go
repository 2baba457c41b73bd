package media

import "testing"

func FuzzPayloadParsers(f *testing.F) {
	f.Add(uint8(CodecVP8), []byte{0x90, 0x80, 0x12, 0x00, 0x9d})
	f.Add(uint8(CodecH264), []byte{0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x65, 0x88})
	f.Add(uint8(CodecH264), []byte{0x7c, 0x85, 0x88})
	f.Fuzz(func(t *testing.T, c uint8, p []byte) {
		codec := Codec(c%3 + 1)
		start := FrameStart(codec, p)
		if KeyframeStart(codec, p) && !start {
			t.Fatalf("%s %x: keyframe start but not a frame start", codec, p)
		}
		if _, ok := KeyframeFingerprint(codec, p); ok != KeyframeStart(codec, p) {
			t.Fatal("fingerprint disagrees with KeyframeStart")
		}
		_, _ = AbsCaptureTime(p)
		_, _, _ = AudioLevel(p)
	})
}
