package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// shardScenario has every kind of action a split must keep: seeded talk,
// camera and churn, user, room and global faults, and remote lists.
const shardScenario = `
seed: 11
duration: 40s
rooms: 5
groups:
  - {name: h, per_room: 3}
  - {name: big, per_room: 4, rooms: [1003]}
  - {name: late, count: 2, join: manual}
arrival: {shape: poisson, rate: 8}
timeline:
  - {at: 2s, action: mark, name: m}
  - {at: 3s, fault: {fail_enter: {user: late-1, code: -100018}}}
  - {at: 4s, fault: {dismiss: {room: 1004}}}
  - {at: 4500ms, fault: {delay: {duration: 10ms}}}
  - {at: 5s, action: start, users: "group:late", spread: 1s}
  - {at: 7s, action: block_audio, users: "group:h[1]", remote: "room:1001"}
  - {at: 8s, action: send_im, users: "group:h[2]", to: h-1, text: hi}
behaviour:
  talk: {users: "group:h,group:big"}
  camera: {users: "group:h", mean_on: 5s, mean_off: 2s}
  churn: {users: "group:late", mean_online: 10s, mean_offline: 2s}
`

func key(a Action) string {
	return fmt.Sprintf("%v %s %s %v %s %s", a.At, a.Name, a.User, a.Remote, a.Source, a.Text)
}

// TestShardsPlayTheScenario: for every split, each user is on exactly one
// shard with exactly the actions (times, seeded behaviour) the whole plan
// gives it, rooms stay whole by default, marks are everywhere and faults
// are played where their user or room is.
func TestShardsPlayTheScenario(t *testing.T) {
	t.Parallel()
	shared := shardScenario + "target: {url: 'ws://127.0.0.1:1/ws'}\n"
	for _, tc := range []struct {
		name, src string
		by        ShardBy
		embedded  bool
	}{
		{"embedded by room", shardScenario, ByRoom, true},
		{"shared by room", shared, ByRoom, false},
		{"shared by user", shared, ByUser, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			whole := mustPlan(t, tc.src)
			perUser := map[string][]string{}
			for _, a := range whole.Actions {
				if a.User != "" {
					perUser[a.User] = append(perUser[a.User], key(a))
				}
			}
			for n := 1; n <= 5; n++ {
				owner := map[string]int{}
				roomOwner := map[string]int{}
				faults := map[string]int{}
				for i := range n {
					p := mustPlan(t, tc.src) // laid out afresh: nothing shared with the whole plan
					part, err := p.Shard(Shard{Index: i, Count: n, By: tc.by})
					if err != nil {
						t.Fatalf("%d/%d: %v", i, n, err)
					}
					got := map[string][]string{}
					marks := 0
					for _, a := range part.Actions {
						switch {
						case a.User != "":
							got[a.User] = append(got[a.User], key(a))
						case a.Name == "mark":
							marks++
						case a.Fault != nil:
							faults[a.Source]++
						}
					}
					if marks != 1 {
						t.Errorf("%d/%d: %d marks, want the one mark in every shard", i, n, marks)
					}
					if len(part.Users) == 0 {
						t.Errorf("%d/%d: no users", i, n)
					}
					for _, u := range part.Users {
						if o, dup := owner[u.ID]; dup {
							t.Fatalf("user %s on shards %d and %d", u.ID, o, i)
						}
						owner[u.ID] = i
						if d := cmp.Diff(perUser[u.ID], got[u.ID]); d != "" {
							t.Errorf("%d/%d: user %s's actions differ from the whole plan's (-whole +shard)\n%s", i, n, u.ID, d)
						}
						delete(got, u.ID)
						if tc.by == ByRoom {
							if o, ok := roomOwner[u.Room.Name()]; ok && o != i {
								t.Errorf("%d/%d: room %s split over shards %d and %d", i, n, u.Room.Name(), o, i)
							}
							roomOwner[u.Room.Name()] = i
						}
					}
					if len(got) > 0 {
						t.Errorf("%d/%d: actions for users not on the shard: %v", i, n, got)
					}
				}
				if len(owner) != len(whole.Users) {
					t.Errorf("%d shards play %d of %d users", n, len(owner), len(whole.Users))
				}
				// The user and room faults once; the global one once per service.
				global := 1
				if tc.embedded {
					global = n
				}
				want := map[string]int{"timeline[1]": 1, "timeline[2]": 1, "timeline[3]": global}
				if d := cmp.Diff(want, faults); d != "" {
					t.Errorf("%d shards: faults played (-want +got)\n%s", n, d)
				}
			}
		})
	}
}

