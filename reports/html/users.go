package html

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// MaxUserEvents bounds the events listed in one bot's drill-down; the
// rest are in events.jsonl.
const MaxUserEvents = 80

// userDetail is one bot's drill-down: what it sent and received, track by
// track, and what happened to it, in order. It answers "what happened to
// user X" without reading events.jsonl.
type userDetail struct {
	summary.User
	Anchor   string // the id of its <details>
	Tx, Rx   []trackRow
	Events   []userEvent
	EventsN  int    // all of its events (Events may be capped)
	Headline string // entered / failed / left, errors, freezes, in words
}

// trackRow is one track of a bot over the run.
type trackRow struct {
	Remote, Kind string
	Samples      int
	Kbps         summary.Dist
	LossPct      summary.Dist // path loss
	RtxKbps      float64      // tx: mean retransmitted kbit/s
	JitterMs     summary.Dist
	RTTMs        summary.Dist
	FPS          summary.Dist
	E2EMs        summary.Dist
	Freezes      int // freeze_start events of this remote's track
}

// userEvent is one line of a bot's event list.
type userEvent struct {
	At, Kind, Event, Remote, Code, Message string
	Err                                    bool
}

// userAnchor is the HTML id of a bot's drill-down.
func userAnchor(shard, user string) string {
	if shard != "" {
		return "user-" + shard + "-" + user
	}
	return "user-" + user
}

// userDetails builds the drill-down of every listed bot from d's events
// and the tracks dr kept.
func userDetails(d *reports.Dataset, dr *Drill, a axis, users []summary.User) []userDetail {
	type key struct{ shard, user string }
	idx := map[key]int{}
	out := make([]userDetail, len(users))
	for i, u := range users {
		idx[key{u.Shard, u.User}] = i
		out[i] = userDetail{User: u, Anchor: userAnchor(u.Shard, u.User)}
	}
	type tkey struct {
		i            int
		dir          reports.Direction
		remote, kind string
	}
	tracks := map[tkey]*tacc{}
	var order []tkey
	for i, u := range users {
		for k, t := range dr.tracksOf(reports.BotKey{Shard: u.Shard, User: u.User}) {
			tk := tkey{i, k.dir, k.remote, k.kind}
			tracks[tk] = t
			order = append(order, tk)
		}
	}
	freezes := map[tkey]int{}
	for _, e := range d.Events {
		i, ok := idx[key{e.Shard, e.User}]
		if !ok {
			continue
		}
		if summary.IsFreeze(e) {
			freezes[tkey{i, reports.Rx, e.Remote, e.Track}]++
		}
		if e.Kind == reports.KindHealth {
			continue
		}
		u := &out[i]
		u.EventsN++
		if len(u.Events) < MaxUserEvents {
			ue := userEvent{At: fmtClock(a.sec(e.Time)), Kind: string(e.Kind), Event: e.Event, Message: e.Message, Err: summary.IsError(e)}
			if e.Remote != "" {
				ue.Remote = e.Remote + " " + e.Track
			}
			if e.Code != 0 {
				ue.Code = codeLabel(e.Code)
			}
			if e.Event == reports.EvFreezeEnd {
				ue.Message = strings.TrimSpace(ue.Message + " " + num(e.Value) + " ms")
			}
			u.Events = append(u.Events, ue)
		}
	}
	slices.SortStableFunc(order, func(p, q tkey) int {
		return cmp.Or(cmp.Compare(p.i, q.i), cmp.Compare(p.dir, q.dir), compareText(p.remote, q.remote), cmp.Compare(p.kind, q.kind))
	})
	for _, k := range order {
		t := tracks[k]
		row := trackRow{Remote: k.remote, Kind: k.kind, Samples: t.n, Kbps: summary.NewDist(t.kbps), LossPct: summary.NewDist(t.loss),
			RtxKbps: t.rtx / float64(t.n), JitterMs: summary.NewDist(t.jitter), RTTMs: summary.NewDist(t.rtt),
			FPS: summary.NewDist(t.fps), E2EMs: summary.NewDist(t.e2e), Freezes: freezes[k]}
		if k.dir == reports.Tx {
			out[k.i].Tx = append(out[k.i].Tx, row)
		} else {
			out[k.i].Rx = append(out[k.i].Rx, row)
		}
	}
	for i := range out {
		out[i].Headline = headline(out[i].User)
	}
	return out
}

func compareText(a, b string) int { return strings.Compare(a, b) }

// headline says in words how a bot's run went.
func headline(u summary.User) string {
	var parts []string
	j := u.Joins
	switch {
	case j.Entered > 0:
		parts = append(parts, fmt.Sprintf("entered %d× (join %s ms)", j.Entered, num(j.JoinMs.Max)))
	case j.Failed > 0:
		parts = append(parts, "never entered")
	}
	if j.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed enter(s)", j.Failed))
	}
	if u.Errors > 0 {
		parts = append(parts, fmt.Sprintf("%d error(s)", u.Errors))
	}
	if n := u.Stats.FreezeN; n > 0 {
		parts = append(parts, fmt.Sprintf("%d freeze(s)", n))
	}
	if r := u.Stats.RTTMs; r.N > 0 {
		parts = append(parts, fmt.Sprintf("RTT p95 %s ms", num(r.P95)))
	}
	if l := u.Stats.LossPct; l.N > 0 && l.P95 > 0 {
		parts = append(parts, fmt.Sprintf("loss p95 %s %%", num(l.P95)))
	}
	return strings.Join(parts, "; ")
}
