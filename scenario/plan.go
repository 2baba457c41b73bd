package scenario

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Action is one planned thing to do: an action for one user, or a
// run-level action (mark, fault) with no User. Times are offsets from the
// start of the run.
type Action struct {
	At     time.Duration
	Name   string // an Actions key
	User   string // target user; empty for mark and fault
	Remote []string
	Text   string
	To     string
	Custom *CustomConfig
	Level  int
	View   string // set_view: 180p, 360p, 720p; "" no preference
	Mark   string
	Fault  *Fault
	// Network and For are the network action's impairment and duration
	// (0: until changed again).
	Network *NetworkConfig
	For     time.Duration
	// Source says where the action comes from: "arrival", "timeline[3]",
	// "talk", "camera", "churn".
	Source string
}

// Plan is a scenario laid out in time, computed without running anything:
// every user, every join and every action with its time and target. Equal
// Configs (same seed) give equal Plans.
type Plan struct {
	Config   *Config
	Users    []*User // arrival order
	Rooms    []Room
	Actions  []Action // sorted by At; equal times keep plan order
	Marks    map[string]time.Duration
	Duration time.Duration
	// Part is the shard this plan is a part of (Plan.Shard); nil for a
	// whole scenario.
	Part *Shard
}

// User returns the planned user with id, or nil.
func (p *Plan) User(id string) *User { return p.Config.roster.byID[id] }

// Select resolves a selector to users of the plan.
func (p *Plan) Select(sel Selector) ([]*User, error) {
	users, hint, err := p.Config.roster.selectUsers(sel)
	if err != nil && hint != "" {
		return nil, fmt.Errorf("%w (%s)", err, hint)
	}
	return users, err
}

// NewPlan lays out a validated Config.
func NewPlan(c *Config) (*Plan, error) {
	if c == nil || c.roster == nil {
		return nil, fmt.Errorf("%w: config was not validated (use Parse or Load)", ErrInvalid)
	}
	p := &Plan{Config: c, Users: c.roster.users, Rooms: c.roster.rooms, Marks: c.marks, Duration: c.Duration.D()}
	p.arrivals()
	for i := range c.Timeline {
		p.step(i)
	}
	p.sort()
	joins := p.joinTimes()
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(uint64(c.Seed), stream)) }
	if t := c.Behaviour.Talk; t != nil {
		p.talk(t, joins, rng(1))
	}
	if t := c.Behaviour.Camera; t != nil {
		p.cameras(t, joins, rng(2))
	}
	if t := c.Behaviour.Churn; t != nil {
		p.churn(t, joins, rng(3))
	}
	p.sort()
	return p, nil
}

func (p *Plan) sort() {
	sort.SliceStable(p.Actions, func(i, j int) bool { return p.Actions[i].At < p.Actions[j].At })
}

// arrivals plans the start of every auto-join user.
func (p *Plan) arrivals() {
	a := p.Config.Arrival
	var auto []*User
	for _, u := range p.Users {
		if u.Auto {
			auto = append(auto, u)
		}
	}
	if a.Total > 0 && a.Total < len(auto) {
		auto = auto[:a.Total]
	}
	times := ArrivalTimes(a, len(auto), p.Config.Seed)
	for i, u := range auto {
		at := min(a.Start.D()+times[i], p.Duration)
		p.Actions = append(p.Actions, Action{At: at, Name: "start", User: u.ID, Source: "arrival"})
	}
}

// ArrivalTimes returns the offsets of n joins for an arrival shape.
func ArrivalTimes(a ArrivalConfig, n int, seed int64) []time.Duration {
	out := make([]time.Duration, n)
	rate := a.Rate
	if rate <= 0 {
		rate = DefaultRate
	}
	secs := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	switch a.Shape {
	case "poisson":
		r := rand.New(rand.NewPCG(uint64(seed), 0))
		t := 0.0
		for i := range out {
			if i > 0 {
				t += r.ExpFloat64() / rate
			}
			out[i] = secs(t)
		}
	case "ramp":
		// The rate grows linearly from From to Rate over Over, then stays:
		// joins so far N(t) = from·t + (rate−from)·t²/(2·over); the i-th
		// join is at N(t) = i.
		from, over := a.From, a.Over.D().Seconds()
		full := from*over + (rate-from)*over/2 // joins during the ramp
		k := (rate - from) / (2 * over)
		for i := range out {
			x := float64(i)
			switch {
			case x >= full:
				out[i] = secs(over + (x-full)/rate)
			case k == 0:
				out[i] = secs(x / from)
			default:
				out[i] = secs((-from + math.Sqrt(from*from+4*k*x)) / (2 * k))
			}
		}
	case "steps":
		t, i := 0.0, 0
		for si, s := range a.Steps {
			end := math.Inf(1)
			if si < len(a.Steps)-1 || s.For > 0 {
				end = t + s.For.D().Seconds()
			}
			if si == len(a.Steps)-1 {
				end = math.Inf(1)
			}
			// joins inside this step at 1/rate spacing, the first one at t
			for x := t; i < n && x < end; x += 1 / s.Rate {
				out[i] = secs(x)
				i++
			}
			if i >= n {
				break
			}
			t = end
		}
	default: // linear
		step := 1 / rate
		if a.Over > 0 && n > 1 {
			step = a.Over.D().Seconds() / float64(n-1)
		}
		for i := range out {
			out[i] = secs(float64(i) * step)
		}
	}
	return out
}

