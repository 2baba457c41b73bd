package replay

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options shape the scenario Build writes.
type Options struct {
	// Name of the scenario (default "replay").
	Name string
	// Source names the log in comments.
	Source string
	// Speed compresses the time between events (2: twice as fast); network
	// windows keep their real length, or the SDK's timeouts would no longer
	// see them. Must be >= 1.
	Speed float64
}

// Times of the scenario Build writes.
const (
	// LeadIn is when the first event of the log happens in the scenario.
	LeadIn = 2 * time.Second
	// Tail is how long the run goes on after the last event.
	Tail = 10 * time.Second
	// UplinkSlowKbps is the cap a 1101 (uplink too slow) becomes: below a
	// 180p stream, so the bot's uplink is too slow as well.
	UplinkSlowKbps = 100
	// LostBefore is how long before a 1102 the network went: the SDK needs
	// about that long to notice (bot.DefaultLostAfter).
	LostBefore = 1500 * time.Millisecond
	// GiveUpWindow is the offline window of a reconnection that ended in
	// -1307: long enough for the SDK's three 3 s attempts to fail.
	GiveUpWindow = 24 * time.Second
)

// step is one timeline entry with the log lines it came from.
type step struct {
	at    time.Duration
	yaml  string // the flow mapping after "at: …, "
	lines []int
	why   string
	order int // ties: faults before starts
}

type assertion struct {
	user  string
	code  int
	name  string // an event name instead of a code (kicked)
	lines []int
}

type userInfo struct {
	id, room string
	im       bool
	first    time.Duration
}

// Build writes the scenario for entries. Its comments say which log lines
// each step and assertion came from; lines that carry nothing to replay
// are listed at the end with the reason.
func Build(entries []Entry, o Options) (string, error) {
	if len(entries) == 0 {
		return "", ErrEmpty
	}
	if o.Speed == 0 {
		o.Speed = 1
	}
	if o.Speed < 1 || math.IsNaN(o.Speed) || math.IsInf(o.Speed, 0) {
		return "", fmt.Errorf("replay: speed must be >= 1, got %g", o.Speed)
	}
	if o.Name == "" {
		o.Name = "replay"
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Time.Before(entries[j].Time) })
	t0 := entries[0].Time
	at := func(t time.Time) time.Duration {
		d := LeadIn + time.Duration(float64(t.Sub(t0))/o.Speed)
		return d.Round(100 * time.Millisecond)
	}
	b := &builder{users: map[string]*userInfo{}, media: map[string]string{}, asserted: map[string]*assertion{}}
	var errs []error
	for _, e := range entries {
		if err := b.add(e, at(e.Time)); err != nil {
			errs = append(errs, &LineError{Line: e.Line, Msg: err.Error()})
		}
	}
	b.closeWindows(at(entries[len(entries)-1].Time))
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	if len(b.users) == 0 {
		return "", errors.New("replay: no user entered a room in the log")
	}
	return b.write(o, entries, at(entries[len(entries)-1].Time)), nil
}

type builder struct {
	users    map[string]*userInfo
	order    []string
	steps    []step
	media    map[string]string // "user/kind" → last inferred state
	asserted map[string]*assertion
	asserts  []*assertion
	skipped  []string
	// open offline windows: user → its step index and start
	windows map[string]int
	entered map[string]bool
	capped  map[string]bool
}

func (b *builder) user(e Entry, at time.Duration) *userInfo {
	u, ok := b.users[e.User]
	if !ok {
		u = &userInfo{id: e.User, room: e.Room, first: at}
		b.users[e.User] = u
		b.order = append(b.order, e.User)
	}
	if u.room == "" {
		u.room = e.Room
	}
	if e.Source == "im" {
		u.im = true
	}
	return u
}

func (b *builder) addStep(at time.Duration, order int, why string, line int, format string, args ...any) {
	b.steps = append(b.steps, step{at: at, order: order, yaml: fmt.Sprintf(format, args...), lines: []int{line}, why: why})
}

func (b *builder) assert(user string, code, line int) {
	k := user + "/" + strconv.Itoa(code)
	if a, ok := b.asserted[k]; ok {
		a.lines = append(a.lines, line)
		return
	}
	a := &assertion{user: user, code: code, lines: []int{line}}
	b.asserted[k] = a
	b.asserts = append(b.asserts, a)
}

func (b *builder) assertName(user, name string, line int) {
	k := user + "/" + name
	if a, ok := b.asserted[k]; ok {
		a.lines = append(a.lines, line)
		return
	}
	a := &assertion{user: user, name: name, lines: []int{line}}
	b.asserted[k] = a
	b.asserts = append(b.asserts, a)
}

func (b *builder) skip(e Entry, why string) {
	b.skipped = append(b.skipped, fmt.Sprintf("line %d (%s %s): %s", e.Line, e.User, label(e), why))
}

func label(e Entry) string {
	if e.Name != "" && e.Code != 0 {
		return fmt.Sprintf("%s %d", e.Name, e.Code)
	}
	if e.Name != "" {
		return e.Name
	}
	if e.Tag != "" {
		return fmt.Sprintf("%s %d", e.Tag, e.Code)
	}
	return strconv.Itoa(e.Code)
}

