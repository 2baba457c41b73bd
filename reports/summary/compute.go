package summary

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
)

// joinAcc accumulates join figures.
type joinAcc struct {
	entered, failed int
	joinMs, ttffMs  values
}

func (a *joinAcc) event(e reports.Event) {
	switch e.Event {
	case reports.EvEntered:
		a.entered++
		a.joinMs.add(e.Value)
	case reports.EvEnterFailed:
		a.failed++
	case reports.EvFirstFrame:
		a.ttffMs.add(e.Value)
	}
}

func (a *joinAcc) result() Joins {
	j := Joins{Attempts: a.entered + a.failed, Entered: a.entered, Failed: a.failed,
		JoinMs: NewDist(a.joinMs), TTFFMs: NewDist(a.ttffMs)}
	if j.Attempts > 0 {
		r := float64(j.Entered) / float64(j.Attempts)
		j.Rate = &r
	}
	return j
}

// statsAcc accumulates sample figures: counters, and which samples of the
// Acc's Columns are its (their values are read from there when a Dist is
// computed), and the figures of freeze events.
type statsAcc struct {
	n                                                int
	idx                                              index // samples in the Columns
	freezeDur                                        values
	freezeN, freezeEnds                              int // freeze_start and freeze_end events
	txPk, rxPk, lost, nacks, plis, firs, undecodable int64
	expected, repaired, txRtx                        int64
}

// index lists samples by their index in a reports.Columns.
type index []int32

func (a *statsAcc) sample(i int32, s reports.Sample) {
	a.n++
	a.idx = append(a.idx, i)
	a.txPk += int64(s.TxPackets)
	a.rxPk += int64(s.RxPackets)
	a.lost += s.RxLost
	a.expected += int64(s.RxExpected)
	a.repaired += int64(s.RxRepaired)
	a.txRtx += int64(s.TxRetransmittedPackets)
	a.nacks += int64(s.NACKs)
	a.plis += int64(s.PLIs)
	a.undecodable += int64(s.Undecodable)
	a.firs += int64(s.FIRs)
}

// sampleFigure reads one figure of sample i from the Columns: add is called
// for each value it measured.
type sampleFigure func(c *reports.Columns, i int32, add func(float64))

func col(get func(*reports.Columns) []float64) sampleFigure {
	return func(c *reports.Columns, i int32, add func(float64)) { add(get(c)[i]) }
}

// The sample figures of Stats. Loss is a figure only where something was
// expected: a sample with nothing received and nothing lost would dilute it
// with zeros. Frame rate is per received video track, as assertions measure
// it (a bot's FPS sums its tracks, which depends on the room's size); a
// sample written without track figures keeps its bot-level figure. An
// optional figure not measured is reports.Absent (NaN), which NewDist drops.
var (
	figTx   = col(func(c *reports.Columns) []float64 { return c.Tx })
	figRx   = col(func(c *reports.Columns) []float64 { return c.Rx })
	figLoss = sampleFigure(func(c *reports.Columns, i int32, add func(float64)) {
		if c.LossMeasured[i] {
			add(c.Loss[i])
		}
	})
	figJitter   = col(func(c *reports.Columns) []float64 { return c.Jitter })
	figRTT      = col(func(c *reports.Columns) []float64 { return c.RTT })
	figE2E      = col(func(c *reports.Columns) []float64 { return c.E2E })
	figMOS      = col(func(c *reports.Columns) []float64 { return c.MOS })
	figVideo    = col(func(c *reports.Columns) []float64 { return c.Video })
	figFreezes  = col(func(c *reports.Columns) []float64 { return c.Freezes })
	figFreezeMs = col(func(c *reports.Columns) []float64 { return c.FreezeMs })
	figFPS      = sampleFigure(func(c *reports.Columns, i int32, add func(float64)) {
		for _, v := range c.FPS(int(i)) {
			add(v)
		}
	})
)

