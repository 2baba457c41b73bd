package browser

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

// hues are the six saturated colours of both fixture cameras: testsrc2
// ("front") sweeps them, SMPTE bars ("back") has them as bars.
var hues = []struct {
	name string
	deg  float64
}{{"red", 0}, {"yellow", 60}, {"green", 120}, {"cyan", 180}, {"blue", 240}, {"magenta", 300}}

// picture is what a screenshot shows: the share of dark pixels and, per
// hue, the share of clearly saturated pixels within 30° of it.
type picture struct {
	dark  float64
	share map[string]float64
}

func analyse(t *testing.T, b []byte) picture {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return analyseImage(img)
}

func analyseImage(img image.Image) picture {
	p := picture{share: map[string]float64{}}
	r := img.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			n++
			h, s, v := hsv(img.At(x, y))
			if v < 0.15 {
				p.dark++
			}
			if s < 0.5 || v < 0.35 {
				continue
			}
			for _, hu := range hues {
				d := math.Abs(h - hu.deg)
				if d > 180 {
					d = 360 - d
				}
				if d <= 30 {
					p.share[hu.name]++
				}
			}
		}
	}
	p.dark /= float64(n)
	for k := range p.share {
		p.share[k] /= float64(n)
	}
	return p
}

// fixtureColours says why p is not a fixture camera's picture, or "".
// Both cameras show each of the six hues on at least 1 % of the picture
// and are mostly not black.
func (p picture) fixtureColours() string {
	if p.dark > 0.6 {
		return "mostly black"
	}
	for _, hu := range hues {
		if p.share[hu.name] < 0.01 {
			return "no " + hu.name
		}
	}
	return ""
}

func hsv(c color.Color) (h, s, v float64) {
	r16, g16, b16, _ := c.RGBA()
	r, g, b := float64(r16)/65535, float64(g16)/65535, float64(b16)/65535
	mx, mn := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	v = mx
	if mx == 0 {
		return 0, 0, 0
	}
	s = (mx - mn) / mx
	if mx == mn {
		return 0, s, v
	}
	switch mx {
	case r:
		h = 60 * math.Mod((g-b)/(mx-mn), 6)
	case g:
		h = 60 * ((b-r)/(mx-mn) + 2)
	default:
		h = 60 * ((r-g)/(mx-mn) + 4)
	}
	if h < 0 {
		h += 360
	}
	return h, s, v
}

// TestFixtureColoursCheck: the check refuses a black picture and a
// one-colour picture, and accepts six bars.
func TestFixtureColoursCheck(t *testing.T) {
	t.Parallel()
	black := image.NewRGBA(image.Rect(0, 0, 60, 10))
	if why := analyseImage(black).fixtureColours(); why != "mostly black" {
		t.Errorf("black: %q", why)
	}
	green := image.NewRGBA(image.Rect(0, 0, 60, 10))
	bars := image.NewRGBA(image.Rect(0, 0, 60, 10))
	cols := []color.RGBA{{255, 0, 0, 255}, {255, 255, 0, 255}, {0, 255, 0, 255}, {0, 255, 255, 255}, {0, 0, 255, 255}, {255, 0, 255, 255}}
	for y := 0; y < 10; y++ {
		for x := 0; x < 60; x++ {
			green.Set(x, y, color.RGBA{0, 140, 0, 255})
			bars.Set(x, y, cols[x/10])
		}
	}
	if why := analyseImage(green).fixtureColours(); why == "" {
		t.Error("a green picture passed as a fixture camera")
	}
	if why := analyseImage(bars).fixtureColours(); why != "" {
		t.Errorf("six bars: %s", why)
	}
}
