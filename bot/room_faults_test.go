package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// admin posts a fault or kick to the reference service's admin API.
func (e *env) admin(path string, body any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL()+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+e.srv.AdminToken())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("admin %s: HTTP %d", path, resp.StatusCode)
	}
}

func TestPauseStallsWithoutSignalling(t *testing.T) {
	e := newEnv(t)
	a, _, _, bs := pair(t, e, nil)
	ctx := context.Background()
	// Let the frame rate settle: a freeze is judged against it.
	waitRx(t, bs, 5*time.Second, "a's video at its frame rate", time.Time{}, "a", "video", func(ts reports.TrackSample) bool {
		return ts.Frames >= 10
	})
	t0 := time.Now()
	if err := a.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	waitRx(t, bs, 5*time.Second, "a's video to stall", quietAfter(t0), "a", "video", noPackets)
	waitRx(t, bs, 3*time.Second, "a's audio to stall", quietAfter(t0), "a", "audio", noPackets)
	// (1033/1034 were raised once when a became known, before the pause.)
	if ev, ok := bs.find(func(e reports.Event) bool {
		return (e.Event == reports.EvRemoteVideo || e.Event == reports.EvRemoteAudio) && !e.Time.Before(t0)
	}); ok {
		t.Fatalf("pause was signalled: %+v", ev)
	}
	t1 := time.Now()
	if err := a.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	waitRx(t, bs, 5*time.Second, "a's video to resume", quietAfter(t1), "a", "video", func(ts reports.TrackSample) bool {
		return ts.Packets > 0 && ts.Frames > 0
	})
	// The stall is a freeze by the W3C rule, reported when it began and
	// when it ended, and counted in the stats.
	bs.wait(t, time.Second, "freeze_start", is(reports.EvFreezeStart, "a", "video"))
	end := bs.wait(t, time.Second, "freeze_end", is(reports.EvFreezeEnd, "a", "video"))
	if paused := t1.Sub(t0); end.Value < float64(paused.Milliseconds())-300 || end.Value > float64(paused.Milliseconds())+1000 {
		t.Errorf("freeze of %.0f ms for a pause of %v", end.Value, paused)
	}
	bs.waitSamples(t, 3*time.Second, "a freeze counted", func(all []reports.Sample) bool {
		for _, s := range all {
			if ts, ok := rxOf(s, "a", "video"); ok && ts.Freezes == 1 && ts.FreezeMs > 0 && s.Freezes >= 1 {
				return true
			}
		}
		return false
	})
}

func TestAdminKickAndDroppedConnection(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	a, as := e.bot("kicked", room, nil)
	b, bs := e.bot("dropped", room, func(c *Config) { c.EnableIM = true })
	start(t, a)
	start(t, b)

	e.admin("/admin/kick", map[string]any{"sdkAppID": 1400000001, "roomID": room, "userID": "kicked"})
	if k := as.wait(t, 5*time.Second, "kicked", is(reports.EvKicked, "", "")); k.Message != string(signaling.KickByAdmin) {
		t.Fatalf("kicked %+v, want reason %q", k, signaling.KickByAdmin)
	}
	<-a.Done()

	// A dropped signaling connection: the SDK reconnects (1102, IM 1),
	// re-enters after its 3 s interval and recovers (IM 0).
	e.admin("/admin/faults/drop", map[string]any{"sdkAppID": 1400000001, "userID": "dropped"})
	rec := bs.wait(t, 10*time.Second, "recovered", is(reports.EvRecovered, "", ""))
	if rec.Value < float64(DefaultReconnectInterval.Milliseconds()) {
		t.Errorf("outage %.0f ms, shorter than the reconnect interval", rec.Value)
	}
	want := []string{"reconnecting 1102", "im 1", "recovered 0", "im 0"}
	if got := reconnectEvents(bs, ""); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("events %v, want %v", got, want)
	}
	if ev, ok := bs.find(func(e reports.Event) bool { return e.Code == codes.ErrPushDisconnect }); ok {
		t.Fatalf("-6 after a recovered drop: %+v", ev)
	}
	if err := b.SetMuted(context.Background(), true); err != nil {
		t.Fatalf("an action failed after recovering: %v", err)
	}
}

// TestFreezeEndsWhenRemoteLeaves: a user whose video stalled and who then
// left ends the freeze at its 1032; no freeze_start is left without its
// freeze_end (the report counted such a freeze as never ended).
func TestFreezeEndsWhenRemoteLeaves(t *testing.T) {
	e := newEnv(t)
	a, _, _, bs := pair(t, e, nil)
	ctx := context.Background()
	waitRx(t, bs, 5*time.Second, "a's video at its frame rate", time.Time{}, "a", "video", func(ts reports.TrackSample) bool {
		return ts.Frames >= 10
	})
	if err := a.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, 5*time.Second, "freeze_start of a's paused video", is(reports.EvFreezeStart, "a", "video"))
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, 5*time.Second, "1032 a", is(reports.EvRemoteLeft, "a", ""))
	end := bs.wait(t, time.Second, "freeze_end at a's leave", is(reports.EvFreezeEnd, "a", "video"))
	if end.Value <= 0 {
		t.Fatalf("freeze_end %+v", end)
	}
}