// values of figure f over a's samples, newly allocated; absent ones (NaN)
// are left out.
func (a *statsAcc) values(c *reports.Columns, f sampleFigure) values {
	v := make(values, 0, len(a.idx))
	add := func(x float64) {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	for _, i := range a.idx {
		f(c, i, add)
	}
	return v
}

// dist is the Dist of figure f over a's samples.
func (a *statsAcc) dist(c *reports.Columns, f sampleFigure) Dist { return newDistOwned(a.values(c, f)) }

func (a *statsAcc) event(e reports.Event) {
	if IsFreeze(e) {
		a.freezeN++
	}
	if e.Event == reports.EvFreezeEnd {
		a.freezeDur.add(e.Value)
		a.freezeEnds++
	}
}

func (a *statsAcc) result(c *reports.Columns) Stats {
	s := Stats{Samples: a.n, TxKbps: a.dist(c, figTx), RxKbps: a.dist(c, figRx), LossPct: a.dist(c, figLoss),
		JitterMs: a.dist(c, figJitter), RTTMs: a.dist(c, figRTT), FPS: a.dist(c, figFPS), E2EMs: a.dist(c, figE2E), MOS: a.dist(c, figMOS), VideoScore: a.dist(c, figVideo),
		Freezes: a.dist(c, figFreezes), FreezeMs: a.dist(c, figFreezeMs), FreezeDur: NewDist(a.freezeDur), FreezeN: a.freezeN,
		FreezesUnended: max(a.freezeN-a.freezeEnds, 0),
		TxPackets:      a.txPk, RxPackets: a.rxPk, RxLost: a.lost, NACKs: a.nacks, PLIs: a.plis, FIRs: a.firs, Undecodable: a.undecodable,
		RxExpected: a.expected, RxRepaired: a.repaired, TxRetransmitted: a.txRtx}
	// Received packets include retransmissions: only the expected count
	// (from sequence numbers) is the loss's denominator.
	if a.expected > 0 && a.lost >= 0 {
		r := 100 * float64(a.lost) / float64(a.expected)
		s.RxLossRate = &r
	}
	return s
}

// group is the figures of the run, one room or one user.
type group struct {
	joins  joinAcc
	stats  statsAcc    // from events (freezes)
	parts  []*statsAcc // the samples' figures of its bots' parts (Acc)
	errors int
	users  map[string]bool
	shard  string
	user   string
	room   string
}

func newGroup() *group { return &group{users: map[string]bool{}} }

// merged is g's events' and parts' figures together, in a new statsAcc.
func (g *group) merged() *statsAcc {
	m := &statsAcc{}
	m.merge(&g.stats)
	for _, p := range g.parts {
		m.merge(p)
	}
	return m
}

// statsOf computes the Stats of every group, on every core: each merges its
// own copy of its parts' figures (garbage afterwards) and only reads c.
func statsOf(c *reports.Columns, groups []*group) map[*group]Stats {
	res := make([]Stats, len(groups))
	reports.ParallelFor(len(groups), func(i int) { res[i] = groups[i].merged().result(c) })
	out := make(map[*group]Stats, len(groups))
	for i, g := range groups {
		out[g] = res[i]
	}
	return out
}

func (g *group) event(e reports.Event) {
	g.joins.event(e)
	g.stats.event(e)
	if IsError(e) {
		g.errors++
	}
}

// userKey tells bots of different shards apart: two machines may both run "u1".
func userKey(shard, user string) string { return shard + "\x00" + user }

// Compute summarizes d. It never fails: what cannot be computed is zero,
// null or said in Notes. It is Acc fed d's samples; for a run too large to
// load, feed an Acc from reports.Read instead.
func Compute(d *reports.Dataset) *Summary {
	a := NewAcc()
	for _, s := range d.Samples {
		a.WriteSample(s)
	}
	return compute(d, a) // d.Events, as given
}

// compute summarizes d's Info, Notes and Events (in time order) with the
// samples aggregated in a; d.Samples is not read.
func compute(d *reports.Dataset, a *Acc) *Summary {
	run, rooms, users := newGroup(), map[string]*group{}, map[string]*group{}
	at := func(m map[string]*group, k string) *group {
		g, ok := m[k]
		if !ok {
			g = newGroup()
			m[k] = g
		}
		return g
	}
	groupOf := groupsOf(d)
	groups := map[string]*group{}
	inGroup := func(shard, user string) *group {
		if g, ok := groupOf[userKey(shard, user)]; ok {
			return at(groups, g)
		}
		return nil
	}
	codeN, nameN := map[int]int{}, map[NameCount]int{}
	var w WriterSummary
	var overloads []string
	for _, e := range d.Events {
		run.event(e)
		if e.Code != 0 {
			codeN[e.Code]++
		}
		nameN[NameCount{Kind: e.Kind, Event: e.Event}]++
		if e.Room != "" {
			r := at(rooms, e.Room)
			r.event(e)
			if e.User != "" {
				r.users[userKey(e.Shard, e.User)] = true
			}
		}
		if e.User != "" {
			u := at(users, userKey(e.Shard, e.User))
			u.event(e)
			u.shard, u.user = e.Shard, e.User
			if e.Room != "" {
				u.room = e.Room
			}
			run.users[userKey(e.Shard, e.User)] = true
			if g := inGroup(e.Shard, e.User); g != nil {
				g.event(e)
				g.users[userKey(e.Shard, e.User)] = true
			}
		}
		switch e.Event {
		case reports.EvDropped:
			w.Dropped += int(e.Value)
			w.Reasons = append(w.Reasons, prefix(e.Shard, e.Message))
		case reports.EvOverload:
			overloads = append(overloads, prefix(e.Shard, e.Message))
		}
	}
	a.mergeInto(run, func(k partKey) (user, room, grp *group) {
		uk := userKey(k.shard, k.user)
		u := at(users, uk)
		u.shard, u.user = k.shard, k.user
		if k.room != "" {
			room = at(rooms, k.room)
		}
		return u, room, inGroup(k.shard, k.user)
	})
	for uk, r := range a.lastRoom { // the room of the user's last sample with one, over its events'
		users[uk].room = r.room
	}

	var all []*group
	for _, m := range []map[string]*group{rooms, groups, users} {
		for _, g := range m {
			all = append(all, g)
		}
	}
	stats := statsOf(a.cols, append(all, run))
	sum := &Summary{Run: runOf(d, a), Joins: run.joins.result(), Stats: stats[run], Writer: w}
	impossible := run.merged().impossible(a.cols)
	sum.Run.Users, sum.Run.Rooms = len(run.users), len(rooms)
	sum.Events = Events{Total: len(d.Events), Errors: run.errors}
	for c, n := range codeN {
		sum.Events.ByCode = append(sum.Events.ByCode, CodeCount{Code: c, Text: codes.Text(c), Count: n, Error: c < 0})
	}
	slices.SortFunc(sum.Events.ByCode, func(a, b CodeCount) int { return cmp.Compare(a.Code, b.Code) })
	for k, n := range nameN {
		k.Count = n
		sum.Events.ByName = append(sum.Events.ByName, k)
	}
	slices.SortFunc(sum.Events.ByName, func(a, b NameCount) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Event, b.Event))
	})
	for name, g := range rooms {
		sum.Rooms = append(sum.Rooms, Room{Room: name, Users: len(g.users), Joins: g.joins.result(), Errors: g.errors, Stats: stats[g]})
	}
	slices.SortFunc(sum.Rooms, func(a, b Room) int { return compareNatural(a.Room, b.Room) })
	for name, g := range groups {
		sum.Groups = append(sum.Groups, Group{Group: name, Users: len(g.users), Joins: g.joins.result(), Errors: g.errors, Stats: stats[g]})
	}
	slices.SortFunc(sum.Groups, func(a, b Group) int { return compareNatural(a.Group, b.Group) })
	for k, g := range users {
		sum.Users = append(sum.Users, User{Shard: g.shard, User: g.user, Room: g.room, Group: groupOf[k],
			Joins: g.joins.result(), Errors: g.errors, Stats: stats[g]})
	}
	slices.SortFunc(sum.Users, func(a, b User) int {
		return cmp.Or(cmp.Compare(a.Shard, b.Shard), compareNatural(a.User, b.User))
	})
	sum.Checks = checksOf(d)
	sum.Health = healthOf(d, w, overloads)
	sum.Health.OverloadedShards = overloadedShards(sum.Health)
	sum.Notes = append(sum.Notes, shardNotes(d.Info.Shards)...)
	sum.Notes = append(sum.Notes, d.Notes...)
	sum.Notes = append(sum.Notes, impossible...)
	if a.samples == 0 {
		sum.Notes = append(sum.Notes, "no stats samples were recorded: bitrate, loss, jitter, RTT, fps and e2e are unknown")
	}
	return sum
}

