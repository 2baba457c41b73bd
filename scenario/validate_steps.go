package scenario

import (
	"fmt"
	"strings"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario/threshold"
)

// Default talk model durations (ITU-T P.59 as Jitsi Malleus uses them).
const (
	DefaultTalkSingle  = 854 * time.Millisecond
	DefaultTalkDouble  = 226 * time.Millisecond
	DefaultTalkSilence = 456 * time.Millisecond
)

// userActions need users:; the others are run-level.
func userAction(a string) bool { return a != "mark" && a != "fault" && a != "" }

// stepTimes lays out each step's absolute time and reports times past the
// run's end (no users needed: it runs even when the groups are unsound).
func (v *validator) stepTimes() {
	c := v.c
	c.steps = make([]time.Duration, len(c.Timeline))
	var prev time.Duration
	for i := range c.Timeline {
		s := &c.Timeline[i]
		p := fmt.Sprintf("timeline[%d]", i)
		var t time.Duration
		switch {
		case s.At != nil && s.After != nil:
			v.errorf(p+".after", "use at: for an absolute time or after: for a time after the previous step", "both at and after")
		case s.At != nil:
			t = s.At.D()
		case s.After != nil:
			t = prev + s.After.D()
		default:
			v.errorf(p, "add at: 5s or after: 2s", "step without a time")
		}
		if t > v.runEnd {
			hint := fmt.Sprintf("the run lasts %s", c.Duration)
			if v.runEnd != c.Duration.D() {
				hint = fmt.Sprintf("a run lasts at most %s", maxDuration)
			}
			v.errorf(v.timePath(p, s), hint, "step at %s is after the end of the run", t)
		}
		c.steps[i], prev = t, t
	}
}

func (v *validator) timeline() {
	c := v.c
	c.marks = map[string]time.Duration{}
	for i := range c.Timeline {
		s := &c.Timeline[i]
		p := fmt.Sprintf("timeline[%d]", i)
		t := c.steps[i]
		if s.Action == "" && !s.Fault.IsZero() {
			s.Action = "fault"
		}
		if _, ok := Actions[s.Action]; !ok {
			if s.Action == "" {
				v.errorf(p, "add action: mute (or fault:)", "step without an action")
			} else {
				v.errorf(p+".action", didYouMean(s.Action, actionNames()), "unknown action %q", s.Action)
			}
			continue
		}
		v.stepFields(p, s, t)
	}
	v.stepsAfterJoins()
}

// stepsAfterJoins reports user actions that fire when none of their users
// can be in the room yet: before every selected user's first planned start
// (or never started at all). Such steps would only be skipped at run time.
func (v *validator) stepsAfterJoins() {
	c := v.c
	first := map[string]time.Duration{}
	var auto []*User
	for _, u := range c.roster.users {
		if u.Auto {
			auto = append(auto, u)
		}
	}
	if c.Arrival.Total > 0 && c.Arrival.Total < len(auto) {
		auto = auto[:c.Arrival.Total]
	}
	for i, at := range ArrivalTimes(c.Arrival, len(auto), c.Seed) {
		first[auto[i].ID] = c.Arrival.Start.D() + at
	}
	for i, s := range c.Timeline {
		if s.Action != "start" {
			continue
		}
		users, _, err := c.roster.selectUsers(s.Users)
		if err != nil {
			continue
		}
		for _, u := range users {
			if t, ok := first[u.ID]; !ok || c.steps[i] < t {
				first[u.ID] = c.steps[i]
			}
		}
	}
	for i, s := range c.Timeline {
		if !userAction(s.Action) || s.Action == "start" || Actions[s.Action] == "" {
			continue
		}
		users, _, err := c.roster.selectUsers(s.Users)
		if err != nil || len(users) == 0 {
			continue
		}
		earliest, never := time.Duration(-1), true
		for _, u := range users {
			if t, ok := first[u.ID]; ok {
				never = false
				if earliest < 0 || t < earliest {
					earliest = t
				}
			}
		}
		p := fmt.Sprintf("timeline[%d].users", i)
		switch {
		case never:
			v.errorf(p, "start them: a start step, or join: auto", "%s at %s: none of %s ever joins", s.Action, c.steps[i], s.Users)
		case c.steps[i] < earliest:
			v.errorf(p, fmt.Sprintf("the first of them joins at %s", earliest), "%s at %s: none of %s is in the room yet", s.Action, c.steps[i], s.Users)
		}
	}
}

