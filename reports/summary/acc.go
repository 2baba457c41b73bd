package summary

import (
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/roombot/roombot/reports"
)

// Acc is summary.json computed as a run goes: a reports.Sink fed every
// Event and Sample once (live by the runner, or by reports.Read from a run
// directory), holding the run's events and samples' figures in a
// reports.Columns (shared with the other reports: Columns) and, per bot and
// room, its counters and which samples are its; no Sample and no track.
// Summary gives what Compute gives for the same lines, whatever order they
// came in: within a bot's lines of equal time, the order they were written.
//
// Acc is safe for concurrent use.
type Acc struct {
	mu       sync.Mutex
	cols     *reports.Columns
	parts    map[partKey]*statsAcc
	lastRoom map[string]roomAt // userKey → the room of its latest sample that had one
	samples  int
	span     span // of the samples
}

// partKey is one bot's samples in one room: users, rooms and groups are
// unions of parts.
type partKey struct{ shard, user, room string }

type roomAt struct {
	room string
	at   time.Time
}

// span is the first and last time seen.
type span struct{ first, last time.Time }

func (s *span) see(t time.Time) {
	if s.first.IsZero() || t.Before(s.first) {
		s.first = t
	}
	if t.After(s.last) {
		s.last = t
	}
}

// widen returns [first, last] widened to s (zero times are unset).
func (s span) widen(first, last time.Time) (time.Time, time.Time) {
	if !s.first.IsZero() && (first.IsZero() || s.first.Before(first)) {
		first = s.first
	}
	if s.last.After(last) {
		last = s.last
	}
	return first, last
}

// NewAcc returns an empty Acc.
func NewAcc() *Acc {
	return &Acc{cols: reports.NewColumns(), parts: map[partKey]*statsAcc{}, lastRoom: map[string]roomAt{}}
}

// Columns is where a keeps the lines' events and figures: the HTML report
// and the assertions read the same.
func (a *Acc) Columns() *reports.Columns { return a.cols }

// WriteEvent keeps e (events are few; the summary needs them in time order).
func (a *Acc) WriteEvent(e reports.Event) { a.cols.WriteEvent(e) }

// WriteSample adds s's figures to its bot's part; s is not retained.
func (a *Acc) WriteSample(s reports.Sample) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := partKey{s.Shard, s.User, s.Room}
	p := a.parts[k]
	if p == nil {
		p = &statsAcc{}
		a.parts[k] = p
	}
	p.sample(int32(a.cols.Append(s)), s)
	a.samples++
	a.span.see(s.Time)
	if s.Room != "" {
		uk := userKey(s.Shard, s.User)
		if r, ok := a.lastRoom[uk]; !ok || !s.Time.Before(r.at) { // equal times: the later line, as a stable sort keeps it
			a.lastRoom[uk] = roomAt{s.Room, s.Time}
		}
	}
}

// Summary is the summary of what a has seen, with the run's info and the
// reader's notes (reports.Header). a may go on receiving lines afterwards.
func (a *Acc) Summary(info reports.RunInfo, notes []string) *Summary {
	a.mu.Lock()
	defer a.mu.Unlock()
	return compute(&reports.Dataset{Info: info, Notes: notes, Events: a.cols.Events()}, a)
}

// mergeInto adds every part to run and to the user, room (nil: none) and
// group (nil: none) that groupsOf names for it. The parts' values are not
// copied here: each group's are merged when its Stats are computed, and
// dropped after (group.statsResult), so no more than one group's copy is
// held at a time.
func (a *Acc) mergeInto(run *group, groupsOf func(partKey) (user, room, grp *group)) {
	for k, p := range a.parts {
		uk := userKey(k.shard, k.user)
		u, r, g := groupsOf(k)
		for _, dst := range []*group{run, u, r, g} {
			if dst != nil {
				dst.parts = append(dst.parts, p)
				dst.users[uk] = true
			}
		}
	}
}

// merge adds o's figures to a: values are appended (a Dist does not depend
// on their order: NewDist sorts before it sums), counts added. It walks the
// fields by reflection so that a figure added to statsAcc is merged too;
// TestStatsAccMergeCoversEveryField fails for a field of another kind.
func (a *statsAcc) merge(o *statsAcc) {
	av, ov := reflect.ValueOf(a).Elem(), reflect.ValueOf(o).Elem()
	for i := range av.NumField() {
		// the fields are unexported: reached through their addresses
		dst, src := unsafe.Pointer(av.Field(i).UnsafeAddr()), unsafe.Pointer(ov.Field(i).UnsafeAddr())
		switch av.Field(i).Type() {
		case valuesType:
			*(*values)(dst) = append(*(*values)(dst), *(*values)(src)...)
		case indexType:
			*(*index)(dst) = append(*(*index)(dst), *(*index)(src)...)
		case intType:
			*(*int)(dst) += *(*int)(src)
		case int64Type:
			*(*int64)(dst) += *(*int64)(src)
		}
	}
}

var (
	valuesType = reflect.TypeFor[values]()
	indexType  = reflect.TypeFor[index]()
	intType    = reflect.TypeFor[int]()
	int64Type  = reflect.TypeFor[int64]()
)