// step expands one timeline entry into actions.
func (p *Plan) step(i int) {
	c := p.Config
	s := &c.Timeline[i]
	at := c.steps[i]
	src := fmt.Sprintf("timeline[%d]", i)
	switch s.Action {
	case "mark":
		p.Actions = append(p.Actions, Action{At: at, Name: "mark", Mark: s.Name, Source: src})
		return
	case "fault":
		f := s.Fault
		p.Actions = append(p.Actions, Action{At: at, Name: "fault", Fault: &f, Source: src})
		return
	}
	users, _, _ := c.roster.selectUsers(s.Users)
	var remote []string
	if s.Remote != "" {
		rs, _, _ := c.roster.selectUsers(s.Remote)
		for _, r := range rs {
			remote = append(remote, r.ID)
		}
	}
	for k, u := range users {
		t := at
		if s.Spread > 0 && len(users) > 1 {
			t += time.Duration(float64(s.Spread.D()) * float64(k) / float64(len(users)-1))
		}
		var rem []string
		for _, r := range remote {
			if r != u.ID {
				rem = append(rem, r)
			}
		}
		p.Actions = append(p.Actions, Action{At: t, Name: s.Action, User: u.ID, Remote: rem, Text: s.Text, To: s.To,
			Custom: s.Custom, Level: s.Level, View: viewOf(s.View), Network: s.Network, For: s.For.D(), Source: src})
	}
}

// joinTimes is each user's first planned start.
func (p *Plan) joinTimes() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, a := range p.Actions {
		if a.Name == "start" {
			if _, ok := out[a.User]; !ok {
				out[a.User] = a.At
			}
		}
	}
	return out
}

// settle is how long after joining random behaviour starts for a user.
const settle = time.Second

// WriteTo prints the plan: a header, then one line per action.
func (p *Plan) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	c := p.Config
	counts := map[string]int{}
	for _, a := range p.Actions {
		counts[a.Name]++
	}
	var names []string
	for n := range counts {
		names = append(names, fmt.Sprintf("%s %d", n, counts[n]))
	}
	sort.Strings(names)
	target := "embedded reference service"
	if !c.Target.Embedded() {
		target = "(unparsable URL)"
		if u, err := url.Parse(c.Target.URL); err == nil {
			u.User, u.RawQuery = nil, "" // credentials never printed
			target = c.Target.KindName() + " " + u.String()
		}
	}
	fmt.Fprintf(&b, "scenario %q: %d users in %d rooms, %s, seed %d, target %s\n", c.Name, len(c.roster.users), len(c.roster.rooms), p.Duration, c.Seed, target)
	if p.Part != nil {
		fmt.Fprintf(&b, "shard %s (by %s): %d users in %d rooms of this scenario\n", p.Part, p.Part.By, len(p.Users), len(p.Rooms))
	}
	fmt.Fprintf(&b, "actions: %s\n", strings.Join(names, ", "))
	for _, a := range p.Actions {
		fmt.Fprintf(&b, "%10.3fs  %-13s %s\n", a.At.Seconds(), a.Name, a.describe())
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func (a Action) describe() string {
	var parts []string
	if a.User != "" {
		parts = append(parts, a.User)
	}
	switch {
	case a.Mark != "":
		parts = append(parts, a.Mark)
	case a.Fault != nil:
		parts = append(parts, a.Fault.String())
	case len(a.Remote) > 0:
		parts = append(parts, "remote "+strings.Join(a.Remote, ","))
	case a.Text != "":
		if a.To != "" {
			parts = append(parts, "to "+a.To)
		}
		parts = append(parts, fmt.Sprintf("%q", a.Text))
	case a.Custom != nil:
		parts = append(parts, fmt.Sprintf("custom %q", a.Custom.Data))
	case a.Name == "set_beauty":
		parts = append(parts, fmt.Sprintf("level %d", a.Level))
	case a.Name == "set_view":
		parts = append(parts, "view "+cmp.Or(a.View, "none"))
	}
	parts = append(parts, "("+a.Source+")")
	return strings.Join(parts, " ")
}

// viewOf is a set_view step's view as bots take it ("none" → "").
func viewOf(v string) string {
	if v == "none" {
		return ""
	}
	return v
}