// TestShardBalance: rooms of unequal size go where the fewest users are.
func TestShardBalance(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, shardScenario)
	a, err := p.Assign(2, ByRoom)
	if err != nil {
		t.Fatal(err)
	}
	// rooms 1001..1005 hold 3+1 (late-1), 3+1 (late-2), 3+4, 3, 3 users:
	// 1001→0, 1002→1, 1003→0 (a 4:4 tie goes to the lower index), then
	// 1004 and 1005→1 (11:4, 11:7).
	want := map[string]int{"1001": 0, "1002": 1, "1003": 0, "1004": 1, "1005": 1}
	if d := cmp.Diff(want, a.Room); d != "" {
		t.Errorf("rooms (-want +got)\n%s", d)
	}
	load := [2]int{}
	for _, s := range a.User {
		load[s]++
	}
	if load != [2]int{11, 10} {
		t.Errorf("users per shard %v, want [11 10]", load)
	}
}

func TestShardErrors(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, shardScenario)
	for _, tc := range []struct {
		spec, by, want string
	}{
		{"3", "", "write I/N"},
		{"a/3", "", "integers"},
		{"3/3", "", "0-based, 0..2"},
		{"0/0", "", "must be 1.."},
		{"0/2", "machine", `split by "machine"`},
	} {
		if _, err := ParseShard(tc.spec, tc.by); err == nil || !errors.Is(err, ErrShard) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseShard(%q, %q) = %v, want an ErrShard saying %q", tc.spec, tc.by, err, tc.want)
		}
	}
	if _, err := p.Shard(Shard{Index: 0, Count: 6, By: ByRoom}); err == nil || !strings.Contains(err.Error(), "6 shards but 5 rooms") {
		t.Errorf("6 shards of 5 rooms: %v", err)
	}
	if _, err := p.Shard(Shard{Index: 0, Count: 2, By: ByUser}); err == nil || !strings.Contains(err.Error(), "needs a shared target") {
		t.Errorf("by user on the embedded service: %v", err)
	}
	// A C2C message to a user of another room, and so of another shard.
	cross := mustPlan(t, strings.Replace(shardScenario, "to: h-1, text: hi", "to: h-4, text: hi", 1))
	if _, err := cross.Shard(Shard{Index: 1, Count: 2, By: ByRoom}); err == nil || !strings.Contains(err.Error(), "send_im (timeline[6]) of h-2 names h-4, which shard 1 plays") {
		t.Errorf("C2C across shards on the embedded service: %v", err)
	}
	shared := mustPlan(t, strings.Replace(shardScenario, "to: h-1, text: hi", "to: h-4, text: hi", 1)+"target: {url: 'ws://127.0.0.1:1/ws'}\n")
	if _, err := shared.Shard(Shard{Index: 1, Count: 2, By: ByRoom}); err != nil {
		t.Errorf("C2C across shards on a shared target: %v", err)
	}
}

func TestShardPrintout(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, shardScenario)
	part, err := p.Shard(Shard{Index: 1, Count: 2, By: ByRoom})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := part.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`21 users in 5 rooms`, "shard 1/2 (by room): 10 users in 3 rooms of this scenario", " late-2 "} {
		if !strings.Contains(out, want) {
			t.Errorf("printout lacks %q:\n%s", want, out[:min(800, len(out))])
		}
	}
	if strings.Contains(out, " h-1 ") || strings.Contains(out, " big-1 ") {
		t.Errorf("shard 1 printout shows h-1 of room 1001 (shard 0):\n%s", out[:min(800, len(out))])
	}
}
