package scenario

import (
	"fmt"

	"github.com/roombot/roombot/media/live"
	"github.com/roombot/roombot/signature"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Actions is every timeline action, with what it needs.
var Actions = map[string]string{
	"start":         "users join (again)",
	"stop":          "users leave",
	"mute":          "users mute their microphone",
	"unmute":        "users unmute",
	"camera_on":     "users turn their camera on",
	"camera_off":    "users turn their camera off",
	"switch_camera": "users switch between front and back camera",
	"block_audio":   "users stop receiving the remote users' audio (remote: selector)",
	"unblock_audio": "users receive the remote users' audio again",
	"block_video":   "users stop receiving the remote users' video",
	"unblock_video": "users receive the remote users' video again",
	"send_im":       "users send an IM message (text, custom; to: a user for C2C)",
	"pause":         "users pause pushing and playing",
	"resume":        "users resume",
	"set_beauty":    "users set the beauty level (level: 0-9)",
	"set_view":      "users change the size they show remote video in (view: 180p, 360p, 720p, none); a simulcast SFU switches layers",
	"mark":          "a named instant of the run (name:)",
	"fault":         "a fault through the room service's admin API (fault:)",
	"network":       "users' network changes (network: a preset or mapping; for: how long)",
}

func actionNames() []string {
	out := make([]string, 0, len(Actions))
	for a := range Actions {
		out = append(out, a)
	}
	return sortStrings(out)
}

// maxValidationWork bounds (steps + assertions) × users.
const maxValidationWork = 20_000_000

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// validator collects semantic errors, each placed at the value it is about.
type validator struct {
	c    *Config
	errs ValidationErrors
	// runEnd is the run's duration, or the longest allowed when the file's
	// is invalid (steps are still checked against something sensible).
	runEnd time.Duration
}

func (v *validator) errorf(path, hint, format string, args ...any) {
	v.errs = append(v.errs, &ValidationError{Pos: v.c.PosOf(path), Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// validate checks what the types cannot, fills defaults and lays out the
// users, steps and marks that the plan is built from.
func validate(c *Config) ValidationErrors {
	v := &validator{c: c}
	v.duration()
	if c.Name == "" {
		c.Name = "scenario"
	}
	v.target()
	before := len(v.errs)
	v.rooms()
	v.groups()
	broken := rosterBroken(v.errs[before:])
	// What needs no users is checked even when the groups are unsound, so
	// that every mistake of the file is reported at once.
	v.arrivalValues()
	v.stepTimes()
	if broken {
		return v.errs // selectors mean nothing without valid groups
	}
	c.roster = buildRoster(c)
	// Every step's selector is resolved against every user: bound the work
	// so that a huge generated file fails fast instead of validating for
	// minutes.
	if work := (len(c.Timeline) + len(c.Assertions) + 3) * len(c.roster.users); work > maxValidationWork {
		v.errorf("timeline", "split the scenario, or use fewer steps with spread:", "%d steps and assertions over %d users is too much to plan", len(c.Timeline)+len(c.Assertions), len(c.roster.users))
		return v.errs
	}
	v.uniqueUsers()
	v.arrival()
	v.timeline()
	v.behaviour()
	v.assertions()
	return v.errs
}

// maxDuration is the longest run.
const maxDuration = 24 * time.Hour

// duration checks the run length: absent is DefaultDuration, an explicit
// 0 is a mistake (it would otherwise silently mean the default).
func (v *validator) duration() {
	c := v.c
	v.runEnd = c.Duration.D()
	switch given := v.given("duration"); {
	case c.Duration == 0 && !given:
		c.Duration = Duration(DefaultDuration)
		v.runEnd = DefaultDuration
	case c.Duration == 0:
		v.errorf("duration", fmt.Sprintf("a run lasts more than 0s; omit duration for the default %s", DefaultDuration), "duration 0s is empty")
		v.runEnd = maxDuration
	case c.Duration.D() > maxDuration:
		v.errorf("duration", "split very long runs", "duration %s is longer than 24h", c.Duration)
		v.runEnd = maxDuration
	}
}

// given reports whether the file wrote a value at path (a key with no
// value, null, is absent as far as defaults go).
func (v *validator) given(path string) bool {
	_, ok := v.c.pos[path]
	return ok && !v.c.nulls[path]
}

func (v *validator) target() {
	t := v.c.Target
	v.targetKind()
	if t.AdminURL != "" {
		if u, err := url.Parse(t.AdminURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errorf("target.admin_url", "e.g. http://127.0.0.1:8081", "bad admin URL %q", t.AdminURL)
		}
	}
	cr := v.c.Credentials
	if cr.Secret != "" && (cr.SecretEnv != "" || cr.SignURL != "") {
		v.errorf("credentials.secret", "give one of secret, secret_env and sign_url", "secret conflicts with secret_env/sign_url")
	}
	if cr.SignURL != "" {
		if u, err := url.Parse(cr.SignURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errorf("credentials.sign_url", "e.g. http://127.0.0.1:8090/sign", "bad signing service URL %q", cr.SignURL)
		}
	}
	if t.Embedded() {
		// The embedded service signs with its dev key: a secret or signing
		// service named here would be ignored, however it is set.
		for path, set := range map[string]bool{"credentials.secret": cr.Secret != "", "credentials.secret_env": cr.SecretEnv != "",
			"credentials.sign_url": cr.SignURL != "", "credentials.sign_token_env": cr.SignTokenEnv != ""} {
			if set {
				v.errorf(path, "set target.url to use it, or remove it", "%s is for a running service: the embedded one signs with its published dev key", strings.TrimPrefix(path, "credentials."))
			}
		}
	}
}

func (v *validator) rooms() {
	r := v.c.Rooms
	switch {
	case r.Count < 0:
		v.errorf(v.roomsPath("count"), "", "room count %d is negative", r.Count)
	case len(r.IDs) > 0 && (r.Count > 0 || r.Pattern != "" || r.FirstID != 0):
		v.errorf("rooms", "give a count (with first_id or pattern) or a list of ids, not both", "rooms: ids conflicts with count/first_id/pattern")
	case r.Pattern != "" && r.FirstID != 0:
		v.errorf("rooms.pattern", "string room IDs come from the pattern; drop first_id", "rooms: pattern conflicts with first_id")
	case r.Count == 0 && len(r.IDs) == 0 && !v.given("rooms"):
		v.c.Rooms.Count = 1
	case r.Count == 0 && len(r.IDs) == 0:
		v.errorf("rooms", "e.g. rooms: 3, or rooms: [1001, 1002]", "no rooms")
	}
	if r.Pattern != "" {
		if err := (signature.Room{Str: strings.ReplaceAll(r.Pattern, "{n}", "1")}).Validate(); err != nil {
			v.errorf(v.roomsPath("pattern"), "", "%v", err)
		}
	}
	if r.Pattern != "" && !strings.Contains(r.Pattern, "{n}") && r.Count > 1 {
		v.errorf("rooms.pattern", `include {n}, e.g. "room-{n}"`, "pattern %q gives every room the same ID", r.Pattern)
	}
	if r.Count > maxUsers {
		v.errorf(v.roomsPath("count"), "split the run over machines", "%d rooms is more than %d", r.Count, maxUsers)
	}
	if uint64(r.FirstID)+uint64(max(r.Count, 1))-1 > 4294967295 {
		v.errorf("rooms.first_id", "room IDs are 1..4294967295", "first_id %d + count %d overflows the room ID", r.FirstID, r.Count)
	}
	seen := map[uint32]bool{}
	for i, id := range r.IDs {
		p := fmt.Sprintf("rooms[%d]", i)
		if v.c.pos["rooms.ids"] != (Pos{}) {
			p = fmt.Sprintf("rooms.ids[%d]", i)
		}
		if id == 0 {
			v.errorf(p, "room IDs are 1..4294967295", "room ID 0 is invalid")
		}
		if seen[id] {
			v.errorf(p, "", "room %d listed twice", id)
		}
		seen[id] = true
	}
}

func (v *validator) groups() {
	c := v.c
	if len(c.Groups) == 0 {
		v.errorf("groups", "add e.g. groups: [{name: hosts, per_room: 2}]", "no groups of users")
		return
	}
	rooms := map[string]bool{}
	var roomNames []string
	for _, r := range buildRooms(c) {
		rooms[r.Name()] = true
		roomNames = append(roomNames, r.Name())
	}
	names := map[string]bool{}
	total := 0
	for i := range c.Groups {
		g := &c.Groups[i]
		p := fmt.Sprintf("groups[%d]", i)
		switch {
		case g.Name == "":
			v.errorf(p, "add name: hosts", "group without a name")
		case !nameRE.MatchString(g.Name):
			v.errorf(p+".name", "letters, digits, _, - and .", "bad group name %q", g.Name)
		case names[g.Name]:
			v.errorf(p+".name", "group names must be unique", "group %q defined twice", g.Name)
		}
		names[g.Name] = true
		countPath := p + ".count" // where a count mistake is: the key written, else the group
		if !v.given(countPath) {
			countPath = p + ".per_room"
			if !v.given(countPath) {
				countPath = p
			}
		}
		switch {
		case g.Count < 0:
			v.errorf(p+".count", "", "negative user count %d", g.Count)
		case g.PerRoom < 0:
			v.errorf(p+".per_room", "", "negative user count %d", g.PerRoom)
		case g.Count > maxUsers:
			v.errorf(p+".count", "split the run over machines", "%d users is more than %d", g.Count, maxUsers)
			continue
		case g.PerRoom > maxUsers:
			v.errorf(p+".per_room", "split the run over machines", "%d users is more than %d", g.PerRoom, maxUsers)
			continue
		case g.Count > 0 && g.PerRoom > 0:
			v.errorf(p+".per_room", "give count (spread over the rooms) or per_room, not both", "count and per_room both set")
		case g.Count == 0 && g.PerRoom == 0:
			v.errorf(countPath, "add count: N or per_room: N", "group %q has no users", g.Name)
		}
		nRooms := len(g.Rooms)
		if nRooms == 0 {
			nRooms = len(roomNames)
		}
		total += g.Count + g.PerRoom*nRooms
		for j, r := range g.Rooms {
			if !rooms[r] {
				v.errorf(fmt.Sprintf("%s.rooms[%d]", p, j), didYouMean(r, roomNames), "undefined room %q", r)
			}
		}
		if g.UserID != "" && g.Count+g.PerRoom*nRooms > 1 && !strings.Contains(g.UserID, "{i}") && !strings.Contains(g.UserID, "{n}") {
			v.errorf(p+".user_id", `include {i}, e.g. "host-{i}"`, "user_id pattern %q gives every user the same ID", g.UserID)
		}
		v.oneOf(p+".role", &g.Role, "anchor", "anchor", "audience")
		v.oneOf(p+".recvmode", &g.RecvMode, "all", "all", "audio", "video", "none")
		v.oneOf(p+".join", &g.Join, "auto", "auto", "manual")
		v.oneOf(p+".media.codec", &g.Media.Codec, "vp8", "vp8", "h264")
		v.oneOf(p+".media.resolution", &g.Media.Resolution, "360p", "180p", "360p", "720p")
		v.oneOf(p+".media.camera", &g.Media.Camera, "front", "front", "back")
		if g.Media.View != "" {
			v.oneOf(p+".media.view", &g.Media.View, "", "180p", "360p", "720p")
		}
		if g.Media.Simulcast && g.Media.Live {
			v.errorf(p+".media.simulcast", "simulcast replays the 180p/360p/720p fixtures; remove live or simulcast", "simulcast with live: true")
		}
		if g.Media.Live && !live.Available {
			v.errorf(p+".media.live", "build roombot with -tags live (cgo, libvpx), or replay fixtures", "live encoding is not in this binary")
		}
		if g.Media.Live && g.Media.Codec != "vp8" {
			v.errorf(p+".media.codec", "live encoding is VP8 only", "codec %s with live: true", g.Media.Codec)
		}
		if g.MaxMembers < 0 {
			v.errorf(p+".max_members", "0 means no limit", "max_members %d is negative", g.MaxMembers)
		}
		if g.Permissions != nil && (g.Permissions.Privileges > 255 || g.Permissions.Privileges == 0) {
			v.errorf(p+".permissions.privileges", "privilege bits are 1..255 (255 = all; reference §2.2)", "privileges %d out of range", g.Permissions.Privileges)
		}
		v.network(p+".network", g.Network)
	}
	if total > maxUsers {
		v.errorf("groups", "split the run over machines", "%d users is more than %d", total, maxUsers)
	}
	v.browserGroups()
}

// oneOf checks an enumerated string field and fills its default.
func (v *validator) oneOf(path string, s *string, def string, allowed ...string) {
	if *s == "" {
		*s = def
		return
	}
	for _, a := range allowed {
		if *s == a {
			return
		}
	}
	v.errorf(path, didYouMean(*s, allowed), "unknown value %q", *s)
}

func (v *validator) uniqueUsers() {
	seen := map[string]string{}
	for _, u := range v.c.roster.users {
		gp := v.groupPath(u.Group)
		if err := signature.ValidateUserID(u.ID); err != nil {
			v.errorf(gp+".user_id", "userIDs are 1-32 letters, digits, _ or -", "%v", err)
			return
		}
		if other, dup := seen[u.ID]; dup {
			v.errorf(gp+".user_id", "use {i}, {room} or {n} in user_id patterns so that IDs differ", "user ID %q is used by groups %q and %q", u.ID, other, u.Group)
			return
		}
		seen[u.ID] = u.Group
	}
}

func (v *validator) groupPath(name string) string {
	for i, g := range v.c.Groups {
		if g.Name == name {
			return fmt.Sprintf("groups[%d]", i)
		}
	}
	return "groups"
}

// selector resolves sel at path, reporting a mistake there.
func (v *validator) selector(path string, sel Selector) []*User {
	users, hint, err := v.c.roster.selectUsers(sel)
	if err != nil {
		v.errorf(path, hint, "%v", err)
	}
	return users
}

// arrivalValues checks the arrival's own values (no users needed). An
// explicit rate 0 or over 0s is a mistake; absent, the defaults apply.
func (v *validator) arrivalValues() {
	a := &v.c.Arrival
	v.oneOf("arrival.shape", &a.Shape, "linear", "linear", "ramp", "steps", "poisson")
	switch {
	case a.Rate < 0:
		v.errorf("arrival.rate", "", "arrival rate %v/s is negative", a.Rate)
	case a.Rate == 0 && v.given("arrival.rate"):
		v.errorf("arrival.rate", fmt.Sprintf("joins per second, > 0; omit rate for the default %v/s", DefaultRate), "arrival rate 0/s starts no one")
	case a.Rate == 0:
		a.Rate = DefaultRate
	case a.Rate > 10000:
		v.errorf("arrival.rate", "", "arrival rate %v/s is more than 10000/s", a.Rate)
	}
	if a.From < 0 {
		v.errorf("arrival.from", "", "arrival rate from %v/s is negative", a.From)
	}
	overGiven := v.given("arrival.over")
	if a.Over == 0 && overGiven {
		v.errorf("arrival.over", "the time the joins are spread over, > 0; omit over to use rate", "over 0s spreads nothing")
	}
	switch a.Shape {
	case "ramp":
		if a.Over == 0 && !overGiven {
			v.errorf("arrival.shape", "add over: 30s (the ramp duration)", "a ramp needs over:")
		}
	case "steps":
		if len(a.Steps) == 0 {
			v.errorf("arrival.shape", "add steps: [{rate: 2, for: 10s}, {rate: 5, for: 10s}]", "steps arrival without steps")
		}
		for i, s := range a.Steps {
			if s.Rate <= 0 {
				v.errorf(fmt.Sprintf("arrival.steps[%d].rate", i), "", "step rate must be > 0")
			}
			if s.For == 0 && i < len(a.Steps)-1 {
				v.errorf(fmt.Sprintf("arrival.steps[%d]", i), "add for: 10s", "step needs a duration")
			}
		}
	default:
		if len(a.Steps) > 0 {
			v.errorf("arrival.steps", "set shape: steps", "steps given for shape %q", a.Shape)
		}
	}
	if a.Start.D() >= v.c.Duration.D() && v.c.Duration > 0 {
		v.errorf("arrival.start", "", "arrival starts at %s, after the run's end (%s)", a.Start, v.c.Duration)
	}
}

// arrival checks what the arrival says about the users.
func (v *validator) arrival() {
	a := &v.c.Arrival
	auto := 0
	for _, u := range v.c.roster.users {
		if u.Auto {
			auto++
		}
	}
	if a.Total < 0 || a.Total > auto {
		v.errorf("arrival.total", fmt.Sprintf("the auto-join groups have %d users", auto), "arrival total %d out of range", a.Total)
	}
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func quote(s string) string { return strconv.Quote(s) }

// roomsPath is the path of a rooms key, or of rooms itself when it was
// written as a bare count.
func (v *validator) roomsPath(key string) string {
	if _, ok := v.c.pos["rooms."+key]; ok {
		return "rooms." + key
	}
	return "rooms"
}

// rosterBroken reports whether errs (from the rooms and groups checks)
// leave the set of users unknown. A group's media, network or permission
// mistakes do not: its users still exist, so selectors, steps and
// assertions can be checked too and every mistake is reported at once.
func rosterBroken(errs ValidationErrors) bool {
	for _, e := range errs {
		if !groupDetail.MatchString(e.Path) {
			return true
		}
	}
	return false
}

var groupDetail = regexp.MustCompile(`^groups\[\d+\]\.(media|network|permissions|recvmode|role|im|muted|camera_off|max_members)(\.|\[|$)`)