func (v *validator) timePath(p string, s *StepConfig) string {
	if s.At != nil {
		return p + ".at"
	}
	return p + ".after"
}

// stepFields checks that a step has what its action needs and nothing
// that belongs to another action.
func (v *validator) stepFields(p string, s *StepConfig, t time.Duration) {
	a := s.Action
	if userAction(a) {
		if s.Users == "" {
			v.errorf(p, `add users: "group:NAME" (or all)`, "action %s needs users:", a)
		} else {
			v.selector(p+".users", s.Users)
		}
	} else if s.Users != "" {
		v.errorf(p+".users", "", "action %s takes no users", a)
	}
	only := func(set bool, field, action string) {
		if set && a != action {
			v.errorf(p+"."+field, fmt.Sprintf("%s is for action %s", field, action), "%s is not used by action %s", field, a)
		}
	}
	block := strings.HasSuffix(a, "_audio") || strings.HasSuffix(a, "_video")
	if block {
		if s.Remote == "" {
			v.errorf(p, `add remote: "group:NAME": whose streams to block`, "action %s needs remote:", a)
		} else {
			v.selector(p+".remote", s.Remote)
		}
	} else if s.Remote != "" {
		v.errorf(p+".remote", "remote is for block_/unblock_ actions", "remote is not used by action %s", a)
	}
	only(s.Text != "", "text", "send_im")
	only(s.To != "", "to", "send_im")
	only(s.Custom != nil, "custom", "send_im")
	only(s.Name != "", "name", "mark")
	only(!s.Fault.IsZero(), "fault", "fault")
	only(s.Level != 0, "level", "set_beauty")
	only(s.View != "", "view", "set_view")
	only(s.Network != nil, "network", "network")
	only(s.For != 0, "for", "network")
	switch a {
	case "send_im":
		switch {
		case s.Text == "" && s.Custom == nil:
			v.errorf(p, "add text: hello (or custom: {data: …})", "send_im needs text or custom")
		case s.Text != "" && s.Custom != nil:
			v.errorf(p+".custom", "one message per step", "send_im with both text and custom")
		case s.Custom != nil && s.To != "":
			v.errorf(p+".to", "C2C messages are text", "custom messages go to the group; drop to:")
		}
		if s.To != "" {
			if _, ok := v.c.roster.byID[s.To]; !ok {
				v.errorf(p+".to", didYouMean(s.To, v.c.roster.userIDs()), "no user %q", s.To)
			}
		}
	case "network":
		if s.Network == nil {
			v.errorf(p, "add network: 3g (or offline, or a mapping)", "network step without network:")
		}
		v.network(p+".network", s.Network)
		if s.For.D() > 0 && t+s.For.D() > v.c.Duration.D() {
			v.errorf(p+".for", fmt.Sprintf("the run lasts %s", v.c.Duration), "the network change ends after the end of the run")
		}
	case "set_view":
		if s.View == "" {
			v.errorf(p, "add view: 180p (or 360p, 720p, none)", "set_view needs view:")
		} else {
			v.oneOf(p+".view", &s.View, "", "180p", "360p", "720p", "none")
		}
	case "set_beauty":
		if s.Level < 0 || s.Level > 9 {
			v.errorf(p+".level", "0..9", "beauty level %d out of range", s.Level)
		}
	case "mark":
		switch _, dup := v.c.marks[s.Name]; {
		case s.Name == "":
			v.errorf(p, "add name: warm", "mark without a name")
		case s.Name == "start" || s.Name == "end":
			v.errorf(p+".name", "start and end are the run's edges; choose another name", "mark name %q is reserved", s.Name)
		case !nameRE.MatchString(s.Name):
			v.errorf(p+".name", "letters, digits, _, - and .", "bad mark name %q", s.Name)
		case dup:
			v.errorf(p+".name", "mark names must be unique", "mark %q defined twice", s.Name)
		default:
			v.c.marks[s.Name] = t
		}
	case "fault":
		if s.Fault.IsZero() {
			v.errorf(p, "add fault: {fail_enter: {user: u3, code: -100018}}", "fault step without fault:")
		} else {
			for _, pr := range validateFault(s.Fault) {
				path := p + ".fault." + s.Fault.Name
				if pr[0] != "" {
					path += "." + pr[0]
				}
				v.errorf(path, pr[2], "%s", pr[1])
			}
		}
	}
	if s.Spread.D() > 0 && t+s.Spread.D() > v.c.Duration.D() {
		v.errorf(p+".spread", "", "spread ends after the end of the run")
	}
}

