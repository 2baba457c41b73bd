package scenario

import (
	"math/rand/v2"
	"time"
)

// exp draws an exponential duration with the given mean, at least 20 ms
// so that two actions on one bot never land on the same instant.
func exp(r *rand.Rand, mean Duration) time.Duration {
	return max(time.Duration(r.ExpFloat64()*float64(mean)), 20*time.Millisecond)
}

// talk plans a conversation per room among the selected users: the room
// alternates mutual silence, single talk and double talk (at most
// MaxSpeakers at once) with exponential durations. Every talker is muted
// when the model starts in its room.
func (p *Plan) talk(t *TalkConfig, joins map[string]time.Duration, r *rand.Rand) {
	users, _, _ := p.Config.roster.selectUsers(t.Users)
	byRoom := map[string][]*User{}
	var order []string
	for _, u := range users {
		if _, ok := joins[u.ID]; !ok {
			continue // never joins
		}
		k := u.Room.Name()
		if _, ok := byRoom[k]; !ok {
			order = append(order, k)
		}
		byRoom[k] = append(byRoom[k], u)
	}
	add := func(at time.Duration, name, user string) {
		p.Actions = append(p.Actions, Action{At: at, Name: name, User: user, Source: "talk"})
	}
	for _, room := range order {
		talkers := byRoom[room]
		start := t.From.D()
		for _, u := range talkers {
			start = max(start, joins[u.ID]+settle)
		}
		if start >= t.Until.D() {
			continue
		}
		for _, u := range talkers {
			add(start, "mute", u.ID)
		}
		var speaking []*User
		now := start
		for {
			var d Duration
			switch len(speaking) {
			case 0:
				d = t.Silence
			case 1:
				d = t.Single
			default:
				d = t.Double
			}
			now += exp(r, d)
			if now >= t.Until.D() {
				break
			}
			switch {
			case len(speaking) == 0:
				u := talkers[r.IntN(len(talkers))]
				speaking = append(speaking, u)
				add(now, "unmute", u.ID)
			case len(speaking) == 1 && t.MaxSpeakers > 1 && len(talkers) > 1 && r.IntN(2) == 0:
				var u *User
				for u = talkers[r.IntN(len(talkers))]; u == speaking[0]; u = talkers[r.IntN(len(talkers))] {
				}
				speaking = append(speaking, u)
				add(now, "unmute", u.ID)
			default:
				i := r.IntN(len(speaking))
				add(now, "mute", speaking[i].ID)
				speaking = append(speaking[:i], speaking[i+1:]...)
			}
		}
	}
}

// cameras plans camera off/on toggles per selected user.
func (p *Plan) cameras(t *ToggleConfig, joins map[string]time.Duration, r *rand.Rand) {
	users, _, _ := p.Config.roster.selectUsers(t.Users)
	for _, u := range users {
		j, ok := joins[u.ID]
		if !ok {
			continue
		}
		now, on := max(t.From.D(), j+settle), true
		for {
			if on {
				now += exp(r, t.MeanOn)
			} else {
				now += exp(r, t.MeanOff)
			}
			if now >= t.Until.D() {
				break
			}
			name := "camera_off"
			if !on {
				name = "camera_on"
			}
			p.Actions = append(p.Actions, Action{At: now, Name: name, User: u.ID, Source: "camera"})
			on = !on
		}
	}
}

// churn plans leave/rejoin pairs per selected user; a pair is planned only
// if the rejoin fits before Until, so users end the period in the room.
func (p *Plan) churn(t *ChurnConfig, joins map[string]time.Duration, r *rand.Rand) {
	users, _, _ := p.Config.roster.selectUsers(t.Users)
	for _, u := range users {
		j, ok := joins[u.ID]
		if !ok {
			continue
		}
		now := max(t.From.D(), j+settle)
		for {
			leave := now + exp(r, t.MeanOnline)
			back := leave + exp(r, t.MeanOffline)
			if back >= t.Until.D() {
				break
			}
			p.Actions = append(p.Actions,
				Action{At: leave, Name: "stop", User: u.ID, Source: "churn"},
				Action{At: back, Name: "start", User: u.ID, Source: "churn"})
			now = back
		}
	}
}
