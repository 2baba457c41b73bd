package janus

import "github.com/roombot/roombot/signaling"

// WithBeforePublish runs f between entering the room and publishing.
func WithBeforePublish(f func()) Option {
	return func(d *Driver) error { d.beforePublish = f; return nil }
}

// ForceSubscribe makes sess subscribe to user now, as if user published
// video (mid 0) and audio (mid 1): a subscription to a participant that
// has joined but not published yet, which Janus answers with 428.
func ForceSubscribe(sess signaling.Session, user string) {
	s := sess.(*session)
	s.work.Push(func() {
		s.mu.Lock()
		for _, pe := range s.peers {
			if pe.user == user && !pe.publishing {
				pe.publishing = true
				pe.streams = []pubStream{{Type: "video", Mid: "0"}, {Type: "audio", Mid: "1"}}
			}
		}
		s.mu.Unlock()
		s.syncSubscriptions()
	})
}

// Retries428 is how often sess was answered 428 (or had a feed skipped).
func Retries428(sess signaling.Session) int64 { return sess.(*session).retries428.Load() }
