package html

import (
	"sync"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// Drill keeps, as samples stream by, the per-track figures of the bots the
// page's drill-down lists: the MaxUsers first bots in summary.json's order
// (by shard, then natural user order). It holds no more than that many bots'
// tracks: a bot that sorts after MaxUsers bots already seen can never be
// listed, so it is dropped (and one that is pushed out is never needed
// again). Drill is a reports.Sink, safe for concurrent use.
type Drill struct {
	mu    sync.Mutex
	max   int
	per   int // Expect: samples expected per track (0: unknown)
	bots  map[reports.BotKey]map[trackKey]*tacc
	worst reports.BotKey // the kept bot that sorts last (when len(bots) == max)
}

// trackKey is one track of one bot.
type trackKey struct {
	dir          reports.Direction
	remote, kind string
}

// tacc is one track's figures over the run.
type tacc struct {
	n                                 int
	kbps, loss, jitter, rtt, fps, e2e []float64
	rtx                               float64
}

// newTacc is a track's figures with room for n samples of the figures a
// track like tr has.
func newTacc(n int, tr reports.TrackSample) *tacc {
	if n == 0 {
		return &tacc{}
	}
	f := func(has bool) []float64 {
		if !has {
			return nil
		}
		return make([]float64, 0, n)
	}
	rx := tr.Dir == reports.Rx
	return &tacc{kbps: f(true), loss: f(tr.LossPct != nil), jitter: f(rx || tr.JitterMs != nil), rtt: f(tr.RTTMs != nil),
		e2e: f(rx && tr.E2EMs != nil), fps: f(rx && tr.Kind == "video")}
}

// NewDrill returns an empty Drill for the page's MaxUsers bots.
func NewDrill() *Drill { return newDrill(MaxUsers) }

func newDrill(max int) *Drill {
	return &Drill{max: max, bots: map[reports.BotKey]map[trackKey]*tacc{}}
}

// Expect tells dr how many samples a track will have (about the run's
// seconds), so that each track's figures are allocated once at that size
// instead of growing. A wrong guess costs memory or growth, never a figure.
func (dr *Drill) Expect(samples int) {
	dr.mu.Lock()
	dr.per = max(0, samples)
	dr.mu.Unlock()
}

// DrillOf is the Drill of a loaded Dataset.
func DrillOf(d *reports.Dataset) *Drill {
	dr := NewDrill()
	d.Feed(dr)
	return dr
}

// WriteEvent does nothing: the drill-down's events come from the events
// the page is given.
func (dr *Drill) WriteEvent(reports.Event) {}

// WriteSample adds s's tracks if its bot may be listed.
func (dr *Drill) WriteSample(s reports.Sample) {
	if len(s.Tracks) == 0 {
		return
	}
	dr.mu.Lock()
	defer dr.mu.Unlock()
	k := reports.BotKey{Shard: s.Shard, User: s.User}
	tracks, ok := dr.bots[k]
	if !ok {
		if !dr.admit(k) {
			return
		}
		tracks = map[trackKey]*tacc{}
		dr.bots[k] = tracks
	}
	for _, tr := range s.Tracks {
		tk := trackKey{tr.Dir, tr.Remote, tr.Kind}
		t := tracks[tk]
		if t == nil {
			t = newTacc(dr.per, tr)
			tracks[tk] = t
		}
		t.n++
		t.kbps = append(t.kbps, tr.Kbps)
		t.rtx += tr.RetransmittedKbps
		for _, p := range []struct {
			v   *float64
			dst *[]float64
		}{{tr.LossPct, &t.loss}, {tr.JitterMs, &t.jitter}, {tr.RTTMs, &t.rtt}, {tr.E2EMs, &t.e2e}} {
			if p.v != nil {
				*p.dst = append(*p.dst, *p.v)
			}
		}
		if tr.Dir == reports.Rx && tr.Kind == "video" {
			t.fps = append(t.fps, tr.FPS)
		}
	}
}

// admit makes room for the new bot k if it sorts before the worst kept one.
func (dr *Drill) admit(k reports.BotKey) bool {
	if len(dr.bots) < dr.max {
		if len(dr.bots) == 0 || summary.CompareBots(k, dr.worst) > 0 {
			dr.worst = k
		}
		return true
	}
	if summary.CompareBots(k, dr.worst) >= 0 {
		return false
	}
	delete(dr.bots, dr.worst)
	dr.bots[k] = nil // counted while the new worst is found
	first := true
	for b := range dr.bots {
		if first || summary.CompareBots(b, dr.worst) > 0 {
			dr.worst, first = b, false
		}
	}
	return true
}

// tracksOf returns the kept tracks of bot k (nil when it was not kept).
func (dr *Drill) tracksOf(k reports.BotKey) map[trackKey]*tacc {
	dr.mu.Lock()
	defer dr.mu.Unlock()
	return dr.bots[k]
}

var _ reports.Sink = (*Drill)(nil)