// groupsOf maps each bot (userKey) to its scenario group, from run.json's
// groups and each merged shard's.
func groupsOf(d *reports.Dataset) map[string]string {
	out := map[string]string{}
	add := func(shard string, groups map[string][]string) {
		for g, users := range groups {
			for _, u := range users {
				out[userKey(shard, u)] = g
			}
		}
	}
	add(d.Info.Shard, d.Info.Groups)
	for _, sh := range d.Info.Shards {
		add(sh.Shard, sh.Groups)
	}
	return out
}

func prefix(shard, s string) string {
	if shard == "" {
		return s
	}
	return shard + ": " + s
}

// runOf fills the run's identity, taking times from the lines when run.json
// has none (a killed run).
func runOf(d *reports.Dataset, a *Acc) Run {
	i := d.Info
	r := Run{Name: i.Name, Scenario: i.Scenario, Target: i.Target, Seed: i.Seed, Started: i.Started, Ended: i.Ended,
		Interrupted: i.Interrupted, Error: i.Error, EventLines: len(d.Events), StatsLines: a.samples}
	for _, s := range i.Shards {
		r.Shards = append(r.Shards, s.Shard)
	}
	first, last := Span(&reports.Dataset{Events: d.Events})
	first, last = a.span.widen(first, last)
	if r.Started.IsZero() {
		r.Started = first
	}
	if r.Ended.IsZero() {
		r.Ended = last
	}
	if !r.Started.IsZero() && r.Ended.After(r.Started) {
		r.DurationS = r.Ended.Sub(r.Started).Seconds()
	}
	return r
}

