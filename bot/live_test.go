//go:build live

package bot

import (
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// A bot with a real encoder is received like a fixture bot.
func TestLiveBotReceived(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	a, _ := e.bot("live", room, func(c *Config) { c.Media.Live = true; c.Media.Resolution = "180p" })
	b, bs := e.bot("viewer", room, nil)
	start(t, a)
	start(t, b)
	for _, kind := range []string{"video", "audio"} {
		bs.wait(t, 10*time.Second, "first live "+kind+" frame", is(reports.EvFirstFrame, "live", kind))
	}
	t0 := time.Now()
	waitRx(t, bs, 10*time.Second, "live video at a frame rate", quietAfter(t0), "live", "video", func(ts reports.TrackSample) bool {
		return ts.FPS > 10 && ts.Kbps > 20
	})
	if err := a.SwitchCamera(t.Context()); err == nil {
		t.Fatal("SwitchCamera on the synthetic live camera succeeded")
	}
}
