package synth

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/roombot/roombot/reports"
)

// Run describes a synthetic run.
type Run struct {
	Bots     int   // bots, numbered u0…
	Seconds  int   // one Sample per bot per second
	RoomSize int   // bots per room; each bot receives audio+video of the others
	Seed     int64 // same seed, same bytes
}

// Start is the synthetic run's start time.
var Start = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// Marks are the run's mark events: "steady" a tenth into the run, "done"
// nine tenths in (windows for assertions between marks).
var Marks = []string{"steady", "done"}

// Write writes r as the run directory dir (created if needed): run.json,
// events.jsonl and stats.jsonl, lines encoded exactly as reports.Dir
// encodes them. Samples carry 2 sent tracks and 2 received tracks per other
// member of the room, with jitter, RTT, e2e, frames and occasional loss,
// NACKs and freezes; events are enters (1 % fail), first frames, freezes,
// marks and run start/end.
func Write(dir string, r Run) error {
	if r.Bots < 1 || r.Seconds < 1 || r.RoomSize < 1 {
		return fmt.Errorf("synth: bots, seconds and room size must be >= 1, got %+v", r)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	rng := rand.New(rand.NewPCG(uint64(r.Seed), 12))
	end := Start.Add(time.Duration(r.Seconds+1) * time.Second)
	info := reports.RunInfo{Name: "synth", Target: "embedded", Seed: r.Seed, Started: Start, Ended: end,
		Health: reports.Health{CPUPctAvg: 80, CPUPctMax: 120, Cores: 2, MediaLagP99Ms: 3, MediaLagMaxMs: 9}}
	if err := reports.WriteRunInfo(dir, info); err != nil {
		return err
	}
	ev, err := newLines(filepath.Join(dir, reports.EventsFile))
	if err != nil {
		return err
	}
	st, err := newLines(filepath.Join(dir, reports.StatsFile))
	if err != nil {
		ev.close()
		return err
	}
	user := func(i int) string { return "u" + strconv.Itoa(i) }
	room := func(i int) string { return strconv.Itoa(1001 + i/r.RoomSize) }
	ev.put(reports.Event{Time: Start, Kind: reports.KindRun, Event: reports.EvRunStart, Message: "synth"})
	failed := map[int]bool{}
	for i := range r.Bots {
		at := Start.Add(time.Duration(i) * time.Second / time.Duration(max(1, r.Bots/10))) // 10 s of joins
		if rng.IntN(100) == 0 {
			failed[i] = true
			ev.put(reports.Event{Time: at, User: user(i), Room: room(i), Kind: reports.KindRoom, Event: reports.EvEnterFailed, Code: -100018, Tag: "error", Message: "enter room failed"})
			continue
		}
		ev.put(reports.Event{Time: at, User: user(i), Room: room(i), Kind: reports.KindRoom, Event: reports.EvEntered, Code: 1018, Value: 40 + 60*rng.Float64()})
		for _, rm := range others(i, r) {
			ev.put(reports.Event{Time: at.Add(150 * time.Millisecond), User: user(i), Room: room(i), Kind: reports.KindMedia, Event: reports.EvFirstFrame, Remote: user(rm), Track: "video", Value: 90 + 80*rng.Float64()})
		}
	}
	fi := 0
	for sec := range r.Seconds {
		t := Start.Add(time.Duration(sec+1) * time.Second)
		for k, m := range Marks {
			if sec == r.Seconds*(1+8*k)/10 {
				ev.put(reports.Event{Time: t, Kind: reports.KindRun, Event: reports.EvMark, Message: m})
			}
		}
		for i := range r.Bots {
			if failed[i] {
				continue
			}
			ts := t.Add(time.Duration(i) * time.Millisecond % time.Second)
			s := sample(rng, ts, user(i), room(i), others(i, r), user)
			if s.Freezes > 0 {
				fi++
				ev.put(reports.Event{Time: ts.Add(-300 * time.Millisecond), User: s.User, Room: s.Room, Kind: reports.KindMedia, Event: reports.EvFreezeStart, Remote: s.Tracks[2].Remote, Track: "video"})
				ev.put(reports.Event{Time: ts, User: s.User, Room: s.Room, Kind: reports.KindMedia, Event: reports.EvFreezeEnd, Remote: s.Tracks[2].Remote, Track: "video", Value: s.FreezeMs})
			}
			st.put(s)
		}
	}
	ev.put(reports.Event{Time: end, Kind: reports.KindRun, Event: reports.EvRunEnd})
	return errors.Join(ev.close(), st.close())
}

func others(i int, r Run) []int {
	first := i / r.RoomSize * r.RoomSize
	var o []int
	for j := first; j < min(first+r.RoomSize, r.Bots); j++ {
		if j != i {
			o = append(o, j)
		}
	}
	return o
}

func ptr(v float64) *float64 { return &v }

// sample is one bot-second shaped like bot/stats.go's: full-precision
// floats, bot-level figures summing the tracks.
func sample(rng *rand.Rand, t time.Time, user, room string, remotes []int, name func(int) string) reports.Sample {
	s := reports.Sample{Time: t, User: user, Room: room, Interval: 0.99 + 0.02*rng.Float64()}
	vk, ak := 480+40*rng.Float64(), 32+4*rng.Float64()
	vp, ap := uint64(45+rng.IntN(10)), uint64(50)
	s.Tracks = append(s.Tracks,
		reports.TrackSample{Dir: reports.Tx, Kind: "video", SSRC: rng.Uint32(), Kbps: vk, Packets: vp, LossPct: ptr(0), RTTMs: ptr(1 + rng.Float64())},
		reports.TrackSample{Dir: reports.Tx, Kind: "audio", SSRC: rng.Uint32(), Kbps: ak, Packets: ap, LossPct: ptr(0), RTTMs: ptr(1 + rng.Float64())})
	s.TxKbps, s.TxPackets = vk+ak, vp+ap
	var jit, e2e, rtt, mos, vs float64
	for _, rm := range remotes {
		lost := int64(0)
		if rng.IntN(50) == 0 {
			lost = int64(1 + rng.IntN(3))
		}
		for _, kind := range []string{"audio", "video"} {
			tr := reports.TrackSample{Dir: reports.Rx, Kind: kind, Remote: name(rm), SSRC: rng.Uint32(), JitterMs: ptr(3 + 5*rng.Float64()),
				RTTMs: ptr(1 + rng.Float64()), E2EMs: ptr(3 + 4*rng.Float64())}
			if kind == "video" {
				tr.Kbps, tr.Packets, tr.Frames, tr.FPS, tr.Lost = 470+50*rng.Float64(), uint64(44+rng.IntN(10)), 15, 14.5+rng.Float64(), lost
				tr.Expected = tr.Packets + uint64(lost)
				tr.LossPct = ptr(100 * float64(lost) / float64(tr.Expected))
				tr.Source, tr.VideoScore = "front", ptr(3.5+rng.Float64())
				if lost > 0 {
					tr.NACKs, tr.Repaired = uint64(lost), uint64(lost)
				}
				if rng.IntN(2000) == 0 {
					tr.Freezes, tr.FreezeMs = 1, 300+200*rng.Float64()
				}
			} else {
				tr.Kbps, tr.Packets, tr.Frames, tr.FPS, tr.AudioLevel = 32+4*rng.Float64(), 50, 50, 49.5+rng.Float64(), ptr(10+10*rng.Float64())
				tr.Expected, tr.LossPct, tr.MOS = 50, ptr(0), ptr(4.1+0.3*rng.Float64())
			}
			s.RxKbps += tr.Kbps
			s.RxPackets += tr.Packets
			s.RxLost += tr.Lost
			s.RxExpected += tr.Expected
			s.RxRepaired += tr.Repaired
			s.NACKs += tr.NACKs
			s.FPS += tr.FPS * boolf(kind == "video")
			s.Freezes += tr.Freezes
			s.FreezeMs += tr.FreezeMs
			jit, e2e, rtt = jit+*tr.JitterMs, e2e+*tr.E2EMs, rtt+*tr.RTTMs
			if tr.MOS != nil {
				mos += *tr.MOS
			} else {
				vs += *tr.VideoScore
			}
			s.Tracks = append(s.Tracks, tr)
		}
	}
	if n := float64(2 * len(remotes)); n > 0 {
		s.JitterMs, s.E2EMs, s.RTTMs = ptr(jit/n), ptr(e2e/n), ptr(rtt/n)
		s.MOS, s.VideoScore = ptr(2*mos/n), ptr(2*vs/n)
		if s.RxExpected > 0 {
			s.RxLossPct = 100 * float64(s.RxLost) / float64(s.RxExpected)
		}
	}
	if s.Freezes > 0 {
		// a freeze is seen in the sample that ends it; keep Tracks[2] the frozen one for the events
		for k := 2; k < len(s.Tracks); k++ {
			if s.Tracks[k].Freezes > 0 {
				s.Tracks[2].Remote, s.Tracks[k].Remote = s.Tracks[k].Remote, s.Tracks[2].Remote
				break
			}
		}
	}
	return s
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// lines writes one JSON value per line.
type lines struct {
	f   *os.File
	w   *bufio.Writer
	err error
}

func newLines(path string) (*lines, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return &lines{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (l *lines) put(v any) {
	if l.err != nil {
		return
	}
	b, err := json.Marshal(v) // Sample.MarshalJSON: the Dir writer's encoding
	if err == nil {
		b = append(b, '\n')
		_, err = l.w.Write(b)
	}
	l.err = err
}

func (l *lines) close() error {
	err := errors.Join(l.err, l.w.Flush(), l.f.Close())
	if err != nil {
		return fmt.Errorf("synth %s: %w", l.f.Name(), err)
	}
	return nil
}
