package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// Bot is one participant. Its methods are safe for concurrent use; actions
// run one at a time.
type Bot struct {
	cfg        Config
	driver     signaling.Driver
	sink       reports.Sink
	host       *Host
	ownHost    bool
	net        transport.Net
	seHooks    []func(*webrtc.SettingEngine)
	api        *webrtc.API
	now        func() time.Time
	log        *slog.Logger
	httpClient *http.Client
	signRetry  time.Duration
	statsEvery time.Duration

	getters statsGetters
	// wire counts what the bot's senders write (originals and NACK
	// retransmissions) and what their receivers NACKed; see txCounter.
	wire *txCounter
	// bwe feeds the congestion controller's estimate to live encoders
	// (live bots only; see liveCongestionControl).
	bwe congestion

	// act serialises actions (Start, Stop, SetMuted, …) so that the state
	// sent to the server and the players' state never diverge.
	act sync.Mutex

	mu       sync.Mutex // guards the fields below
	state    state
	session  signaling.Session
	userID   string
	room     string
	enterAt  time.Time
	muted    bool
	camOff   bool
	paused   bool
	beauty   int
	camera   string
	local    []*localTrack
	remotes  map[string]*remoteUser
	peers    []*webrtc.PeerConnection
	emitting emitState

	// Reconnection (reconnect.go): gen numbers the sessions, peerGen the
	// session each of peers belongs to; joinParams are the first Join's.
	reconnect  Reconnect
	gen        uint64
	peerGen    []uint64
	joinParams signaling.JoinParams
	stalls     map[string]*stall // remote users whose media stopped (player.go)

	stop    chan struct{} // closed by Stop: ends the bot's goroutines
	ended   chan struct{} // closed when the session ended (Stop, kick, lost connection)
	endOnce sync.Once
	wg      sync.WaitGroup
}

type state int

const (
	stateIdle state = iota
	stateStarting
	stateIn
	stateReconnecting
	stateOut // the server ended the session (kick, lost connection)
	stateStopped
)

// emitState holds events raised while entering: the component raises 1018
// before the member list and remote events, so those wait for it.
type emitState struct {
	entered bool
	pending []reports.Event
}