// enterRefusal reports whether code is a server's refusal of an enter.
func enterRefusal(code int) bool {
	return code <= -100000 && code > -110000 || code <= -70000 && code > -71000 || code <= -3301 && code >= -3325
}

// add turns one entry into steps, assertions or a reason to skip it.
func (b *builder) add(e Entry, at time.Duration) error {
	if b.windows == nil {
		b.windows, b.entered, b.capped = map[string]int{}, map[string]bool{}, map[string]bool{}
	}
	if e.Room != "" {
		if _, err := strconv.ParseUint(e.Room, 10, 32); err != nil {
			return fmt.Errorf("room %q: replay writes numeric rooms only", e.Room)
		}
	}
	u := b.user(e, at)
	who := fmt.Sprintf(`"user:%s"`, e.User)
	if e.Name == "" && e.Tag == "connection_event" {
		e.Name = e.Tag // component IM logs carry the event in the tag
	}
	switch {
	case e.Code == 1018 || e.Name == "entered":
		if i, ok := b.windows[e.User]; ok { // re-entered: the window ends
			b.endWindow(e.User, i, at, e.Line)
			return nil
		}
		if b.entered[e.User] {
			b.skip(e, "entered again without leaving (nothing to replay)")
			return nil
		}
		b.entered[e.User] = true
		b.addStep(at, 1, fmt.Sprintf("%s entered room %s", e.User, u.room), e.Line, "action: start, users: %s", who)
	case e.Name == "recovered" || (e.Name == "connection_event" && e.Code == 0 && b.hasWindow(e.User)):
		if i, ok := b.windows[e.User]; ok {
			b.endWindow(e.User, i, at, e.Line)
		} else {
			b.skip(e, "recovered without a reconnection before it")
		}
	case e.Code == 1102 || (e.Name == "reconnecting" && e.Remote == "") || (e.Name == "connection_event" && e.Code == 1):
		if _, ok := b.windows[e.User]; ok {
			b.skip(e, "the same reconnection (its window is already open)")
			return nil
		}
		start := at - LostBefore
		if start < time.Second {
			start = time.Second
		}
		b.windows[e.User] = len(b.steps)
		b.addStep(start, 2, fmt.Sprintf("%s reconnecting (1102): its network went %s before", e.User, LostBefore), e.Line,
			"action: network, users: %s, network: offline, for: %%s", who)
		if e.Code == 1102 {
			b.assert(e.User, 1102, e.Line)
		}
	case e.Code == 1101:
		if b.capped[e.User] {
			b.skip(e, "uplink already capped")
			return nil
		}
		b.capped[e.User] = true
		b.addStep(at, 2, fmt.Sprintf("%s uplink too slow (1101)", e.User), e.Line,
			"action: network, users: %s, network: {up: {rate_kbps: %d}}", who, UplinkSlowKbps)
	case (e.Name == "kicked") || (e.Source == "im" && e.Tag == "error" && e.Name == "kicked"):
		b.addStep(at, 0, fmt.Sprintf("%s was kicked", e.User), e.Line, "fault: {kick: {user: %s, room: %s}}", e.User, u.room)
		b.assertName(e.User, "kicked", e.Line)
		if i, ok := b.windows[e.User]; ok {
			b.endWindow(e.User, i, at, e.Line)
		}
	case enterRefusal(e.Code) || (e.Name == "enter_failed" && enterRefusal(e.Code)):
		b.addStep(at-200*time.Millisecond, 0, fmt.Sprintf("%s's enter was refused with %d", e.User, e.Code), e.Line,
			"fault: {fail_enter: {user: %s, room: %s, code: %d, count: 1}}", e.User, u.room, e.Code)
		if !b.entered[e.User] {
			b.addStep(at, 1, fmt.Sprintf("%s tried to enter", e.User), e.Line, "action: start, users: %s", who)
		}
		b.assert(e.User, e.Code, e.Line)
	case e.Code == 1033 || e.Code == 1034 || e.Name == "remote_video" || e.Name == "remote_audio":
		if e.Remote == "" || (e.State != "on" && e.State != "off") {
			return fmt.Errorf("%s: the detail must name the remote user and state (e.g. {\"userID\": \"u\", \"state\": \"off\"})", label(e))
		}
		kind := "video"
		if e.Code == 1034 || e.Name == "remote_audio" {
			kind = "audio"
		}
		k := e.Remote + "/" + kind
		if b.media[k] == e.State {
			b.skip(e, fmt.Sprintf("%s's %s already %s", e.Remote, kind, e.State))
			return nil
		}
		first := b.media[k] == ""
		b.media[k] = e.State
		if first && e.State == "on" {
			b.skip(e, fmt.Sprintf("%s's %s on as it started", e.Remote, kind))
			return nil
		}
		action := map[string]string{"video/on": "camera_on", "video/off": "camera_off", "audio/on": "unmute", "audio/off": "mute"}[kind+"/"+e.State]
		b.addStep(at, 3, fmt.Sprintf("%s saw %s's %s %s (%d)", e.User, e.Remote, kind, e.State, map[string]int{"video": 1033, "audio": 1034}[kind]),
			e.Line, "action: %s, users: \"user:%s\"", action, e.Remote)
	case e.Code < 0:
		b.assert(e.User, e.Code, e.Line)
	case e.Code == 2103 || (e.Name == "reconnecting" && e.Remote != ""):
		b.assert(e.User, 2103, e.Line)
	default:
		b.skip(e, "context only (no step needed to reproduce it)")
	}
	return nil
}

