package bot

import (
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
)

// stall is a remote user whose expected media stopped arriving, as this
// bot's player sees it.
type stall struct {
	since  time.Time // the last packet before the silence
	gaveUp bool
}

// playerLoop watches the remote users' media like the component's
// live-players: a user whose expected media (not muted, not off, not
// blocked) has been silent for PlayerStall raises 2103 (reconnecting);
// media that resumes raises recovered (Value: the silence in ms); silence
// for Attempts·Interval more raises -2301 and drops the user, as the
// component removes the member on -2301.
func (b *Bot) playerLoop() {
	defer b.wg.Done()
	t := time.NewTicker(b.reconnect.PlayerStall / 4)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.checkPlayers(b.now())
		}
	}
}

func (b *Bot) checkPlayers(now time.Time) {
	r := b.reconnect
	giveUp := r.PlayerStall + time.Duration(r.Attempts)*r.Interval
	var evs []reports.Event
	b.mu.Lock()
	if b.state != stateIn {
		b.mu.Unlock()
		return
	}
	if b.stalls == nil {
		b.stalls = map[string]*stall{}
	}
	for id := range b.stalls {
		if _, ok := b.remotes[id]; !ok {
			delete(b.stalls, id)
		}
	}
	for id, u := range b.remotes {
		var last int64
		for _, rt := range u.tracks {
			expected := (rt.kind == "video" && u.recvVideo && !u.member.VideoOff) ||
				(rt.kind == "audio" && u.recvAudio && !u.member.AudioMuted)
			if l := rt.lastPkt.Load(); expected && l > last {
				last = l
			}
		}
		st := b.stalls[id]
		if last == 0 {
			continue // nothing expected, or nothing ever came
		}
		silent := now.Sub(time.Unix(0, last))
		switch {
		case st == nil && silent >= r.PlayerStall:
			b.stalls[id] = &stall{since: time.Unix(0, last)}
			evs = append(evs, reports.Event{Kind: reports.KindRoom, Event: reports.EvReconnecting, Tag: "warning",
				Code: codes.WarnPlayerReconnect, Remote: id, Message: "no media for " + silent.Round(time.Millisecond).String()})
		case st != nil && !st.gaveUp && silent < r.PlayerStall:
			delete(b.stalls, id)
			evs = append(evs, reports.Event{Kind: reports.KindRoom, Event: reports.EvRecovered, Remote: id,
				Value: msSince(time.Unix(0, last), st.since), Message: "media resumed"})
		case st != nil && !st.gaveUp && silent >= giveUp:
			st.gaveUp = true
			delete(b.remotes, id)
			evs = append(evs, reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error",
				Code: codes.ErrPlayerNetworkLost, Remote: id, Message: "player network lost after repeated reconnects"})
		}
	}
	b.mu.Unlock()
	for _, e := range evs {
		b.emit(e)
	}
}
