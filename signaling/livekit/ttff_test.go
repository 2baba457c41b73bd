package livekit_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
)

// TestTimeToFirstFrameOnLiveKit measures the time to first frame in rooms
// of two, both ways, audio and video (180p VP8 + Opus): a publisher that
// was there first sees the newcomer's media ("present": from 1031), the
// newcomer sees the first one's ("joiner": from its enter request). The
// joiner's figure has a floor in the server: livekit-server debounces a
// subscriber renegotiation that follows another within 150 ms by 150 ms
// (negotiationFrequency in pkg/rtc/transport.go, no configuration), and
// the join itself negotiates the data channels. Quiet figures (p95):
// present 60 ms, joiner 205 ms; the bounds leave room for a loaded CI
// machine but fail on the regressions fixed here (a second offer for
// video: +150 ms; keyframe requests dropped or deferred by the player's
// rate limit: +250 ms; a prflx ICE pair nominated after 1 s: +1 s).
func TestTimeToFirstFrameOnLiveKit(t *testing.T) {
	if testing.Short() {
		t.Skip("ten rooms of two")
	}
	e := newEnv(t)
	var present, joiner []float64
	for range 10 {
		room := e.room()
		first, fs := e.bot("first", room, nil, nil)
		start(t, first)
		fs.wait(t, "first entered", 1, 5*time.Second, ev(reports.EvEntered, 0, ""))
		time.Sleep(500 * time.Millisecond) // its publication settles
		second, ss := e.bot("second", room, nil, nil)
		start(t, second)
		fs.wait(t, "first frames at first", 2, 10*time.Second, ev(reports.EvFirstFrame, 0, "second"))
		ss.wait(t, "first frames at second", 2, 10*time.Second, ev(reports.EvFirstFrame, 0, "first"))
		for _, c := range []struct {
			s   *collector
			out *[]float64
		}{{fs, &present}, {ss, &joiner}} {
			c.s.mu.Lock()
			for _, x := range c.s.events {
				if x.Event == reports.EvFirstFrame {
					*c.out = append(*c.out, x.Value)
				}
			}
			c.s.mu.Unlock()
		}
		for _, b := range []*bot.Bot{second, first} { // the next room starts alone
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := b.Stop(ctx); err != nil {
				t.Error(err)
			}
			cancel()
		}
	}
	for _, c := range []struct {
		name  string
		v     []float64
		bound float64
	}{{"present", present, 200}, {"joiner", joiner, 400}} {
		slices.Sort(c.v)
		p95 := c.v[(len(c.v)*95+99)/100-1]
		t.Logf("time to first frame, %s: p50 %.0f ms, p95 %.0f ms, max %.0f ms (%d tracks)", c.name, c.v[len(c.v)/2], p95, c.v[len(c.v)-1], len(c.v))
		if p95 > c.bound {
			t.Errorf("time to first frame, %s: p95 %.0f ms > %.0f ms; all: %v", c.name, p95, c.bound, c.v)
		}
	}
}
