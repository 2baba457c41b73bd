package bot

import (
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
)

// TestInitialMediaStateRaised1033And1034 checks docs/events.md's "once when
// first known": a user's camera (1033) and microphone (1034) state is raised
// once when the user becomes known, for every initial state, both to a bot
// that was in the room first (1031) and to one that enters later (1020).
func TestInitialMediaStateRaised1033And1034(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []struct {
		name             string
		muted, cameraOff bool
	}{
		{"neither", false, false},
		{"muted", true, false},
		{"camera off", false, true},
		{"both", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			room := e.room()
			early, es := e.bot("early", room, nil)
			x, _ := e.bot("x", room, func(cfg *Config) { cfg.Muted, cfg.CameraOff = c.muted, c.cameraOff })
			late, ls := e.bot("late", room, nil)
			start(t, early)
			start(t, x)
			es.wait(t, 5*time.Second, "1031 x", is(reports.EvRemoteEntered, "x", ""))
			start(t, late)
			ls.wait(t, 5*time.Second, "1020", is(reports.EvMembers, "", ""))
			for _, s := range []struct {
				who  string
				sink *collector
			}{{"early (1031)", es}, {"late (1020)", ls}} {
				video := s.sink.wait(t, 5*time.Second, s.who+": 1033 of x", is(reports.EvRemoteVideo, "x", "video"))
				audio := s.sink.wait(t, 5*time.Second, s.who+": 1034 of x", is(reports.EvRemoteAudio, "x", "audio"))
				if video.Code != codes.RemoteVideoState || video.Message != onOff(!c.cameraOff) {
					t.Errorf("%s: 1033 %+v, want %s", s.who, video, onOff(!c.cameraOff))
				}
				if audio.Code != codes.RemoteAudioState || audio.Message != onOff(!c.muted) {
					t.Errorf("%s: 1034 %+v, want %s", s.who, audio, onOff(!c.muted))
				}
				if n := s.sink.count(is(reports.EvRemoteVideo, "x", "")) + s.sink.count(is(reports.EvRemoteAudio, "x", "")); n != 2 {
					t.Errorf("%s: %d 1033/1034 events of x, want 2 (once each); events: %v", s.who, n, s.sink.names())
				}
				names := s.sink.names()
				known := indexOf(names, reports.EvRemoteEntered+"(x/)")
				if s.sink == ls {
					known = indexOf(names, reports.EvMembers)
				}
				if v := indexOf(names, reports.EvRemoteVideo+"(x/video)"); known < 0 || v < known {
					t.Errorf("%s: 1033 before the event that made x known: %v", s.who, names)
				}
			}
		})
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// count returns how many events match f.
func (c *collector) count(f func(reports.Event) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, e := range c.events {
		if f(e) {
			n++
		}
	}
	return n
}
