package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// Reconnect is how a bot behaves when its signaling or media connection
// is lost, as the TRTC SDK does: it raises 1102 (reconnecting; IM
// connection_event 1), waits Interval, re-enters through the driver with
// the same userID, publishes again and waits for media; a success raises
// recovered (Value: the outage in ms; IM connection_event 0). Each attempt
// raises 1102 again; after Attempts failed attempts it raises -1307, the
// component's -6 (IM connection_event 9999) and leaves (1019).
//
// The defaults are the SDK's (TXLivePushConfig / TXLivePlayConfig
// connectRetryCount 3 in 1–10, connectRetryInterval 3 s in 3–30 s).
type Reconnect struct {
	// Attempts is how many times the bot tries to re-enter (1–10), or 0
	// for no reconnection: a lost connection ends the session at once
	// with -1307 and -6.
	Attempts int
	// Interval is the wait before each attempt and the time an attempt
	// has to re-enter and connect media (3–30 s).
	Interval time.Duration
	// LostAfter is how long the media connection may receive nothing
	// before it counts as lost (ICE "disconnected"; at least 500 ms).
	LostAfter time.Duration
	// PlayerStall is how long a remote user's expected media may be
	// silent before this bot's player raises 2103 (reconnecting) for that
	// user; after Attempts·Interval more it raises -2301 and drops the
	// user, as the component does.
	PlayerStall time.Duration
}

// Reconnection defaults: the SDK's retry count and interval; LostAfter and
// PlayerStall are roombot's (docs/network.md says why).
const (
	DefaultReconnectAttempts = 3
	DefaultReconnectInterval = 3 * time.Second
	DefaultLostAfter         = 1500 * time.Millisecond
	DefaultPlayerStall       = 3 * time.Second
)

// DefaultReconnect is the SDK's reconnection behaviour.
var DefaultReconnect = Reconnect{Attempts: DefaultReconnectAttempts, Interval: DefaultReconnectInterval,
	LostAfter: DefaultLostAfter, PlayerStall: DefaultPlayerStall}

// Validate checks r against the SDK's ranges.
func (r Reconnect) Validate() error {
	var errs []error
	if r.Attempts < 0 || r.Attempts > 10 {
		errs = append(errs, fmt.Errorf("bot: reconnect attempts must be 0..10 (connectRetryCount), got %d", r.Attempts))
	}
	if r.Attempts > 0 && (r.Interval < 3*time.Second || r.Interval > 30*time.Second) {
		errs = append(errs, fmt.Errorf("bot: reconnect interval must be 3s..30s (connectRetryInterval), got %v", r.Interval))
	}
	if r.LostAfter < 500*time.Millisecond {
		errs = append(errs, fmt.Errorf("bot: lost-after must be at least 500ms, got %v", r.LostAfter))
	}
	if r.PlayerStall < 500*time.Millisecond {
		errs = append(errs, fmt.Errorf("bot: player stall must be at least 500ms, got %v", r.PlayerStall))
	}
	return errors.Join(errs...)
}

// WithReconnect sets the reconnection behaviour (default DefaultReconnect).
func WithReconnect(r Reconnect) Option {
	return func(b *Bot) error {
		if err := r.Validate(); err != nil {
			return err
		}
		b.reconnect = r
		return nil
	}
}

// ErrReconnecting is returned by actions while the bot reconnects.
var ErrReconnecting = errors.New("bot: reconnecting")

// imConnectionOn is webim's CONNECTION_STATUS.ON (reference §4.6).
const imConnectionOn = 0

// iceSettings makes ICE notice a lost path after LostAfter: keepalives
// every LostAfter/3 keep a live path receiving.
func (r Reconnect) iceSettings(se *webrtc.SettingEngine) {
	se.SetICETimeouts(r.LostAfter, 25*time.Second, r.LostAfter/3)
}

// dialer is JoinParams.Dial: the signaling connection goes through the
// bot's own network when it has one (an impaired one dials with its
// impairment), else the driver dials as it would.
func (b *Bot) dialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	type contextDialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	}
	if cd, ok := b.net.(contextDialer); ok {
		return cd.DialContext
	}
	return nil
}

// watchPeer watches a PeerConnection of session generation gen: losing
// it after it connected loses the session.
func (b *Bot) watchPeer(pc *webrtc.PeerConnection, gen uint64) {
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateDisconnected, webrtc.PeerConnectionStateFailed:
			b.lost(gen, "media connection "+s.String())
		}
	})
}

// handlerFor is the Handler of session generation gen: a Disconnected of
// an older session (already replaced) is not news.
func (b *Bot) handlerFor(gen uint64) signaling.Handler {
	return func(ev signaling.Event) {
		if d, ok := ev.(signaling.Disconnected); ok {
			msg := "signaling connection lost"
			if d.Err != nil {
				msg += ": " + d.Err.Error()
			}
			b.lost(gen, msg)
			return
		}
		b.mu.Lock()
		stale := gen != b.gen
		b.mu.Unlock()
		if !stale {
			b.handle(ev)
		}
	}
}

