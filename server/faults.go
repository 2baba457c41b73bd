package server

import (
	"sync"
	"time"
)

// EnterFault makes the next Count enters that match it fail with Code.
// Empty/zero selectors match anything.
type EnterFault struct {
	SDKAppID  uint32 `json:"sdkAppID,omitempty"`
	UserID    string `json:"userID,omitempty"`
	RoomID    uint32 `json:"roomID,omitempty"`
	StrRoomID string `json:"strRoomID,omitempty"`
	Count     int    `json:"count"`
	Code      int    `json:"code"`
	Message   string `json:"message,omitempty"`
}

func (f *EnterFault) matches(app uint32, user string, roomID uint32, str string) bool {
	return (f.SDKAppID == 0 || f.SDKAppID == app) && (f.UserID == "" || f.UserID == user) &&
		(f.RoomID == 0 || f.RoomID == roomID) && (f.StrRoomID == "" || f.StrRoomID == str)
}

// Faults is the admin fault state, as listed by GET /admin/faults.
type Faults struct {
	Enters []EnterFault `json:"enters"`
	// Delays maps a userID ("" = every connection) to the delay added
	// before each signaling reply, as a Go duration string.
	Delays map[string]string `json:"delays"`
}

// faults holds the injected failures; safe for concurrent use.
type faults struct {
	mu     sync.Mutex
	enters []*EnterFault
	delays map[string]time.Duration
}

func (f *faults) addEnter(e EnterFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enters = append(f.enters, &e)
}

// takeEnter consumes one matching enter fault.
func (f *faults) takeEnter(app uint32, user string, roomID uint32, str string) (code int, msg string, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, e := range f.enters {
		if !e.matches(app, user, roomID, str) {
			continue
		}
		e.Count--
		if e.Count <= 0 {
			f.enters = append(f.enters[:i], f.enters[i+1:]...)
		}
		msg = e.Message
		if msg == "" {
			msg = "injected by the admin fault API"
		}
		return e.Code, msg, true
	}
	return 0, "", false
}

func (f *faults) setDelay(user string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.delays == nil {
		f.delays = map[string]time.Duration{}
	}
	if d <= 0 {
		delete(f.delays, user)
		return
	}
	f.delays[user] = d
}

func (f *faults) replyDelay(user string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.delays) == 0 {
		return 0
	}
	d := f.delays[""]
	if u, ok := f.delays[user]; ok && user != "" {
		d += u
	}
	return d
}

func (f *faults) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enters, f.delays = nil, nil
}

func (f *faults) snapshot() Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := Faults{Enters: []EnterFault{}, Delays: map[string]string{}}
	for _, e := range f.enters {
		out.Enters = append(out.Enters, *e)
	}
	for u, d := range f.delays {
		out.Delays[u] = d.String()
	}
	return out
}