func (v *validator) behaviour() {
	b := &v.c.Behaviour
	end := v.c.Duration
	span := func(p string, from, until *Duration) {
		if *until == 0 && v.given(p+".until") {
			v.errorf(p+".until", "omit until for the run's end", "until 0s ends before anything starts")
		}
		if *until == 0 || *until > end {
			*until = end
		}
		if *from >= *until {
			v.errorf(p+".from", "", "from %s is not before until %s", *from, *until)
		}
	}
	// Absent is the default; an explicit 0 would silently be the default too.
	def := func(path string, d *Duration, x time.Duration) {
		switch {
		case *d == 0 && v.given(path):
			v.errorf(path, fmt.Sprintf("a mean duration > 0; omit it for the default %s", x), "%s 0s is no duration", path[strings.LastIndex(path, ".")+1:])
		case *d == 0:
			*d = Duration(x)
		}
	}
	if t := b.Talk; t != nil {
		v.selector("behaviour.talk.users", t.Users)
		def("behaviour.talk.single", &t.Single, DefaultTalkSingle)
		def("behaviour.talk.double", &t.Double, DefaultTalkDouble)
		def("behaviour.talk.silence", &t.Silence, DefaultTalkSilence)
		if t.MaxSpeakers == 0 && !v.given("behaviour.talk.max_speakers") {
			t.MaxSpeakers = 2
		}
		if t.MaxSpeakers < 1 || t.MaxSpeakers > 2 {
			v.errorf("behaviour.talk.max_speakers", "1 (single talk only) or 2 (double talk too)", "max_speakers %d out of range", t.MaxSpeakers)
		}
		span("behaviour.talk", &t.From, &t.Until)
	}
	if t := b.Camera; t != nil {
		v.selector("behaviour.camera.users", t.Users)
		def("behaviour.camera.mean_on", &t.MeanOn, 20*time.Second)
		def("behaviour.camera.mean_off", &t.MeanOff, 5*time.Second)
		span("behaviour.camera", &t.From, &t.Until)
	}
	if t := b.Churn; t != nil {
		v.selector("behaviour.churn.users", t.Users)
		def("behaviour.churn.mean_online", &t.MeanOnline, 30*time.Second)
		def("behaviour.churn.mean_offline", &t.MeanOffline, 5*time.Second)
		span("behaviour.churn", &t.From, &t.Until)
	}
}

// eventNames are the Event names event assertions may match.
func eventNames() []string {
	names := []string{reports.EvEntered, reports.EvEnterFailed, reports.EvLeft, reports.EvMembers, reports.EvRemoteEntered,
		reports.EvRemoteLeft, reports.EvRemoteVideo, reports.EvRemoteAudio, reports.EvKicked, reports.EvError,
		reports.EvLoginEvent, reports.EvJoinGroupEvent, reports.EvBigGroupMsg, reports.EvMsgNotify, reports.EvConnectionEvent,
		reports.EvIMSendFailed, reports.EvFirstFrame, reports.EvFreezeStart, reports.EvFreezeEnd, reports.EvSource,
		reports.EvReconnecting, reports.EvRecovered,
		reports.EvMark, reports.EvRunStart, reports.EvRunEnd, reports.EvOverload}
	return append(names, actionNames()...)
}

func (v *validator) window(p string, w Window) {
	for _, m := range []string{w.From, w.To} {
		if m == "" || m == "start" || m == "end" {
			continue
		}
		if _, ok := v.c.marks[m]; !ok {
			var known []string
			for k := range v.c.marks {
				known = append(known, k)
			}
			v.errorf(p, didYouMean(m, append(sortStrings(known), "start", "end")), "undefined mark %q", m)
		}
	}
	if tf, tt := v.markTime(w.From), v.markTime(w.To); tf >= 0 && tt >= 0 && tf > tt {
		v.errorf(p, "the first mark must come first", "window %s ends before it starts", w)
	}
}

func (v *validator) markTime(m string) time.Duration {
	switch m {
	case "start":
		return 0
	case "end":
		return v.c.Duration.D()
	}
	if t, ok := v.c.marks[m]; ok {
		return t
	}
	return -1
}