// lost starts reconnecting when session generation gen is the bot's
// current, entered session; anything else (an old session, a bot already
// reconnecting or stopped) is ignored.
func (b *Bot) lost(gen uint64, why string) {
	b.mu.Lock()
	if b.state != stateIn || gen != b.gen {
		b.mu.Unlock()
		return
	}
	b.state = stateReconnecting
	old := b.session
	b.session = nil
	b.mu.Unlock()
	b.wg.Add(1)
	go b.reconnectLoop(old, why, b.now())
}

// reconnectLoop leaves the lost session and re-enters, as Reconnect says.
func (b *Bot) reconnectLoop(old signaling.Session, why string, since time.Time) {
	defer b.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-b.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	if old != nil {
		lctx, lcancel := context.WithTimeout(ctx, time.Second)
		_ = old.Leave(lctx)
		lcancel()
	}
	b.clearRemotes()
	r := b.reconnect
	for attempt := 1; attempt <= r.Attempts; attempt++ {
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvReconnecting, Tag: "warning", Code: codes.WarnPushReconnect,
			Value: float64(attempt), Message: fmt.Sprintf("%s; attempt %d of %d", why, attempt, r.Attempts)})
		if b.cfg.EnableIM && attempt == 1 {
			b.emit(reports.Event{Kind: reports.KindIM, Event: reports.EvConnectionEvent, Tag: reports.EvConnectionEvent,
				Code: codes.IMConnectionReconnect, Message: "connection is reconnecting"})
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.Interval):
		}
		sess, gen, err := b.attempt(ctx, r.Interval)
		if err != nil {
			b.log.Debug("reconnect attempt failed", "user", b.UserID(), "attempt", attempt, "err", err)
			b.clearRemotes()
			if ctx.Err() != nil {
				return
			}
			continue
		}
		b.mu.Lock()
		if b.state != stateReconnecting || ctx.Err() != nil { // stopped meanwhile
			b.mu.Unlock()
			_ = sess.Leave(context.Background())
			return
		}
		b.session, b.state = sess, stateIn
		b.mu.Unlock()
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvRecovered, Value: msSince(b.now(), since),
			Message: fmt.Sprintf("re-entered on attempt %d after %s", attempt, why)})
		if b.cfg.EnableIM {
			b.emit(reports.Event{Kind: reports.KindIM, Event: reports.EvConnectionEvent, Tag: reports.EvConnectionEvent,
				Code: imConnectionOn, Message: "connection is on"})
		}
		// Media that is lost again before this point was lost on the new
		// generation: watchPeer saw stateReconnecting and ignored it.
		b.recheckPeers(gen)
		return
	}
	b.giveUp(why)
}

// giveUp ends the session: -1307, the component's -6, IM off, left.
func (b *Bot) giveUp(why string) {
	b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error", Code: codes.ErrPusherNetworkLost,
		Message: "network lost after repeated reconnects: " + why})
	b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error", Code: codes.ErrPushDisconnect, Message: why})
	if b.cfg.EnableIM {
		b.emit(reports.Event{Kind: reports.KindIM, Event: reports.EvConnectionEvent, Tag: reports.EvConnectionEvent,
			Code: codes.IMConnectionOff, Message: "connection is off"})
	}
	b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvLeft, Code: codes.LeftRoom, Message: "disconnected"})
	b.mu.Lock()
	if b.state == stateReconnecting || b.state == stateIn {
		b.state = stateOut
	}
	b.mu.Unlock()
	b.endOnce.Do(func() { close(b.ended) })
}

// attempt re-enters once: Join under a new generation, then every
// PeerConnection of it connected, within timeout.
func (b *Bot) attempt(ctx context.Context, timeout time.Duration) (signaling.Session, uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	b.mu.Lock()
	b.gen++
	gen := b.gen
	first := len(b.peers)
	p := b.joinParams
	p.AudioMuted, p.VideoOff = b.muted, b.camOff
	b.mu.Unlock()
	sess, err := b.driver.Join(ctx, p, b.handlerFor(gen))
	if err != nil {
		return nil, 0, err
	}
	if err := b.waitConnected(ctx, first); err != nil {
		_ = sess.Leave(context.WithoutCancel(ctx))
		return nil, 0, err
	}
	return sess, gen, nil
}

// waitConnected waits until every PeerConnection made since index first
// is connected.
func (b *Bot) waitConnected(ctx context.Context, first int) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		b.mu.Lock()
		pcs := append([]*webrtc.PeerConnection(nil), b.peers[first:]...)
		b.mu.Unlock()
		ok := len(pcs) > 0
		for _, pc := range pcs {
			if pc.ConnectionState() != webrtc.PeerConnectionStateConnected {
				ok = false
			}
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bot: media did not connect: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// recheckPeers loses generation gen at once if one of its PeerConnections
// dropped while the bot was still finishing the reconnection.
func (b *Bot) recheckPeers(gen uint64) {
	b.mu.Lock()
	var bad bool
	for i, pc := range b.peers {
		if b.peerGen[i] == gen {
			switch pc.ConnectionState() {
			case webrtc.PeerConnectionStateDisconnected, webrtc.PeerConnectionStateFailed:
				bad = true
			}
		}
	}
	b.mu.Unlock()
	if bad {
		b.lost(gen, "media connection lost right after reconnecting")
	}
}

// clearRemotes forgets the remote users of a session that is gone: the
// next session lists them again.
func (b *Bot) clearRemotes() {
	b.mu.Lock()
	b.remotes = map[string]*remoteUser{}
	b.mu.Unlock()
}
