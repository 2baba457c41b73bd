package scenario

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Room is one room of a scenario.
type Room struct {
	ID    uint32 // numeric room ID; zero when StrID is used
	StrID string // string room ID (strRoomID)
}

// Name is the room's ID as text (the numeric ID or the string ID).
func (r Room) Name() string {
	if r.StrID != "" {
		return r.StrID
	}
	return strconv.FormatUint(uint64(r.ID), 10)
}

// User is one planned participant: its userID, group, room and settings.
type User struct {
	ID         string
	Group      string
	GroupIndex int // 1-based index in its group
	RoomIndex  int // 1-based index among its group's users in its room
	Room       Room
	// Auto is true when the arrival process starts the user (join: auto).
	Auto   bool
	Config *GroupConfig
}

// roster is every room and user of a Config, in arrival order: room by
// room, and in each room group by group, so that under a ramp rooms fill
// one after another.
type roster struct {
	rooms  []Room
	users  []*User
	byID   map[string]*User
	groups map[string][]*User // group → users by GroupIndex
}

// maxUsers bounds the users (and rooms) of one scenario file.
const maxUsers = 100000

func buildRooms(c *Config) []Room {
	rc := c.Rooms
	rc.Count = min(rc.Count, maxUsers) // validation reports more
	var rooms []Room
	switch {
	case len(rc.IDs) > 0:
		for _, id := range rc.IDs {
			rooms = append(rooms, Room{ID: id})
		}
	case rc.Pattern != "":
		for n := 1; n <= max(rc.Count, 1); n++ {
			rooms = append(rooms, Room{StrID: strings.ReplaceAll(rc.Pattern, "{n}", strconv.Itoa(n))})
		}
	default:
		first := rc.FirstID
		if first == 0 {
			first = DefaultFirstRoomID
		}
		for n := 0; n < max(rc.Count, 1); n++ {
			rooms = append(rooms, Room{ID: first + uint32(n)})
		}
	}
	return rooms
}

// userID expands a group's userID pattern.
func userID(pattern, group string, i int, room Room, n int) string {
	r := strings.NewReplacer("{group}", group, "{i}", strconv.Itoa(i), "{room}", room.Name(), "{n}", strconv.Itoa(n))
	return r.Replace(pattern)
}

// buildRoster lays out users; it assumes the group fields were checked.
func buildRoster(c *Config) *roster {
	r := &roster{rooms: buildRooms(c), byID: map[string]*User{}, groups: map[string][]*User{}}
	roomOrder := map[string]int{}
	for i, room := range r.rooms {
		roomOrder[room.Name()] = i
	}
	for gi := range c.Groups {
		g := &c.Groups[gi]
		var rooms []Room
		if len(g.Rooms) == 0 {
			rooms = r.rooms
		} else {
			for _, name := range g.Rooms {
				if i, ok := roomOrder[name]; ok {
					rooms = append(rooms, r.rooms[i])
				}
			}
		}
		if len(rooms) == 0 {
			continue
		}
		pattern := g.UserID
		if pattern == "" {
			pattern = "{group}-{i}"
		}
		inRoom := map[string]int{}
		add := func(i int, room Room) {
			inRoom[room.Name()]++
			n := inRoom[room.Name()]
			u := &User{ID: userID(pattern, g.Name, i, room, n), Group: g.Name, GroupIndex: i, RoomIndex: n,
				Room: room, Auto: g.Join != "manual", Config: g}
			r.users = append(r.users, u)
			r.groups[g.Name] = append(r.groups[g.Name], u)
		}
		if g.PerRoom > 0 {
			i := 0
			for _, room := range rooms {
				for n := 0; n < g.PerRoom; n++ {
					i++
					add(i, room)
				}
			}
		} else {
			for i := 1; i <= g.Count; i++ {
				add(i, rooms[(i-1)%len(rooms)])
			}
		}
	}
	groupOrder := map[string]int{}
	for i, g := range c.Groups {
		groupOrder[g.Name] = i
	}
	sort.SliceStable(r.users, func(a, b int) bool {
		ua, ub := r.users[a], r.users[b]
		if ra, rb := roomOrder[ua.Room.Name()], roomOrder[ub.Room.Name()]; ra != rb {
			return ra < rb
		}
		if ga, gb := groupOrder[ua.Group], groupOrder[ub.Group]; ga != gb {
			return ga < gb
		}
		return ua.GroupIndex < ub.GroupIndex
	})
	for _, u := range r.users {
		if _, dup := r.byID[u.ID]; !dup {
			r.byID[u.ID] = u
		}
	}
	return r
}

