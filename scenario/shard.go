package scenario

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ShardBy says how a scenario's users are split over shards.
type ShardBy string

// Ways to split users.
const (
	// ByRoom keeps every room whole on one shard (the default), so that a
	// room's quality is measured on one machine.
	ByRoom ShardBy = "room"
	// ByUser deals users out one by one; a room then spans shards, which
	// needs one shared target (with the embedded service every shard would
	// have a service, and so a room, of its own).
	ByUser ShardBy = "user"
)

// ErrShard is wrapped by every error about a shard specification.
var ErrShard = errors.New("shard")

// Shard is one part of a scenario split over Count processes: Index is
// 0-based, as Kubernetes' JOB_COMPLETION_INDEX.
type Shard struct {
	Index, Count int
	By           ShardBy
}

// String is "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Name is the shard's name in merged reports: "shard-I-of-N".
func (s Shard) Name() string { return fmt.Sprintf("shard-%d-of-%d", s.Index, s.Count) }

// maxShards bounds N (more shards than users cannot be filled anyway).
const maxShards = maxUsers

// ParseShard reads "I/N" (0 <= I < N) and the split mode ("" is ByRoom).
func ParseShard(spec, by string) (Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(spec), "/")
	if !ok {
		return Shard{}, fmt.Errorf("%w %q: write I/N, e.g. 0/3 (I is 0-based, as JOB_COMPLETION_INDEX)", ErrShard, spec)
	}
	idx, err1 := strconv.Atoi(i)
	cnt, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%w %q: I and N must be integers, e.g. 0/3", ErrShard, spec)
	}
	return NewShard(idx, cnt, by)
}

// NewShard checks an index, a count and a split mode ("" is ByRoom).
func NewShard(index, count int, by string) (Shard, error) {
	s := Shard{Index: index, Count: count, By: ShardBy(by)}
	if s.By == "" {
		s.By = ByRoom
	}
	switch {
	case count < 1 || count > maxShards:
		return s, fmt.Errorf("%w: the number of shards must be 1..%d, got %d", ErrShard, maxShards, count)
	case index < 0 || index >= count:
		return s, fmt.Errorf("%w: index %d out of range for %d shards: indexes are 0-based, 0..%d (as JOB_COMPLETION_INDEX)", ErrShard, index, count, count-1)
	case s.By != ByRoom && s.By != ByUser:
		return s, fmt.Errorf("%w: split by %q: want %q or %q", ErrShard, by, ByRoom, ByUser)
	}
	return s, nil
}

// ShardAssignment is which shard every user and room of a plan goes to.
type ShardAssignment struct {
	By    ShardBy
	Count int
	User  map[string]int // user ID → shard index
	Room  map[string]int // room name → shard index (ByRoom only)
}

// Assign splits p's users over count shards, deterministically: ByRoom
// takes rooms in roster order and gives each to the shard with the fewest
// users so far (the lowest index on ties), which is round-robin when rooms
// are equal; ByUser deals users round-robin in arrival order. Every shard
// gets at least one user, or it is an error saying how many shards fit.
func (p *Plan) Assign(count int, by ShardBy) (*ShardAssignment, error) {
	if _, err := NewShard(0, count, string(by)); err != nil {
		return nil, err
	}
	if by == "" {
		by = ByRoom
	}
	a := &ShardAssignment{By: by, Count: count, User: map[string]int{}, Room: map[string]int{}}
	if by == ByUser {
		if p.Config.Target.Embedded() && count > 1 {
			return nil, fmt.Errorf("%w: splitting by user needs a shared target (target.url): with the embedded service each shard runs its own, so a room split over shards would become several rooms", ErrShard)
		}
		if count > len(p.Users) {
			return nil, fmt.Errorf("%w: %d shards for %d users: use at most %d", ErrShard, count, len(p.Users), len(p.Users))
		}
		for i, u := range p.Users {
			a.User[u.ID] = i % count
		}
		return a, nil
	}
	size := map[string]int{}
	var rooms []string
	for _, u := range p.Users {
		k := u.Room.Name()
		if _, ok := size[k]; !ok {
			rooms = append(rooms, k)
		}
		size[k]++
	}
	if count > len(rooms) {
		return nil, fmt.Errorf("%w: %d shards but %d rooms with users: whole rooms fill at most %d shards (or split by user against a shared target)",
			ErrShard, count, len(rooms), len(rooms))
	}
	load := make([]int, count)
	for _, r := range rooms {
		best := 0
		for i := range load {
			if load[i] < load[best] {
				best = i
			}
		}
		a.Room[r] = best
		load[best] += size[r]
	}
	for _, u := range p.Users {
		a.User[u.ID] = a.Room[u.Room.Name()]
	}
	return a, nil
}

// Shard returns the part of p that shard s plays. The plan is laid out
// whole first, then filtered, so a user's join time and seeded behaviour
// are the same whichever shard plays it, and the shards together play
// exactly p. Marks are in every shard (each shard's windows need them).
// A fault goes to the shard of the user it names, else of the room it
// names (whole rooms); else to every shard when each runs its own
// embedded service, or to shard 0 when they share a target.
func (p *Plan) Shard(s Shard) (*Plan, error) {
	if _, err := NewShard(s.Index, s.Count, string(s.By)); err != nil {
		return nil, err
	}
	a, err := p.Assign(s.Count, s.By)
	if err != nil {
		return nil, err
	}
	out := *p
	out.Part = &s
	out.Users, out.Rooms, out.Actions = nil, nil, nil
	for _, u := range p.Users {
		if a.User[u.ID] == s.Index {
			out.Users = append(out.Users, u)
		}
	}
	seen := map[string]bool{}
	for _, u := range out.Users {
		if k := u.Room.Name(); !seen[k] {
			seen[k] = true
			out.Rooms = append(out.Rooms, u.Room)
		}
	}
	embedded := p.Config.Target.Embedded()
	for _, act := range p.Actions {
		if embedded && act.User != "" {
			if err := a.crossing(act); err != nil {
				return nil, err
			}
		}
		if a.plays(s.Index, act, embedded) {
			out.Actions = append(out.Actions, act)
		}
	}
	return &out, nil
}

// crossing refuses an action that names a user of another shard when
// every shard runs its own embedded service: a C2C message or a blocked
// remote would reach for a user its service never sees.
func (a *ShardAssignment) crossing(act Action) error {
	others := append([]string{act.To}, act.Remote...)
	for _, o := range others {
		if sh, ok := a.User[o]; ok && sh != a.User[act.User] {
			return fmt.Errorf("%w: %s (%s) of %s names %s, which shard %d plays while %s is on shard %d; each shard runs its own embedded service, so give the scenario a shared target (target.url)",
				ErrShard, act.Name, act.Source, act.User, o, sh, act.User, a.User[act.User])
		}
	}
	return nil
}

// plays says whether shard i carries out act.
func (a *ShardAssignment) plays(i int, act Action, embedded bool) bool {
	switch {
	case act.User != "":
		return a.User[act.User] == i
	case act.Name == "mark":
		return true
	case act.Fault == nil:
		return i == 0
	}
	if u, ok := act.Fault.Params["user"].(string); ok {
		if sh, known := a.User[u]; known {
			return sh == i
		}
	}
	if a.By == ByRoom {
		if r, ok := act.Fault.Params["room"]; ok {
			if sh, known := a.Room[fmt.Sprint(r)]; known {
				return sh == i
			}
		}
	}
	return embedded || i == 0
}