func (v *validator) assertions() {
	for i := range v.c.Assertions {
		a := &v.c.Assertions[i]
		p := fmt.Sprintf("assertions[%d]", i)
		if len(a.Expect) == 0 {
			v.errorf(p, `add expect: "p(95) < 300ms"`, "assertion without expect")
		}
		exprPath := func(j int) string {
			if _, ok := v.c.pos[fmt.Sprintf("%s.expect[%d]", p, j)]; ok {
				return fmt.Sprintf("%s.expect[%d]", p, j)
			}
			return p + ".expect"
		}
		switch {
		case a.Metric != "" && a.Event != nil:
			v.errorf(p+".event", "one assertion is either on a metric or on events", "both metric and event")
		case a.Event != nil:
			e := a.Event
			if e.Code == nil && e.Name == "" {
				v.errorf(p+".event", "add code: -100018 and/or name: enter_failed", "event matches nothing: give code or name")
			}
			if e.Name != "" && !contains(eventNames(), e.Name) {
				v.errorf(p+".event.name", didYouMean(e.Name, eventNames()), "unknown event %q", e.Name)
			}
			if e.Users != "" && a.Users != "" {
				v.errorf(p+".users", "", "users given twice (assertion and event)")
			}
			if !e.Window.IsZero() && !a.Window.IsZero() {
				v.errorf(p+".window", "", "window given twice (assertion and event)")
			}
			if a.Users == "" {
				a.Users = e.Users
			}
			if a.Window.IsZero() {
				a.Window = e.Window
				v.window(p+".event.window", a.Window)
			} else {
				v.window(p+".window", a.Window)
			}
			for j, x := range a.Expect {
				if _, err := threshold.ParseCount(x); err != nil {
					v.errorf(exprPath(j), `write a count comparison: ">= 1", "== 0"`, "%v", err)
				}
			}
		case a.Metric != "":
			m, ok := Metrics[a.Metric]
			if !ok {
				v.errorf(p+".metric", didYouMean(a.Metric, MetricNames()), "unknown metric %q", a.Metric)
				continue
			}
			v.window(p+".window", a.Window)
			for j, x := range a.Expect {
				th, err := threshold.Parse(x)
				if err != nil {
					v.errorf(exprPath(j), `e.g. "p(95) < 300ms", "avg > 400kbps", "rate >= 0.99"`, "%v", err)
					continue
				}
				allowed := aggregatesOf(m.Kind)
				if !containsAgg(allowed, th.Agg) {
					var names []string
					for _, ag := range allowed {
						names = append(names, string(ag))
					}
					v.errorf(exprPath(j), fmt.Sprintf("%s is a %s metric: use %s", m.Name, m.Kind, strings.Join(names, ", ")),
						"aggregate %s does not apply to %s", th.AggName(), m.Name)
					continue
				}
				if _, err := th.ValueIn(baseFor(m, th.Agg)); err != nil {
					v.errorf(exprPath(j), fmt.Sprintf("%s is measured in %s", m.Name, unitWord(baseFor(m, th.Agg))), "%q: %v", x, err)
				}
			}
		default:
			v.errorf(p, "add metric: join_time (or event: {code: …})", "assertion without metric or event")
		}
		if a.Users != "" {
			up := p + ".users"
			if a.Event != nil && a.Event.Users != "" {
				up = p + ".event.users"
			}
			v.selector(up, a.Users)
		}
		if a.Name == "" {
			a.Name = defaultAssertionName(a)
		}
	}
}

func unitWord(base string) string {
	switch base {
	case threshold.BaseMs:
		return "ms (write ms or s)"
	case threshold.BaseKbps:
		return "kbps (write kbps or mbps)"
	case threshold.BasePct:
		return "percent (write 5%)"
	case threshold.BaseRatio:
		return "a ratio 0..1 (write 0.99 or 99%)"
	}
	return "plain numbers"
}

func defaultAssertionName(a *AssertionConfig) string {
	var b strings.Builder
	if a.Event != nil {
		b.WriteString("event")
		if a.Event.Name != "" {
			b.WriteString(" " + a.Event.Name)
		}
		if a.Event.Code != nil {
			fmt.Fprintf(&b, " code %d", *a.Event.Code)
		}
	} else {
		b.WriteString(a.Metric)
	}
	if a.Users != "" {
		b.WriteString(" [" + string(a.Users) + "]")
	}
	if !a.Window.IsZero() {
		b.WriteString(" in " + a.Window.String())
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsAgg(list []threshold.Aggregate, a threshold.Aggregate) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}