// selectUsers resolves a selector to users in roster order. The error
// names the first term that is wrong, with a hint.
func (r *roster) selectUsers(sel Selector) ([]*User, string, error) {
	s := strings.TrimSpace(string(sel))
	if s == "" {
		return nil, `write e.g. "all", "group:hosts", "user:u3" or "room:1001"`, fmt.Errorf("empty selector")
	}
	picked := map[*User]bool{}
	for _, term := range strings.Split(s, ",") {
		term = strings.TrimSpace(term)
		kind, arg, _ := strings.Cut(term, ":")
		switch kind {
		case "all":
			if arg != "" {
				return nil, `"all" takes no argument`, fmt.Errorf("bad selector term %q", term)
			}
			for _, u := range r.users {
				picked[u] = true
			}
		case "group":
			name, rng, hasRange := strings.Cut(arg, "[")
			users, ok := r.groups[name]
			if !ok {
				return nil, didYouMean(name, r.groupNames()), fmt.Errorf("undefined group %q", name)
			}
			lo, hi := 1, len(users)
			if hasRange {
				var err error
				if lo, hi, err = parseRange(strings.TrimSuffix(rng, "]"), len(users)); err != nil || !strings.HasSuffix(rng, "]") {
					return nil, fmt.Sprintf("group %s has users 1..%d; write group:%s[1:%d]", name, len(users), name, len(users)),
						fmt.Errorf("bad index range in %q", term)
				}
			}
			for _, u := range users[lo-1 : hi] {
				picked[u] = true
			}
		case "user":
			u, ok := r.byID[arg]
			if !ok {
				return nil, didYouMean(arg, r.userIDs()), fmt.Errorf("selector %q matches no user", term)
			}
			picked[u] = true
		case "room":
			found := false
			for _, u := range r.users {
				if u.Room.Name() == arg {
					picked[u] = true
					found = true
				}
			}
			if !found {
				return nil, "rooms: " + r.roomNames(), fmt.Errorf("selector %q matches no user", term)
			}
		default:
			return nil, `a term is all, group:NAME, group:NAME[i:j], user:ID or room:ID`, fmt.Errorf("bad selector term %q", term)
		}
	}
	var out []*User
	for _, u := range r.users {
		if picked[u] {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, "", fmt.Errorf("selector %q matches no user", s)
	}
	return out, "", nil
}

func parseRange(s string, n int) (int, int, error) {
	a, b, isRange := strings.Cut(s, ":")
	lo, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, err
	}
	hi := lo
	if isRange {
		if hi, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return 0, 0, err
		}
	}
	if lo < 1 || hi < lo || hi > n {
		return 0, 0, fmt.Errorf("out of range")
	}
	return lo, hi, nil
}

func (r *roster) groupNames() []string {
	var out []string
	for g := range r.groups {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

func (r *roster) userIDs() []string {
	var out []string
	for _, u := range r.users {
		out = append(out, u.ID)
		if len(out) > 200 {
			break
		}
	}
	return out
}

func (r *roster) roomNames() string {
	var out []string
	for _, room := range r.rooms {
		out = append(out, room.Name())
		if len(out) >= 10 {
			out = append(out, "…")
			break
		}
	}
	return strings.Join(out, ", ")
}
