package reports

import (
	"math"
	"sort"
	"sync"
	"time"
)

// Columns is a run's lines kept for the reports without keeping a Sample:
// every Event, and per sample only its time, bot and the figures the HTML
// report's series and the assertions read, as columns (about 120 bytes per
// sample for rooms of six, against some 4 KB for a decoded Sample with its
// tracks). Values are exact (float64 as decoded): percentiles over them are
// the same as over the loaded Dataset. Columns is a Sink, safe for
// concurrent use; read it once the lines are all in.
type Columns struct {
	mu     sync.Mutex
	events []Event
	sorted bool // events are in time order (stable)

	bots   []BotKey
	botIdx map[BotKey]int32

	// Per sample, in arrival order.
	T                                          []int64 // UnixNano
	Bot                                        []int32 // index into Bots()
	Tx, Rx, Loss, Jitter, RTT, E2E, MOS, Video []float64
	// LossMeasured is true where something was expected (RxPackets > 0 or
	// RxLost > 0): the samples whose Loss counts as a loss figure.
	LossMeasured []bool
	// Freezes (started in the interval) and FreezeMs, as float64.
	Freezes, FreezeMs []float64
	// fpsEnd[i] ends sample i's frame rates in fps (from fpsEnd[i-1]):
	// one per received video track, or the bot's FPS for a sample
	// without track figures (and FPS > 0).
	fpsEnd []int32
	fps    []float64

	first, last time.Time
}

// BotKey names one bot of a (possibly merged) run.
type BotKey struct{ Shard, User string }

// Absent is the value of an optional figure a sample did not measure.
var Absent = math.NaN()

// NewColumns returns empty Columns.
func NewColumns() *Columns { return &Columns{botIdx: map[BotKey]int32{}, sorted: true} }

// WriteEvent keeps e.
func (c *Columns) WriteEvent(e Event) {
	c.mu.Lock()
	if n := len(c.events); n > 0 && e.Time.Before(c.events[n-1].Time) {
		c.sorted = false
	}
	c.events = append(c.events, e)
	c.see(e.Time)
	c.mu.Unlock()
}

// WriteSample adds s's figures; s is not retained.
func (c *Columns) WriteSample(s Sample) { c.Append(s) }

// Append adds s's figures and returns its index.
func (c *Columns) Append(s Sample) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := BotKey{s.Shard, s.User}
	b, ok := c.botIdx[k]
	if !ok {
		b = int32(len(c.bots))
		c.bots = append(c.bots, k)
		c.botIdx[k] = b
	}
	c.T = append(c.T, s.Time.UnixNano())
	c.Bot = append(c.Bot, b)
	c.Tx = append(c.Tx, s.TxKbps)
	c.Rx = append(c.Rx, s.RxKbps)
	c.Loss = append(c.Loss, s.RxLossPct)
	c.LossMeasured = append(c.LossMeasured, s.RxPackets > 0 || s.RxLost > 0)
	c.Jitter = append(c.Jitter, opt(s.JitterMs))
	c.RTT = append(c.RTT, opt(s.RTTMs))
	c.E2E = append(c.E2E, opt(s.E2EMs))
	c.MOS = append(c.MOS, opt(s.MOS))
	c.Video = append(c.Video, opt(s.VideoScore))
	c.Freezes = append(c.Freezes, float64(s.Freezes))
	c.FreezeMs = append(c.FreezeMs, s.FreezeMs)
	if len(s.Tracks) == 0 {
		if s.FPS > 0 {
			c.fps = append(c.fps, s.FPS)
		}
	}
	for _, tr := range s.Tracks {
		if tr.Dir == Rx && tr.Kind == "video" {
			c.fps = append(c.fps, tr.FPS)
		}
	}
	c.fpsEnd = append(c.fpsEnd, int32(len(c.fps)))
	c.see(s.Time)
	return len(c.T) - 1
}

func opt(p *float64) float64 {
	if p == nil {
		return Absent
	}
	return *p
}

func (c *Columns) see(t time.Time) {
	if c.first.IsZero() || t.Before(c.first) {
		c.first = t
	}
	if t.After(c.last) {
		c.last = t
	}
}

// Len is the number of samples.
func (c *Columns) Len() int { return len(c.T) }

// Time of sample i.
func (c *Columns) Time(i int) time.Time { return time.Unix(0, c.T[i]).UTC() }

// BotOf is sample i's bot.
func (c *Columns) BotOf(i int) BotKey { return c.bots[c.Bot[i]] }

// FPS is sample i's frame rates: one per received video track (the bot's
// FPS when the sample has no track figures). Do not modify it.
func (c *Columns) FPS(i int) []float64 {
	from := int32(0)
	if i > 0 {
		from = c.fpsEnd[i-1]
	}
	return c.fps[from:c.fpsEnd[i]]
}

// Events returns every event in time order (stable: equal times keep
// their arrival order), as Load sorts them. Do not modify the slice.
func (c *Columns) Events() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.sorted {
		sort.SliceStable(c.events, func(i, j int) bool { return c.events[i].Time.Before(c.events[j].Time) })
		c.sorted = true
	}
	return c.events
}

// Span is the time of the first and the last line (zero times when there
// is none).
func (c *Columns) Span() (first, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first, c.last
}

// ColumnsOf returns the Columns of a loaded Dataset.
func ColumnsOf(d *Dataset) *Columns {
	c := NewColumns()
	d.Feed(c)
	return c
}

// Tee is a Sink that hands every line to each of its sinks in turn.
type Tee []Sink

// WriteEvent hands e to every sink.
func (t Tee) WriteEvent(e Event) {
	for _, s := range t {
		s.WriteEvent(e)
	}
}

// WriteSample hands s to every sink.
func (t Tee) WriteSample(s Sample) {
	for _, k := range t {
		k.WriteSample(s)
	}
}

var (
	_ Sink = (*Columns)(nil)
	_ Sink = Tee(nil)
)
