package scenario

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// fakeBot records the calls the runner makes. Start takes a while, like a
// real join, so that the test sees whether slow joins delay other bots.
type fakeBot struct {
	id    string
	join  time.Duration
	fleet *fleet
}

type call struct {
	user, what string
	at         time.Time
}

type fleet struct {
	mu      sync.Mutex
	calls   []call
	started map[string]int
	stopped map[string]int
	block   chan struct{} // when set, Start waits on it (or ctx)
	onStart chan string   // when set, receives each started user
}

func (f *fleet) rec(user, what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{user, what, time.Now()})
	switch what {
	case "start":
		f.started[user]++
	case "stop":
		f.stopped[user]++
	}
}

func (b *fakeBot) Start(ctx context.Context) error {
	if b.fleet.block != nil {
		select {
		case <-b.fleet.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	t := time.NewTimer(b.join)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	b.fleet.rec(b.id, "start")
	if b.fleet.onStart != nil {
		b.fleet.onStart <- b.id
	}
	return nil
}
func (b *fakeBot) Stop(context.Context) error   { b.fleet.rec(b.id, "stop"); return nil }
func (b *fakeBot) Pause(context.Context) error  { b.fleet.rec(b.id, "pause"); return nil }
func (b *fakeBot) Resume(context.Context) error { b.fleet.rec(b.id, "resume"); return nil }
func (b *fakeBot) SetMuted(_ context.Context, m bool) error {
	b.fleet.rec(b.id, map[bool]string{true: "mute", false: "unmute"}[m])
	return nil
}
func (b *fakeBot) EnableCamera(_ context.Context, on bool) error {
	b.fleet.rec(b.id, map[bool]string{true: "camera_on", false: "camera_off"}[on])
	return nil
}
func (b *fakeBot) SwitchCamera(context.Context) error { b.fleet.rec(b.id, "switch_camera"); return nil }
func (b *fakeBot) SetBeauty(int) error                { b.fleet.rec(b.id, "set_beauty"); return nil }
func (b *fakeBot) EnableRemoteAudio(_ context.Context, u string, on bool) error {
	b.fleet.rec(b.id, fmt.Sprintf("audio %s %v", u, on))
	return nil
}
func (b *fakeBot) EnableRemoteVideo(_ context.Context, u string, on bool) error {
	b.fleet.rec(b.id, fmt.Sprintf("video %s %v", u, on))
	return nil
}
func (b *fakeBot) SendGroupText(_ context.Context, text string) error {
	if text == "fail" {
		return errors.New("code -4: send failed")
	}
	b.fleet.rec(b.id, "group "+text)
	return nil
}
func (b *fakeBot) SendGroupCustom(_ context.Context, d, _, _ string) error {
	b.fleet.rec(b.id, "custom "+d)
	return nil
}
func (b *fakeBot) SendC2CText(_ context.Context, to, text string) error {
	b.fleet.rec(b.id, "c2c "+to+" "+text)
	return nil
}
func (b *fakeBot) UserID() string { return b.id }

var _ Participant = (*fakeBot)(nil)

func newFleet() *fleet { return &fleet{started: map[string]int{}, stopped: map[string]int{}} }

func (f *fleet) factory(join time.Duration) Factory {
	return func(u *User, _ reports.Sink) (Participant, error) {
		return &fakeBot{id: u.ID, join: join, fleet: f}, nil
	}
}

type memSink struct {
	mu     sync.Mutex
	events []reports.Event
}

func (m *memSink) WriteEvent(e reports.Event) {
	m.mu.Lock()
	m.events = append(m.events, e)
	m.mu.Unlock()
}
func (m *memSink) WriteSample(reports.Sample) {}

func mustPlan(t *testing.T, src string) *Plan {
	t.Helper()
	c, err := Parse("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunnerTiming drives 200 bots whose joins take 30 ms each, with a
// burst of actions, and checks that every action fired within 10 ms of
// its time and that each bot's actions ran in plan order.
func TestRunnerTiming(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, `
duration: 3s
rooms: 20
groups: [{name: g, per_room: 10}]
arrival: {rate: 400}
timeline:
  - {at: 1s, action: mark, name: a}
  - {at: 1s, action: mute, users: all}
  - {at: 1200ms, action: unmute, users: all, spread: 200ms}
  - {at: 1500ms, action: camera_off, users: "room:1001,room:1002"}
  - {at: 1600ms, action: block_video, users: "group:g[1]", remote: "room:1001"}
  - {at: 1700ms, action: send_im, users: "group:g[2]", text: hello}
  - {at: 1700ms, action: send_im, users: "group:g[3]", text: fail}
  - {at: 1800ms, action: send_im, users: "group:g[4]", to: g-1, text: psst}
  - {at: 2s, action: switch_camera, users: all}
  - {at: 2500ms, action: mark, name: b}
`)
	f := newFleet()
	sink := &memSink{}
	r, err := NewRunner(p, f.factory(30*time.Millisecond), WithSink(sink))
	if err != nil {
		t.Fatal(err)
	}
	// A control measures how late the runtime's own timers are meanwhile:
	// on a machine shared with other work, lateness the runner cannot help.
	stop := make(chan struct{})
	control := make(chan float64)
	go func() { control <- timerLateness(stop) }() // the worst lateness of plain timers
	res, err := r.Run(context.Background())
	close(stop)
	controlP99 := <-control
	if err != nil {
		t.Fatal(err)
	}
	limit := max(10, controlP99+5) // p99 of ours against the worst of plain timers
	if res.Health.ActionLagP99Ms > limit {
		t.Errorf("action lag p99 %.2f ms > %.1f ms (max %.2f; plain timers were late by up to %.2f ms)",
			res.Health.ActionLagP99Ms, limit, res.Health.ActionLagMaxMs, controlP99)
	}
	t.Logf("action lag p99 %.2f ms, max %.2f ms; plain timer lateness max %.2f ms", res.Health.ActionLagP99Ms, res.Health.ActionLagMaxMs, controlP99)
	if res.Interrupted || res.Failed != 1 || res.Skipped != 0 {
		t.Errorf("result = %+v, want 1 failed (the IM 'fail')", res)
	}
	if len(f.started) != 200 || len(f.stopped) != 200 {
		t.Errorf("started %d, stopped %d bots; want 200 each", len(f.started), len(f.stopped))
	}
	// Per bot, the order of calls follows the plan.
	order := map[string][]string{}
	for _, c := range f.calls {
		order[c.user] = append(order[c.user], strings.Fields(c.what)[0])
	}
	if got := strings.Join(order["g-1"], ","); got != "start,mute,unmute,camera_off,"+strings.Repeat("video,", 9)+"switch_camera,stop" {
		t.Errorf("g-1 calls = %s", got)
	}
	if got := strings.Join(order["g-200"], ","); got != "start,mute,unmute,switch_camera,stop" {
		t.Errorf("g-200 calls = %s", got)
	}
	var marks, failed int
	for _, e := range sink.events {
		if e.Event == reports.EvMark {
			marks++
		}
		if e.Kind == reports.KindAction && e.Tag == "error" {
			failed++
			if e.User != "g-3" || !strings.Contains(e.Message, "send failed") {
				t.Errorf("failed action event = %+v", e)
			}
		}
	}
	if marks != 2 || failed != 1 {
		t.Errorf("marks %d, failed action events %d", marks, failed)
	}
	if first, last := sink.events[0], sink.events[len(sink.events)-1]; first.Event != reports.EvRunStart || last.Event != reports.EvRunEnd {
		t.Errorf("stream starts with %q and ends with %q", first.Event, last.Event)
	}
}

// TestRunnerInterrupt cancels a run while joins are stuck: the run ends
// early, every joined bot leaves, and later actions never fire.
func TestRunnerInterrupt(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, `
duration: 60s
rooms: 1
groups: [{name: g, count: 3}]
timeline:
  - {at: 30s, action: mute, users: all}
`)
	f := newFleet()
	sink := &memSink{}
	r, err := NewRunner(p, f.factory(0), WithSink(sink))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.onStart = make(chan string, 3)
	entered := make(chan struct{})
	go func() {
		defer close(entered)
		for range 3 { // cancel once the three joins happened
			<-f.onStart
		}
		cancel()
	}()
	res, err := r.Run(ctx)
	<-entered
	if !errors.Is(err, ErrInterrupted) || !res.Interrupted {
		t.Fatalf("Run = %+v, %v; want interrupted", res, err)
	}
	if len(f.stopped) != 3 {
		t.Errorf("stopped %d bots, want 3", len(f.stopped))
	}
	for _, c := range f.calls {
		if c.what == "mute" {
			t.Errorf("action after the interrupt fired: %+v", c)
		}
	}
	if res.Ended.Sub(res.Started) > 10*time.Second {
		t.Errorf("run took %v after interrupt", res.Ended.Sub(res.Started))
	}
	last := sink.events[len(sink.events)-1]
	if last.Event != reports.EvRunEnd || last.Message != "interrupted" {
		t.Errorf("last event = %+v", last)
	}
}

// TestRunnerSkipsAndHardStop: actions on users not in the room are
// recorded as skipped; a hard stop cancels joins stuck at the end.
func TestRunnerSkipsAndHardStop(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, `
duration: 300ms
rooms: 1
groups: [{name: g, count: 1, join: manual}, {name: s, count: 1}]
timeline:
  - {at: 50ms, action: mute, users: all}
`)
	f := newFleet()
	f.block = make(chan struct{}) // the auto user's join never completes
	sink := &memSink{}
	hard := make(chan struct{})
	close(hard)
	r, err := NewRunner(p, f.factory(0), WithSink(sink), WithHardStop(hard))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 2 || res.Failed != 1 {
		t.Errorf("skipped %d failed %d; want 2 (nobody is in the room) and 1 (the cancelled join)", res.Skipped, res.Failed)
	}
}

// timerLateness sleeps 5 ms at a time until stop and returns how late
// the latest wake-up was, in ms.
func timerLateness(stop <-chan struct{}) float64 {
	var late []float64
	for {
		select {
		case <-stop:
			sort.Float64s(late)
			if len(late) == 0 {
				return 0
			}
			return late[len(late)-1]
		default:
		}
		want := time.Now().Add(5 * time.Millisecond)
		time.Sleep(5 * time.Millisecond)
		late = append(late, float64(time.Since(want))/float64(time.Millisecond))
	}
}

// syncBuf is a concurrency-safe strings.Builder.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestRunnerProgress(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{false, true} {
		p := mustPlan(t, "duration: 1500ms\nrooms: 2\ngroups: [{name: g, per_room: 2}]\narrival: {rate: 100}\n")
		f := newFleet()
		var out syncBuf
		sink := reports.SinkFunc{}
		// the fake bots report entering through the runner's sink, as real bots do
		factory := func(u *User, s reports.Sink) (Participant, error) {
			s.WriteEvent(reports.Event{User: u.ID, Room: u.Room.Name(), Kind: reports.KindRoom, Event: reports.EvEntered, Code: 1018})
			s.WriteSample(reports.Sample{User: u.ID, Room: u.Room.Name(), RxKbps: 500, TxKbps: 250})
			return &fakeBot{id: u.ID, fleet: f}, nil
		}
		r, err := NewRunner(p, factory, WithSink(sink), WithProgress(&out, tty), WithProgressEvery(500*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if !strings.Contains(s, "joined 4/4  rooms 2") || !strings.Contains(s, "run finished after") {
			t.Errorf("tty=%v progress:\n%q", tty, s)
		}
		if tty != strings.Contains(s, "\r\033[K") {
			t.Errorf("tty=%v: redraw sequence present=%v", tty, !tty)
		}
	}
}
