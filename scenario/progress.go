package scenario

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// tally is the runner's sink: it passes everything on and keeps the
// figures of the live progress display. Its methods are safe for
// concurrent use and do O(1) work under one short lock.
type tally struct {
	inner  reports.Sink
	target int

	mu      sync.Mutex
	room    map[string]string // joined user → room
	rooms   map[string]int    // room → joined users
	errs    map[string]int    // "code" or event name → count
	rx, tx  map[string]float64
	entered int
}

func newTally(inner reports.Sink, target int) *tally {
	return &tally{inner: inner, target: target, room: map[string]string{}, rooms: map[string]int{},
		errs: map[string]int{}, rx: map[string]float64{}, tx: map[string]float64{}}
}

func (t *tally) WriteEvent(e reports.Event) {
	t.mu.Lock()
	switch e.Event {
	case reports.EvEntered:
		if _, in := t.room[e.User]; !in && e.User != "" {
			t.room[e.User] = e.Room
			t.rooms[e.Room]++
			t.entered++
		}
	case reports.EvLeft, reports.EvKicked:
		t.out(e.User)
	}
	if e.Kind != reports.KindAction && summary.IsError(e) {
		k := e.Event
		if e.Code != 0 {
			k = fmt.Sprint(e.Code)
		}
		t.errs[k]++
	}
	t.mu.Unlock()
	t.inner.WriteEvent(e)
}

// out removes a user from the room counts; t.mu is held.
func (t *tally) out(user string) {
	if r, in := t.room[user]; in {
		delete(t.room, user)
		if t.rooms[r]--; t.rooms[r] <= 0 {
			delete(t.rooms, r)
		}
	}
	delete(t.rx, user)
	delete(t.tx, user)
}

func (t *tally) WriteSample(s reports.Sample) {
	t.mu.Lock()
	if _, in := t.room[s.User]; in {
		t.rx[s.User], t.tx[s.User] = s.RxKbps, s.TxKbps
	}
	t.mu.Unlock()
	t.inner.WriteSample(s)
}

var _ reports.Sink = (*tally)(nil)

type snapshot struct {
	joined, target, rooms, entered int
	rxKbps, txKbps                 float64
	errs                           string
	errCount                       int
}

func (t *tally) snapshot() snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := snapshot{joined: len(t.room), target: t.target, rooms: len(t.rooms), entered: t.entered}
	for _, v := range t.rx {
		s.rxKbps += v
	}
	for _, v := range t.tx {
		s.txKbps += v
	}
	var keys []string
	for k, n := range t.errs {
		keys = append(keys, fmt.Sprintf("%s×%d", k, n))
		s.errCount += n
	}
	sort.Strings(keys)
	s.errs = strings.Join(keys, " ")
	return s
}

func mbps(kbps float64) string {
	if kbps >= 1000 {
		return fmt.Sprintf("%.1f Mbps", kbps/1000)
	}
	return fmt.Sprintf("%.0f kbps", kbps)
}

func (s snapshot) line(elapsed time.Duration, h healthLine) string {
	errs := "none"
	if s.errs != "" {
		errs = s.errs
	}
	return fmt.Sprintf("%6.1fs  joined %d/%d  rooms %d  in %s  out %s  errors %s  cpu %.0f%%  lag p99 %.1fms",
		elapsed.Seconds(), s.joined, s.target, s.rooms, mbps(s.rxKbps), mbps(s.txKbps), errs, h.cpu, h.lagP99)
}

// showProgress redraws one line each second on a terminal, or writes a
// plain line every progressEvery otherwise, until ctx ends.
func (r *Runner) showProgress(ctx context.Context, start time.Time, t *tally, h *health) {
	every := r.progressEvery
	if r.tty {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		line := t.snapshot().line(r.now().Sub(start), h.line())
		if r.tty {
			fmt.Fprintf(r.progress, "\r\033[K%s", line)
		} else {
			fmt.Fprintln(r.progress, line)
		}
	}
}

func (r *Runner) finalProgress(res *Result, t *tally) {
	if r.tty {
		fmt.Fprint(r.progress, "\r\033[K")
	}
	s := t.snapshot()
	state := "finished"
	if res.Interrupted {
		state = "interrupted"
	}
	fmt.Fprintf(r.progress, "run %s after %.1fs: %d joins of %d users, %d actions (%d failed, %d skipped), errors %d\n",
		state, res.Ended.Sub(res.Started).Seconds(), s.entered, s.target, res.Actions, res.Failed, res.Skipped, s.errCount)
	for _, n := range res.Health.Notes {
		fmt.Fprintf(r.progress, "generator: %s\n", n)
	}
}