// AllShards labels the checks of a merged run evaluated over every shard's
// lines together (roombot report --scenario on a merged directory).
const AllShards = "all shards"

func checksOf(d *reports.Dataset) Checks {
	c := Checks{List: []CheckResult{}}
	runs := d.Runs()
	if len(d.Info.Shards) > 0 && len(d.Info.Checks) > 0 {
		runs = append([]reports.RunInfo{{Shard: AllShards, Checks: d.Info.Checks}}, runs...)
	}
	for _, run := range runs {
		for _, ch := range run.Checks {
			c.List = append(c.List, CheckResult{Shard: run.Shard, Check: ch})
			c.Total++
			if ch.Passed {
				c.Passed++
			} else {
				c.Failed++
			}
		}
	}
	return c
}

// healthOf combines the shards' health (worst of each) and adds the
// writer's drops and overload events to the notes.
func healthOf(d *reports.Dataset, w WriterSummary, overloads []string) Health {
	h := Health{Health: d.Info.Health}
	if len(d.Info.Shards) > 0 {
		h.Health = reports.Health{}
		for _, s := range d.Info.Shards {
			sh := s.Health
			h.Shards = append(h.Shards, ShardHealth{Shard: s.Shard, Health: sh})
			h.CPUPctAvg = max(h.CPUPctAvg, sh.CPUPctAvg)
			h.CPUPctMax = max(h.CPUPctMax, sh.CPUPctMax)
			h.Cores += sh.Cores
			h.MediaLagP99Ms = max(h.MediaLagP99Ms, sh.MediaLagP99Ms)
			h.MediaLagMaxMs = max(h.MediaLagMaxMs, sh.MediaLagMaxMs)
			h.ActionLagP99Ms = max(h.ActionLagP99Ms, sh.ActionLagP99Ms)
			h.ActionLagMaxMs = max(h.ActionLagMaxMs, sh.ActionLagMaxMs)
			h.MaxRSSMB = max(h.MaxRSSMB, sh.MaxRSSMB)
			h.Overloaded = h.Overloaded || sh.Overloaded
			for _, n := range sh.Notes {
				h.Notes = append(h.Notes, prefix(s.Shard, n))
			}
		}
	}
	h.Notes = slices.Clone(h.Notes)
	// overload events say in words what run.json's health notes say; they
	// are the only account when run.json is missing (a killed run).
	if len(h.Notes) == 0 {
		for _, o := range overloads {
			if o != "" && !slices.Contains(h.Notes, o) {
				h.Notes = append(h.Notes, o)
			}
		}
	}
	h.Overloaded = h.Overloaded || len(overloads) > 0
	if w.Dropped > 0 {
		h.Overloaded = true
		h.Notes = append(h.Notes, fmt.Sprintf("the run directory writer dropped %d lines: figures are computed from incomplete data", w.Dropped))
	}
	return h
}

// impossible names figures that cannot be negative but were: a producer's
// measurement bug. They stay in the figures as recorded (nothing measured is
// altered here) and the summary says so.
func (a *statsAcc) impossible(c *reports.Columns) []string {
	var notes []string
	for _, f := range []struct {
		name string
		v    values
	}{{"tx_kbps", a.values(c, figTx)}, {"rx_kbps", a.values(c, figRx)}, {"jitter_ms", a.values(c, figJitter)},
		{"rtt_ms", a.values(c, figRTT)}, {"fps", a.values(c, figFPS)}} {
		n, low := 0, 0.0
		for _, x := range f.v {
			if x < 0 {
				n++
				low = min(low, x)
			}
		}
		if n > 0 {
			notes = append(notes, fmt.Sprintf("%d of %d stats samples have a negative %s (lowest %.6g): a measurement error in the producer; the figures include them as recorded", n, len(f.v), f.name, low))
		}
	}
	return notes
}
