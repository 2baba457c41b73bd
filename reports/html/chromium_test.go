package html

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/internal/browsertest"
	"github.com/roombot/roombot/reports/summary"
)

// consoleLine matches Chromium's log line for a console message or an
// uncaught exception (--enable-logging=stderr --v=0). It carries no level,
// so the report must log nothing at all.
var consoleLine = regexp.MustCompile(`:CONSOLE(?:\(\d+\)|:\d+)\] .*`)

// chromium runs headless Chromium on the file with one action flag and
// returns stdout and the console lines from stderr.
func chromium(t *testing.T, bin, file string, action ...string) (stdout []byte, console []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--hide-scrollbars", "--window-size=1200,4000"}, action...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+file)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", action, err, errb.String())
	}
	sc := bufio.NewScanner(&errb)
	for sc.Scan() {
		if m := consoleLine.FindString(sc.Text()); m != "" {
			console = append(console, m)
		}
	}
	return out.Bytes(), console
}

// TestChromium opens report.html in headless Chromium: no console output,
// the script ran, every chart was drawn, and the screenshot is not blank.
// A control page with a broken script proves the console check can fail.
func TestChromium(t *testing.T) {
	bin := browsertest.RequireChromium(t)
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	d := fixture(60, 6, 120)
	var b bytes.Buffer
	if err := Write(&b, d, summary.Compute(d)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("control", func(t *testing.T) {
		bad := filepath.Join(dir, "broken.html")
		if err := os.WriteFile(bad, []byte(`<!DOCTYPE html><p>x</p><script>notDefined()</script>`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, console := chromium(t, bin, bad, "--dump-dom")
		if len(console) == 0 || !strings.Contains(strings.Join(console, "\n"), "notDefined") {
			t.Fatalf("the console check does not see a broken script: %q", console)
		}
	})
	t.Run("dom", func(t *testing.T) {
		dom, console := chromium(t, bin, file, "--dump-dom")
		if len(console) > 0 {
			t.Fatalf("console output:\n%s", strings.Join(console, "\n"))
		}
		page := string(dom)
		if !strings.Contains(page, `data-ready="1"`) {
			t.Fatal("the page's script did not run to its end")
		}
		if n := strings.Count(page, "<svg"); n != len(figures)+5 {
			t.Fatalf("%d svg charts in the DOM, want %d", n, len(figures)+5)
		}
		for _, id := range []string{"chart-joins", "chart-tx", "chart-loss", "chart-rtt", "chart-freezes", "chart-e2e", "chart-health-cpu", "chart-health-lag"} {
			i := strings.Index(page, `id="`+id+`"`)
			if i < 0 {
				t.Fatalf("%s missing", id)
			}
			chart := page[i : i+strings.Index(page[i:], "</svg>")]
			if !regexp.MustCompile(`<path [^>]*d="M[0-9]`).MatchString(chart) {
				t.Errorf("%s has no drawn path", id)
			}
		}
	})
	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(dir, "shot.png")
		_, console := chromium(t, bin, file, "--screenshot="+shot)
		if len(console) > 0 {
			t.Fatalf("console output:\n%s", strings.Join(console, "\n"))
		}
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		mean, variance, colored := pixelStats(img)
		t.Logf("screenshot %v: mean luminance %.1f, variance %.1f, coloured pixels %.2f%%", img.Bounds().Size(), mean, variance, 100*colored)
		if variance < 100 {
			t.Errorf("screenshot is blank: luminance variance %.1f", variance)
		}
		if colored < 0.01 {
			t.Errorf("screenshot shows no charts: %.3f%% coloured pixels", 100*colored)
		}
	})
}

// pixelStats returns the mean and variance of luminance (0…255) and the
// fraction of clearly coloured (chart) pixels.
func pixelStats(img image.Image) (mean, variance, colored float64) {
	r := img.Bounds()
	var sum, sq float64
	var n, col int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			R, G, B := float64(cr>>8), float64(cg>>8), float64(cb>>8)
			l := 0.299*R + 0.587*G + 0.114*B
			sum += l
			sq += l * l
			n++
			if max(R, G, B)-min(R, G, B) > 60 {
				col++
			}
		}
	}
	mean = sum / float64(n)
	return mean, sq/float64(n) - mean*mean, float64(col) / float64(n)
}

// TestPixelStatsBlank: the non-blank check rejects a white page.
func TestPixelStatsBlank(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 50, 50))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	if _, v, c := pixelStats(img); v >= 100 || c != 0 {
		t.Fatalf("white page: variance %v coloured %v", v, c)
	}
}
