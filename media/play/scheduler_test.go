package play

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// counter is a concurrency-safe Writer that counts frames (marker bits).
type counter struct{ frames, packets atomic.Int64 }

func (c *counter) WriteRTP(p *rtp.Packet) error {
	c.packets.Add(1)
	if p.Marker {
		c.frames.Add(1)
	}
	return nil
}

// TestSchedulerManyPlayers paces 300 video players for one second on the
// default shards: every player gets its 30 frames, none starves.
func TestSchedulerManyPlayers(t *testing.T) {
	lib, err := fixture.Default()
	if err != nil {
		t.Fatal(err)
	}
	clip, _ := lib.Video("front", media.CodecVP8, 360)
	s, err := NewScheduler()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 300
	ws := make([]*counter, n)
	ps := make([]*Player, n)
	for i := range ws {
		ws[i] = &counter{}
		if ps[i], err = New(s, ws[i], clip); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Players(); got != n {
		t.Fatalf("Players() = %d, want %d", got, n)
	}
	<-time.After(time.Second) // the run length is the test's input
	for _, p := range ps {
		_ = p.Close()
	}
	lag := s.Lag()
	var minF, maxF int64 = 1 << 30, 0
	for _, w := range ws {
		f := w.frames.Load()
		minF, maxF = min(minF, f), max(maxF, f)
	}
	t.Logf("frames per player %d..%d in 1 s; lag %+v", minF, maxF, lag)
	// 30 fps for 1 s is 31 frames counting the one at t=0; a loaded
	// machine may lose a few to lag, never gain any.
	if maxF > 32 || minF < 20 {
		t.Errorf("frames per player %d..%d, want about 31", minF, maxF)
	}
	if lag.Frames < n*20 {
		t.Errorf("lag histogram has %d frames", lag.Frames)
	}
	taken := s.TakeLag()
	if taken.Frames == 0 || s.Lag().Frames != 0 {
		t.Error("TakeLag did not reset")
	}
	if tot := s.TotalLag(); tot.Frames != taken.Frames || tot.Max != taken.Max {
		t.Errorf("TotalLag %+v after one TakeLag %+v: want the same frames", tot, taken)
	}
}

func TestCloseAndErrors(t *testing.T) {
	lib, err := fixture.Default()
	if err != nil {
		t.Fatal(err)
	}
	v, _ := lib.Video("front", media.CodecVP8, 180)
	h, _ := lib.Video("back", media.CodecH264, 180)
	a, _ := lib.Audio()
	if _, err := NewScheduler(WithShards(0)); err == nil {
		t.Error("WithShards(0) accepted")
	}
	if _, err := NewScheduler(WithMaxLag(time.Millisecond)); err == nil {
		t.Error("WithMaxLag(1ms) accepted")
	}
	s, err := NewScheduler(WithShards(1))
	if err != nil {
		t.Fatal(err)
	}
	w := &counter{}
	p, err := New(s, w, v, WithInitialSequence(7), WithInitialTimestamp(9), WithMuted(true))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Muted() || p.Source() != "front" || p.Clip() != v {
		t.Error("accessors")
	}
	if err := p.SwitchClip(h); !errors.Is(err, ErrIncompatible) {
		t.Errorf("switch VP8 → H.264: %v", err)
	}
	if err := p.SwitchSource("side"); err == nil {
		t.Error("switch to an unknown camera accepted")
	}
	ap, _ := New(s, w, a)
	if err := ap.SwitchSource("back"); !errors.Is(err, ErrIncompatible) {
		t.Errorf("audio SwitchSource: %v", err)
	}
	if _, err := New(s, nil, v); err == nil {
		t.Error("nil writer accepted")
	}
	_ = p.Close()
	_ = p.Close()
	if err := p.SwitchClip(v); !errors.Is(err, ErrClosed) {
		t.Errorf("switch after Close: %v", err)
	}
	_ = s.Close()
	_ = s.Close()
	if _, err := New(s, w, v); !errors.Is(err, ErrClosed) {
		t.Errorf("New on a closed scheduler: %v", err)
	}
	if p.Stats().Packets != 0 {
		t.Error("a muted player sent packets")
	}
}
