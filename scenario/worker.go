package scenario

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/roombot/roombot/reports"
)

// worker carries out one bot's actions in plan order, so that a slow
// join delays only that bot's own later actions. The scheduler enqueues
// without blocking; the queue is unbounded but holds at most the bot's
// planned actions.
type worker struct {
	u  *User // nil for the run-level worker (marks, faults)
	rs *runState

	mu      sync.Mutex
	q       []job
	closed  bool
	running bool // the goroutine was spawned (on the first job)
	wake    chan struct{}
	spawn   func(*worker)

	p Participant // owned by the worker goroutine
}

type job struct {
	a                *Action
	scheduled, fired time.Time
}

// doner is the optional ability of a Participant to say it left the room
// by itself (kicked, dropped): bot.Bot has it.
type doner interface{ Done() <-chan struct{} }

// newWorker makes a worker whose goroutine spawn starts on its first job,
// so that users with nothing to do cost no goroutine.
func newWorker(u *User, rs *runState, spawn func(*worker)) *worker {
	return &worker{u: u, rs: rs, wake: make(chan struct{}, 1), spawn: spawn}
}

func (w *worker) enqueue(j job) {
	w.mu.Lock()
	if !w.closed {
		w.q = append(w.q, j)
		if !w.running {
			w.running = true
			w.spawn(w)
		}
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// close drops the actions not yet started and makes the worker leave.
func (w *worker) close() {
	w.mu.Lock()
	w.closed = true
	w.q = nil
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run is the worker goroutine; it returns after the participant left.
func (w *worker) run() {
	for {
		<-w.wake
		for {
			w.mu.Lock()
			if w.closed {
				w.mu.Unlock()
				w.leave()
				return
			}
			if len(w.q) == 0 {
				w.mu.Unlock()
				break
			}
			j := w.q[0]
			w.q = w.q[1:]
			w.mu.Unlock()
			w.exec(j)
		}
	}
}

// joined reports whether the participant is in the room.
func (w *worker) joined() bool {
	if w.p == nil {
		return false
	}
	if d, ok := w.p.(doner); ok {
		select {
		case <-d.Done():
			return false
		default:
		}
	}
	return true
}

func (w *worker) leave() {
	if w.p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(w.rs.hard, w.rs.leaveTimeout)
	defer cancel()
	if err := w.p.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
		w.rs.event(reports.Event{User: w.u.ID, Room: w.u.Room.Name(), Kind: reports.KindAction, Event: "stop",
			Tag: "error", Message: "leaving at the end of the run: " + err.Error()})
	}
	w.p = nil
}

// errSkipped marks an action that did not apply (not in the room, …).
type errSkipped struct{ why string }

func (e errSkipped) Error() string { return e.why }

func (w *worker) exec(j job) {
	rs, a := w.rs, j.a
	began := rs.now()
	timeout := rs.actionTimeout
	if a.Name == "start" {
		timeout = rs.startTimeout
	}
	ctx, cancel := context.WithTimeout(rs.hard, timeout)
	defer cancel()
	err := w.do(ctx, a)
	e := reports.Event{Time: began, Kind: reports.KindAction, Event: a.Name, Value: ms(j.fired.Sub(j.scheduled))}
	if w.u != nil {
		e.User, e.Room = w.u.ID, w.u.Room.Name()
	}
	if a.Fault != nil {
		e.Message = a.Fault.Name
	}
	if a.Network != nil {
		e.Message = a.Network.String()
		if a.For > 0 {
			e.Message += " for " + a.For.String()
		}
	}
	var skip errSkipped
	switch {
	case errors.As(err, &skip):
		e.Tag, e.Message = "skipped", skip.why
		rs.skipped.Add(1)
	case err != nil:
		e.Tag, e.Message = "error", err.Error()
		rs.failed.Add(1)
	}
	if wait := began.Sub(j.fired); wait > 10*time.Millisecond && e.Message == "" {
		e.Message = fmt.Sprintf("waited %s behind this bot's previous action", wait.Round(time.Millisecond))
	}
	rs.event(e)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// do carries out one action.
func (w *worker) do(ctx context.Context, a *Action) error {
	rs := w.rs
	if a.Name == "fault" {
		if rs.faults == nil {
			return errors.New("no admin API to inject the fault (set target.admin_url)")
		}
		return rs.faults.Inject(ctx, *a.Fault)
	}
	if a.Name == "start" {
		if w.joined() {
			return errSkipped{"already in the room"}
		}
		if w.p != nil { // left by itself (kicked, dropped): release it
			_ = w.p.Stop(ctx)
			w.p = nil
		}
		p, err := rs.factory(w.u, rs.sink)
		if err != nil {
			return fmt.Errorf("make participant: %w", err)
		}
		if err := p.Start(ctx); err != nil {
			// release what the failed join holds, even after a timeout
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rs.leaveTimeout)
			_ = p.Stop(stopCtx)
			cancel()
			return err
		}
		w.p = p
		return nil
	}
	if !w.joined() {
		return errSkipped{"not in the room"}
	}
	p := w.p
	switch a.Name {
	case "stop":
		w.p = nil
		return p.Stop(ctx)
	case "mute", "unmute":
		return p.SetMuted(ctx, a.Name == "mute")
	case "camera_on", "camera_off":
		return p.EnableCamera(ctx, a.Name == "camera_on")
	case "switch_camera":
		return p.SwitchCamera(ctx)
	case "pause":
		return p.Pause(ctx)
	case "resume":
		return p.Resume(ctx)
	case "set_beauty":
		return p.SetBeauty(a.Level)
	case "set_view":
		vs, ok := p.(ViewSetter)
		if !ok {
			return errors.New("this participant's video view cannot change")
		}
		return vs.SetVideoView(ctx, a.View)
	case "network":
		ns, ok := p.(NetworkSetter)
		if !ok {
			return errors.New("this participant's network cannot change")
		}
		return ns.SetNetwork(a.Network, a.For)
	case "block_audio", "unblock_audio", "block_video", "unblock_video":
		on := a.Name[:2] == "un"
		var errs []error
		for _, r := range a.Remote {
			var err error
			if a.Name[len(a.Name)-5:] == "audio" {
				err = p.EnableRemoteAudio(ctx, r, on)
			} else {
				err = p.EnableRemoteVideo(ctx, r, on)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", r, err))
			}
		}
		return errors.Join(errs...)
	case "send_im":
		switch {
		case a.Custom != nil:
			return p.SendGroupCustom(ctx, a.Custom.Data, a.Custom.Desc, a.Custom.Ext)
		case a.To != "":
			return p.SendC2CText(ctx, a.To, a.Text)
		default:
			return p.SendGroupText(ctx, a.Text)
		}
	}
	return fmt.Errorf("unknown action %q", a.Name)
}