// New checks cfg and makes a Bot; it connects nothing until Start.
func New(cfg Config, opts ...Option) (*Bot, error) {
	cfg = cfg.withDefaults()
	b := &Bot{
		cfg:        cfg,
		sink:       reports.Discard,
		now:        time.Now,
		log:        slog.New(slog.DiscardHandler),
		httpClient: &http.Client{Timeout: 10 * time.Second},
		signRetry:  DefaultSignRetryDelay,
		statsEvery: DefaultStatsInterval,
		reconnect:  DefaultReconnect,
		userID:     cfg.UserID,
		room:       cfg.roomName(),
		muted:      cfg.Muted,
		camOff:     cfg.CameraOff,
		beauty:     cfg.Beauty,
		camera:     cfg.Media.Camera,
		remotes:    map[string]*remoteUser{},
		wire:       newTxCounter(),
		stop:       make(chan struct{}),
		ended:      make(chan struct{}),
	}
	for _, o := range opts {
		if err := o(b); err != nil {
			return nil, err
		}
	}
	var errs []error
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if b.driver == nil {
		errs = append(errs, errors.New("bot: no signaling driver (WithDriver)"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return b, nil
}

// UserID is the bot's userID (the one the signing service chose, once
// Start resolved it).
func (b *Bot) UserID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.userID
}

// Config returns the bot's configuration (defaults filled in).
func (b *Bot) Config() Config { return b.cfg }

// Start signs in, enters the room, publishes and subscribes. It returns
// after 1018 (entered), or with the enter error: a *signaling.Error whose
// code signaling.CodeOf returns (the server's code, or -9 when the signing
// service failed). Events go to the sink as they happen.
func (b *Bot) Start(ctx context.Context) error {
	b.act.Lock()
	defer b.act.Unlock()
	b.mu.Lock()
	switch b.state {
	case stateStopped:
		b.mu.Unlock()
		return ErrStopped
	case stateIdle:
	default:
		b.mu.Unlock()
		return ErrAlreadyStarted
	}
	b.state = stateStarting
	b.enterAt = b.now()
	b.mu.Unlock()

	err := b.enter(ctx)
	if err != nil {
		b.mu.Lock()
		b.state = stateStopped
		b.mu.Unlock()
		b.teardown(context.WithoutCancel(ctx))
		return err
	}
	b.mu.Lock()
	b.state = stateIn
	b.mu.Unlock()
	return nil
}

// enter is Start's work: credentials, API, tracks, Join, players, stats.
func (b *Bot) enter(ctx context.Context) error {
	if b.host == nil {
		h, err := NewHost(WithHostLogger(b.log))
		if err != nil {
			return err
		}
		b.host, b.ownHost = h, true
	}
	cr, err := b.resolveCredentials(ctx)
	if err != nil {
		if code := signaling.CodeOf(err); code == codes.ErrRequestRoomSig {
			b.emitNow(reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error", Code: code, Message: "request room sig failed"})
		}
		return err
	}
	b.mu.Lock()
	b.userID = cr.UserID
	if cr.StrRoomID != "" {
		b.room = cr.StrRoomID
	} else if cr.RoomID != 0 {
		b.room = fmt.Sprint(cr.RoomID)
	}
	b.mu.Unlock()

	if b.api == nil {
		if b.api, err = b.buildAPI(); err != nil {
			return err
		}
	}
	if b.cfg.Publishes() {
		if err := b.makeLocalTracks(cr.UserID); err != nil {
			return err
		}
	}
	p := signaling.JoinParams{
		SDKAppID: cr.SDKAppID, UserID: cr.UserID, UserSig: cr.UserSig, PrivateMapKey: cr.PrivateMapKey,
		RoomID: cr.RoomID, StrRoomID: cr.StrRoomID, Role: b.cfg.Role, RecvMode: b.cfg.RecvMode, IM: b.cfg.EnableIM,
		Privileges: b.cfg.Privileges, AudioMuted: b.muted, VideoOff: b.camOff, NewPeerConnection: b.newPeerConnection,
		Dial: b.dialer(),
	}
	for _, lt := range b.local {
		if lt.rid != "" {
			p.VideoLayers = append(p.VideoLayers, b.layer(lt))
			continue
		}
		p.Tracks = append(p.Tracks, lt.track)
	}
	if h := height(b.cfg.Media.View); h > 0 {
		p.ViewHeight = h
	}
	b.mu.Lock()
	b.joinParams = p
	b.gen++
	gen := b.gen
	b.mu.Unlock()
	start := b.now()
	sess, err := b.driver.Join(ctx, p, b.handlerFor(gen))
	if err != nil {
		ms := msSince(b.now(), start)
		code := signaling.CodeOf(err)
		if code == 0 {
			code = codes.EnterRoomFailed
		}
		b.emitNow(reports.Event{Kind: reports.KindRoom, Event: reports.EvEnterFailed, Code: code, Message: err.Error(), Value: ms})
		b.emitNow(reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error", Code: codes.ErrJoinRoom, Message: "join room failed"})
		return fmt.Errorf("bot %s: enter room %s: %w", cr.UserID, b.room, err)
	}
	b.mu.Lock()
	b.session = sess
	b.mu.Unlock()
	b.entered(msSince(b.now(), start))
	if err := b.startPlayers(); err != nil {
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvLeft, Code: codes.LeftRoom, Message: "exitRoom: " + err.Error()})
		return err
	}
	if b.statsEvery > 0 {
		b.wg.Add(1)
		go b.statsLoop()
	}
	b.wg.Add(1)
	go b.playerLoop()
	return nil
}

// newPeerConnection is JoinParams.NewPeerConnection: every PeerConnection
// comes from the bot's API, and the bot watches its state (a lost media
// connection starts reconnecting, reconnect.go). Unless the driver gives
// certificates, it uses the Host's shared DTLS certificate.
func (b *Bot) newPeerConnection(c webrtc.Configuration) (*webrtc.PeerConnection, error) {
	if len(c.Certificates) == 0 {
		cert, err := b.host.certificate()
		if err != nil {
			return nil, err
		}
		c.Certificates = []webrtc.Certificate{cert}
	}
	pc, err := b.api.NewPeerConnection(c)
	if err != nil {
		return nil, err
	}
	// The ICE agent now, not at the first offer/answer: pion's gatherer
	// closed before it has an agent stays "new", and an answer racing that
	// Close then makes an agent nobody closes (its goroutine leaked, 66 of
	// 1,500 bots at 150 joins/s leaving during renegotiation). The agent
	// is made at the first negotiation anyway; until pion fixes it.
	if _, err := pc.SCTP().Transport().ICETransport().GetLocalParameters(); err != nil {
		_ = pc.Close()
		return nil, fmt.Errorf("bot: ICE agent: %w", err)
	}
	b.mu.Lock()
	gen := b.gen
	b.peers = append(b.peers, pc)
	b.peerGen = append(b.peerGen, gen)
	b.mu.Unlock()
	b.watchPeer(pc, gen)
	return pc, nil
}

// Stop leaves the room (1019 "left"), stops the players, readers and stats
// and waits for every goroutine of the bot. It is idempotent; ctx bounds
// the goodbye to the server.
func (b *Bot) Stop(ctx context.Context) error {
	b.act.Lock()
	defer b.act.Unlock()
	b.mu.Lock()
	prev := b.state
	b.state = stateStopped
	b.mu.Unlock()
	if prev == stateStopped {
		return nil
	}
	err := b.teardown(ctx)
	if prev == stateIn {
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvLeft, Code: codes.LeftRoom, Message: "stop"})
	}
	return err
}

// teardown releases everything Start made. The session's Leave ends the
// driver's goroutines and its PeerConnections, which ends the readers.
func (b *Bot) teardown(ctx context.Context) error {
	b.mu.Lock()
	sess := b.session
	b.session = nil
	b.mu.Unlock()
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	b.endOnce.Do(func() { close(b.ended) })
	var err error
	if sess != nil {
		err = sess.Leave(ctx)
	}
	for _, lt := range b.local {
		if lt.player != nil {
			lt.player.Close()
		}
	}
	// A driver must close its PeerConnections on Leave; closing them here
	// too makes sure no reader blocks if the driver failed half-way.
	b.mu.Lock()
	peers := b.peers
	b.mu.Unlock()
	for _, pc := range peers {
		_ = pc.Close()
	}
	b.wg.Wait()
	b.httpClient.CloseIdleConnections()
	if b.ownHost {
		err = errors.Join(err, b.host.Close())
	}
	if err != nil {
		return fmt.Errorf("bot %s: stop: %w", b.UserID(), err)
	}
	return nil
}

// Done is closed when the bot is out of the room: after Stop, a failed
// Start, a kick or a lost connection. Stop must still be called.
func (b *Bot) Done() <-chan struct{} { return b.ended }

func msSince(now, t time.Time) float64 { return float64(now.Sub(t)) / float64(time.Millisecond) }
