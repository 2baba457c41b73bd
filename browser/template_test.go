package browser

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
)

// fixtureTemplate is fixtures/web-template (two remote slots).
func fixtureTemplate(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "fixtures", "web-template")
}

// TestCustomTemplate: roombot serve --template fixtures/web-template: the
// page offers it as "custom" (its default), fills its two remote slots
// with the first two bots' pictures, leaves the third out with -8, and
// puts the local picture in its local slot.
func TestCustomTemplate(t *testing.T) {
	needChromium(t)
	r := newRoom(t, server.Config{WebTemplate: fixtureTemplate(t)}, "front", "back", "front")
	b, rec := r.browser(t, Config{UserID: "web1"}) // no template: the custom one is the default
	ctx := context.Background()
	s, err := b.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Template != "custom" || s.MaxMembers != 2 {
		t.Fatalf("template %q with %d slots, want custom with 2", s.Template, s.MaxMembers)
	}
	waitFor(t, "-8 for the third bot", 10*time.Second, func() bool {
		return rec.has(func(e reports.Event) bool { return e.Code == -8 && e.Message == "room is full: at most 3 members" })
	})
	for _, slot := range []struct{ sel, user string }{{"#my-left", "bot1"}, {"#my-right", "bot2"}} {
		if n, err := b.Count(ctx, slot.sel+` .rb-view[data-user="`+slot.user+`"] video`); err != nil || n != 1 {
			t.Fatalf("%s holds %d views of %s (%v)", slot.sel, n, slot.user, err)
		}
		var why string
		waitFor(t, slot.user+"'s picture in "+slot.sel, 20*time.Second, func() bool {
			png, err := b.Screenshot(ctx, slot.sel+" video")
			if err != nil {
				t.Fatal(err)
			}
			why = analyse(t, png).fixtureColours()
			return why == ""
		})
	}
	if n, _ := b.Count(ctx, `.my-local .rb-local video`); n != 1 {
		t.Errorf("the local slot holds %d local views", n)
	}
	if n, _ := b.Count(ctx, `#rb-stage .rb-view[data-user="bot3"]`); n != 0 {
		t.Error("bot3 is shown though the template has two slots")
	}
	if n, _ := b.Count(ctx, `.my-title`); n != 1 {
		t.Error("the template's own markup is missing")
	}
	// The built-in templates stay available next to the custom one.
	if err := b.SetTemplate(ctx, "grid"); err != nil {
		t.Fatal(err)
	}
	if s, _ := b.State(ctx); s.MaxMembers != 3 {
		t.Errorf("grid after custom: %d slots", s.MaxMembers)
	}
}
