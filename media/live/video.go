//go:build live

package live

import (
	"fmt"
	"image"
	"time"

	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtp/codecs"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/play"
)

// NewVideo starts a live VP8 source: a synthetic moving picture encoded in
// real time and written to w. Close it when done.
func NewVideo(w play.Writer, opts ...Option) (*Source, error) {
	cfg := config{width: DefaultWidth, height: DefaultHeight, fps: DefaultFPS, bitrate: DefaultVideoBitrate}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	gen := newPicture(cfg.width, cfg.height)
	params, err := vpx.NewVP8Params()
	if err != nil {
		return nil, fmt.Errorf("live: vp8 params: %w", err)
	}
	params.BitRate = cfg.bitrate
	params.KeyFrameInterval = 10 * cfg.fps // WebRTC senders key on request; this is a backstop
	// VBR follows a new target within about a second; CBR's buffer model
	// (not configurable through mediadevices) took several.
	params.RateControlEndUsage = vpx.RateControlVBR
	params.LagInFrames = 0
	params.ErrorResilient = vpx.ErrorResilientDefault
	reader := video.ReaderFunc(func() (image.Image, func(), error) { return gen.img, func() {}, nil })
	enc, err := params.BuildVideoEncoder(reader, prop.Media{Video: prop.Video{Width: cfg.width, Height: cfg.height, FrameRate: float32(cfg.fps)}})
	if err != nil {
		return nil, fmt.Errorf("live: vp8 encoder: %w", err)
	}
	pay := &codecs.VP8Payloader{EnablePictureID: true}
	return newSource(media.KindVideo, w, enc, pay, time.Second/time.Duration(cfg.fps), gen, cfg), nil
}

// picture is the synthetic camera: a diagonal luma gradient with moving
// rings and slowly drifting chroma. It is smooth enough for VP8's rate
// control to hit its target, and busy enough that the target matters.
type picture struct {
	img *image.YCbCr
}

func newPicture(w, h int) *picture {
	return &picture{img: image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)}
}

func (p *picture) level() uint8 { return 127 }

func (p *picture) next(t time.Duration) {
	img := p.img
	b := img.Rect
	ms := int(t / time.Millisecond)
	shift := ms / 8 // the pattern moves 125 px/s
	cx, cy := b.Dx()/2, b.Dy()/2
	for y := 0; y < b.Dy(); y++ {
		row := img.Y[y*img.YStride : y*img.YStride+b.Dx()]
		dy := (y - cy) * (y - cy)
		for x := range row {
			dx := x - cx
			// Triangle waves have no edges: a smooth diagonal gradient
			// plus wide rings widening from the centre.
			row[x] = uint8(tri(x+y+shift)/3 + tri((dx*dx+dy)>>3-4*shift)/2)
		}
	}
	cb, cr := uint8(128+ms/40%64), uint8(160-ms/60%64)
	for y := 0; y < (b.Dy()+1)/2; y++ {
		rowB := img.Cb[y*img.CStride : y*img.CStride+(b.Dx()+1)/2]
		rowR := img.Cr[y*img.CStride : y*img.CStride+(b.Dx()+1)/2]
		for x := range rowB {
			rowB[x] = cb + uint8(x/8)
			rowR[x] = cr - uint8(y/8)
		}
	}
}

// tri is a triangle wave with period 512 and range 0..255.
func tri(v int) int {
	v &= 0x1FF
	if v > 255 {
		return 511 - v
	}
	return v
}
