package media_test

import (
	"testing"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// Every fixture's first keyframe announces the size the manifest gives the
// clip (made by ffmpeg at that size): the VP8 keyframe header, and the
// H.264 SPS in the keyframe's STAP-A.
func TestPictureSizeOfFixtures(t *testing.T) {
	t.Parallel()
	lib, err := fixture.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, clip := range lib.Clips() {
		if clip.Kind() != media.KindVideo {
			continue
		}
		found := false
		for _, p := range clip.Packets(0) {
			if w, h, ok := media.PictureSize(clip.Codec, p); ok {
				found = true
				if w != clip.Width || h != clip.Height {
					t.Errorf("%s: picture size %dx%d, the clip is %dx%d", clip.Name, w, h, clip.Width, clip.Height)
				}
			}
		}
		if !found {
			t.Errorf("%s: no packet of its first keyframe announces a size", clip.Name)
		}
		for _, p := range clip.Packets(1) {
			if _, _, ok := media.PictureSize(clip.Codec, p); ok {
				t.Errorf("%s: a delta frame announced a size", clip.Name)
			}
		}
		n++
	}
	if n != 12 {
		t.Fatalf("%d video clips, want 12", n)
	}
}

func FuzzPictureSize(f *testing.F) {
	f.Add([]byte{0x10, 0x00, 0x9d, 0x01, 0x2a}, true)
	f.Add([]byte{0x67, 0x42, 0xc0, 0x1e, 0xda}, false)
	f.Fuzz(func(t *testing.T, p []byte, vp8 bool) {
		c := media.CodecH264
		if vp8 {
			c = media.CodecVP8
		}
		if w, h, ok := media.PictureSize(c, p); ok && (w <= 0 || h <= 0) {
			t.Fatalf("ok with %dx%d", w, h)
		}
	})
}