func (b *builder) hasWindow(user string) bool { _, ok := b.windows[user]; return ok }

func (b *builder) endWindow(user string, i int, at time.Duration, line int) {
	d := at - b.steps[i].at
	if d < LostBefore+time.Second {
		d = LostBefore + time.Second
	}
	b.steps[i].yaml = fmt.Sprintf(b.steps[i].yaml, d)
	b.steps[i].lines = append(b.steps[i].lines, line)
	b.steps[i].why += fmt.Sprintf("; back at line %d", line)
	delete(b.windows, user)
}

// closeWindows gives reconnections that never recovered a window long
// enough for the SDK to give up.
func (b *builder) closeWindows(last time.Duration) {
	for user, i := range b.windows {
		b.steps[i].yaml = fmt.Sprintf(b.steps[i].yaml, GiveUpWindow)
		b.steps[i].why += "; never back: long enough for the SDK to give up"
		delete(b.windows, user)
	}
	_ = last
}

func (b *builder) write(o Options, entries []Entry, last time.Duration) string {
	sort.SliceStable(b.steps, func(i, j int) bool {
		if b.steps[i].at != b.steps[j].at {
			return b.steps[i].at < b.steps[j].at
		}
		return b.steps[i].order < b.steps[j].order
	})
	end := last + Tail
	for _, s := range b.steps {
		if strings.Contains(s.yaml, "for: ") {
			var d time.Duration
			if i := strings.Index(s.yaml, "for: "); i >= 0 {
				d, _ = time.ParseDuration(s.yaml[i+5:])
			}
			if s.at+d+2*time.Second > end {
				end = s.at + d + 2*time.Second
			}
		}
	}
	var w strings.Builder
	fmt.Fprintf(&w, "# %s: built by `roombot replay` from %s (%d events", o.Name, o.Source, len(entries))
	if o.Speed != 1 {
		fmt.Fprintf(&w, ", time between events compressed %gx; network windows keep their length", o.Speed)
	}
	fmt.Fprintf(&w, ").\n# Each step says which log lines it came from.\n")
	fmt.Fprintf(&w, "name: %s\nseed: 1\nduration: %s\n\n", o.Name, end.Round(time.Second))
	rooms := map[string]bool{}
	var roomList []string
	for _, id := range b.order {
		if r := b.users[id].room; r != "" && !rooms[r] {
			rooms[r] = true
			roomList = append(roomList, r)
		}
	}
	fmt.Fprintf(&w, "rooms: [%s]\n\ngroups:\n", strings.Join(roomList, ", "))
	for _, id := range b.order {
		u := b.users[id]
		fmt.Fprintf(&w, "  - {name: %s, count: 1, user_id: %s, join: manual, media: {resolution: 180p}", groupName(id), id)
		if u.room != "" {
			fmt.Fprintf(&w, ", rooms: [%s]", u.room)
		}
		if u.im {
			w.WriteString(", im: true")
		}
		w.WriteString("}\n")
	}
	w.WriteString("\ntimeline:\n")
	for _, s := range b.steps {
		fmt.Fprintf(&w, "  # %s (line %s)\n  - {at: %s, %s}\n", s.why, joinInts(s.lines), s.at, s.yaml)
	}
	if len(b.asserts) > 0 {
		w.WriteString("\n# The customer's codes must recur.\nassertions:\n")
		for _, a := range b.asserts {
			if a.name != "" {
				fmt.Fprintf(&w, "  # %s was %s (line %s)\n  - {name: \"%s %s\", event: {name: %s, users: \"user:%s\"}, expect: \">= 1\"}\n",
					a.user, a.name, joinInts(a.lines), a.user, a.name, a.name, a.user)
				continue
			}
			fmt.Fprintf(&w, "  # %s saw %d (line %s)\n  - {name: \"%s sees %d\", event: {code: %d, users: \"user:%s\"}, expect: \">= 1\"}\n",
				a.user, a.code, joinInts(a.lines), a.user, a.code, a.code, a.user)
		}
	}
	if len(b.skipped) > 0 {
		w.WriteString("\n# Log lines read but not turned into steps:\n")
		for _, s := range b.skipped {
			fmt.Fprintf(&w, "#   %s\n", s)
		}
	}
	return w.String()
}

// groupName is a group name for a userID (letters, digits, _ and -).
func groupName(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return "u-" + b.String()
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
