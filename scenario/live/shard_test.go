package live

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/render"
	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/server"
)

// TestShardsByUser splits rooms over two shards (users dealt one by one)
// against one shared service: each room's members are on both shards, and
// every bot must still decode the video of every other member of its room.
func TestShardsByUser(t *testing.T) {
	srv, err := server.Start(context.Background(), server.Config{Logger: slog.New(slog.DiscardHandler), Apps: []server.AppConfig{{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	src := fmt.Sprintf(`
name: by-user
seed: 3
duration: 6s
target: {url: %q}
rooms: 2
groups:
  - {name: h, per_room: 3, media: {resolution: 180p}}
arrival: {rate: 10}
timeline:
  - {at: 5s, action: mark, name: done}
`, srv.SignalURL())
	dir := t.TempDir()
	env := func(k string) string {
		if k == DefaultSecretEnv {
			return server.DevSecretKey
		}
		return ""
	}
	const n = 2
	var wg sync.WaitGroup
	outs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := scenario.Parse("by-user.yaml", []byte(src))
			if err != nil {
				errs[i] = err
				return
			}
			s := scenario.Shard{Index: i, Count: n, By: scenario.ByUser}
			outs[i] = filepath.Join(dir, s.Name())
			_, errs[i] = Run(context.Background(), c, Options{Out: outs[i], Getenv: env,
				Dist: Dist{Shard: &s, Barrier: filepath.Join(dir, "barrier")}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	merged := filepath.Join(dir, "merged")
	if _, err := render.Merge(merged, outs...); err != nil {
		t.Fatal(err)
	}
	d, err := reports.Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	shardOf := map[string]string{}
	seen := map[string]map[string]bool{} // user → remotes whose video it decoded
	var end = d.Info.Ended
	for _, e := range d.Events {
		if e.Event == reports.EvMark && e.Message == "done" {
			end = e.Time
			break
		}
	}
	for _, e := range d.Events {
		switch {
		case e.Event == reports.EvEntered:
			shardOf[e.User] = e.Shard
		case e.Event == reports.EvFirstFrame && e.Track == "video" && !e.Time.After(end):
			if seen[e.User] == nil {
				seen[e.User] = map[string]bool{}
			}
			seen[e.User][e.Remote] = true
		}
	}
	if len(shardOf) != 6 {
		t.Fatalf("%d users entered, want 6: %v", len(shardOf), shardOf)
	}
	perRoomShards := map[string]map[string]bool{}
	for _, e := range d.Events {
		if e.Event == reports.EvEntered {
			if perRoomShards[e.Room] == nil {
				perRoomShards[e.Room] = map[string]bool{}
			}
			perRoomShards[e.Room][e.Shard] = true
		}
	}
	for room, sh := range perRoomShards {
		if len(sh) != n {
			t.Errorf("room %s played on shards %v, want both (split by user)", room, sh)
		}
	}
	for u := range shardOf {
		if len(seen[u]) != 2 {
			t.Errorf("%s (%s) decoded video of %v, want the 2 other members of its room, across shards", u, shardOf[u], seen[u])
		}
	}
}

// TestStartAt: with --start-at the run's timeline begins at that instant
// and run.json says how it began; on the embedded service no clock offset
// can be measured, and run.json says why.
func TestStartAt(t *testing.T) {
	c, err := scenario.Parse("s.yaml", []byte("name: s\nduration: 2s\nrooms: 1\ngroups: [{name: h, count: 1, media: {resolution: 180p}}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(1500 * time.Millisecond).Truncate(time.Millisecond)
	o, err := Run(context.Background(), c, Options{Out: filepath.Join(t.TempDir(), "run"), Dist: Dist{StartAt: at}})
	if err != nil {
		t.Fatal(err)
	}
	s := o.Info.Start
	if s == nil || s.Via != "start-at" || !s.At.Equal(at) || s.LagMs < 0 || s.Clock == nil || !strings.Contains(s.Clock.Error, "embedded") {
		t.Fatalf("run.json start %+v", s)
	}
	if !o.Info.Started.Equal(at) {
		t.Errorf("started %v, want the common start %v", o.Info.Started, at)
	}
	if o.Info.Part != nil {
		t.Errorf("an unsplit run with a start time is not a shard: part %+v", o.Info.Part)
	}
}
