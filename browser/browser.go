package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signature"
)

// Defaults.
const (
	// DefaultUserSigExpire is the lifetime of locally signed credentials.
	DefaultUserSigExpire = 24 * time.Hour
	// DefaultPrivileges are the privateMapKey bits when signing locally.
	DefaultPrivileges = signature.PrivAll
	// PollEvery is how often the page's events and samples are collected.
	PollEvery = 250 * time.Millisecond
	// CallTimeout bounds one call into the page (enter waits for the room).
	CallTimeout = 30 * time.Second
)

// Templates the page has built in, with their remote slots (the
// component's max_members: bigsmall holds one remote user, the others three).
var Templates = map[string]int{"bigsmall": 1, "float": 3, "grid": 3}

// Config is one browser participant: who it is, where the page is and what
// the page publishes.
type Config struct {
	// PageURL is the web room page of the reference service, e.g.
	// http://127.0.0.1:7880/ (its /ws is the signaling it uses).
	PageURL   string
	SDKAppID  uint32
	UserID    string
	RoomID    uint32
	StrRoomID string
	// UserSig and PrivateMapKey, or SecretKey to sign them here.
	UserSig, PrivateMapKey string
	SecretKey              string
	// Privileges of a locally signed privateMapKey (0: DefaultPrivileges).
	Privileges signature.Privilege
	// Audience enters as a viewer (publishes nothing).
	Audience bool
	// NoAudio / NoVideo leave out the microphone / camera.
	NoAudio, NoVideo bool
	// RecvMode is the trtc-room recvmode 1..4 (0: 1, everything).
	RecvMode int
	IM       bool
	// Muted and CameraOff are the initial local state.
	Muted, CameraOff bool
	// Template is the page's layout (bigsmall, float, grid or custom; "" is
	// the page's default).
	Template string
	// Chromium is the browser binary ("" : FindChromium).
	Chromium string
	// Width and Height of the browser window (0: 1280×900).
	Width, Height int
}

// Option configures a Browser.
type Option func(*Browser)

// WithSink sends the browser's events and samples to s.
func WithSink(s reports.Sink) Option { return func(b *Browser) { b.sink = s } }

// WithLogger logs the browser's life.
func WithLogger(l *slog.Logger) Option { return func(b *Browser) { b.log = l } }

// Browser is one real browser in the room. Its methods are safe for
// concurrent use; every method but Start needs a started browser.
type Browser struct {
	cfg  Config
	sink reports.Sink
	log  *slog.Logger

	pool *Pool

	mu     sync.Mutex
	chrome *chromium
	stop   chan struct{}
	done   chan struct{}
	room   string
}

// New checks cfg and returns a browser that is not started. It fails with
// ErrNoChromium when no Chromium is found.
func New(cfg Config, opts ...Option) (*Browser, error) {
	if cfg.Chromium == "" {
		cfg.Chromium = FindChromium()
	}
	if cfg.Chromium == "" {
		return nil, ErrNoChromium
	}
	u, err := url.Parse(cfg.PageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("browser %s: page URL %q: want http(s)://host:port/", cfg.UserID, cfg.PageURL)
	}
	if cfg.Template != "" {
		if _, ok := Templates[cfg.Template]; !ok && cfg.Template != "custom" {
			return nil, fmt.Errorf("browser %s: template %q: want bigsmall, float, grid or custom", cfg.UserID, cfg.Template)
		}
	}
	if cfg.RecvMode < 0 || cfg.RecvMode > 4 {
		return nil, fmt.Errorf("browser %s: recvMode %d: want 1..4", cfg.UserID, cfg.RecvMode)
	}
	if cfg.RecvMode == 0 {
		cfg.RecvMode = 1
	}
	if cfg.Privileges == 0 {
		cfg.Privileges = DefaultPrivileges
	}
	if cfg.Width == 0 || cfg.Height == 0 {
		cfg.Width, cfg.Height = defaultWidth, defaultHeight
	}
	b := &Browser{cfg: cfg, sink: reports.Discard, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(b)
	}
	b.room = cfg.StrRoomID
	if b.room == "" {
		b.room = fmt.Sprint(cfg.RoomID)
	}
	return b, nil
}

// UserID is the browser's userID.
func (b *Browser) UserID() string { return b.cfg.UserID }

// enterArgs is what window.roombot.enter takes.
type enterArgs struct {
	SDKAppID      uint32 `json:"sdkAppID"`
	UserID        string `json:"userID"`
	UserSig       string `json:"userSig"`
	PrivateMapKey string `json:"privateMapKey,omitempty"`
	RoomID        uint32 `json:"roomID,omitempty"`
	StrRoomID     string `json:"strRoomID,omitempty"`
	Role          string `json:"role"`
	PublishAudio  bool   `json:"publishAudio"`
	PublishVideo  bool   `json:"publishVideo"`
	AudioMuted    bool   `json:"audioMuted"`
	VideoOff      bool   `json:"videoOff"`
	IM            bool   `json:"im"`
	RecvMode      int    `json:"recvMode"`
	Template      string `json:"template,omitempty"`
}

func (b *Browser) credentials() (userSig, pmk string, err error) {
	c := b.cfg
	if c.UserSig != "" {
		return c.UserSig, c.PrivateMapKey, nil
	}
	if c.SecretKey == "" {
		return "", "", fmt.Errorf("browser %s: no userSig and no secret key to sign one", c.UserID)
	}
	s, err := signature.NewSigner(c.SDKAppID, c.SecretKey)
	if err != nil {
		return "", "", fmt.Errorf("browser %s: local signing: %w", c.UserID, err)
	}
	if userSig, err = s.UserSig(c.UserID, DefaultUserSigExpire); err != nil {
		return "", "", fmt.Errorf("browser %s: userSig: %w", c.UserID, err)
	}
	if pmk, err = s.PrivateMapKey(c.UserID, DefaultUserSigExpire, signature.Room{ID: c.RoomID, Str: c.StrRoomID}, c.Privileges); err != nil {
		return "", "", fmt.Errorf("browser %s: privateMapKey: %w", c.UserID, err)
	}
	return userSig, pmk, nil
}

// Start launches Chromium, opens the page and enters the room. The events
// the page raised while entering are in the sink when it returns.
func (b *Browser) Start(ctx context.Context) error {
	b.mu.Lock()
	if b.chrome != nil {
		b.mu.Unlock()
		return fmt.Errorf("browser %s: already started", b.cfg.UserID)
	}
	b.mu.Unlock()
	userSig, pmk, err := b.credentials()
	if err != nil {
		return err
	}
	fail := func(ch *chromium, err error) error {
		ch.close()
		return err
	}
	ch := b.pool.take(b.cfg.PageURL)
	if ch == nil {
		// The browser lives until Stop, not until ctx (Start's deadline).
		if ch, err = launch(context.WithoutCancel(ctx), b.cfg.Chromium, b.cfg.Width, b.cfg.Height); err != nil {
			return fmt.Errorf("browser %s: starting Chromium %s: %w", b.cfg.UserID, b.cfg.Chromium, err)
		}
		if err := openPage(ctx, ch, b.cfg.PageURL); err != nil {
			return fail(ch, fmt.Errorf("browser %s: %w", b.cfg.UserID, err))
		}
	}
	b.log.Info("browser started", "user", b.cfg.UserID, "page", b.cfg.PageURL)
	role := "anchor"
	if b.cfg.Audience {
		role = "audience"
	}
	args := enterArgs{SDKAppID: b.cfg.SDKAppID, UserID: b.cfg.UserID, UserSig: userSig, PrivateMapKey: pmk,
		RoomID: b.cfg.RoomID, StrRoomID: b.cfg.StrRoomID, Role: role,
		PublishAudio: !b.cfg.Audience && !b.cfg.NoAudio, PublishVideo: !b.cfg.Audience && !b.cfg.NoVideo,
		AudioMuted: b.cfg.Muted, VideoOff: b.cfg.CameraOff, IM: b.cfg.IM, RecvMode: b.cfg.RecvMode, Template: b.cfg.Template}
	err = call(ctx, ch.tab, "enter", nil, args)
	b.drain(ch.tab)
	if err != nil {
		return fail(ch, fmt.Errorf("browser %s: %w", b.cfg.UserID, err))
	}
	b.mu.Lock()
	b.chrome, b.stop, b.done = ch, make(chan struct{}), make(chan struct{})
	b.mu.Unlock()
	go b.poll(ch.tab, b.stop, b.done)
	return nil
}

// openPage navigates to the page and waits until its script is ready.
func openPage(ctx context.Context, ch *chromium, pageURL string) error {
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	tctx, tcancel := mergeCancel(ch.tab, ctx)
	defer tcancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(pageURL)); err != nil {
		return fmt.Errorf("opening %s: %w", pageURL, err)
	}
	ready, err := chromedp.Run(tctx, chromedp.Poll[string](`document.body && document.body.dataset.ready`, chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		return fmt.Errorf("the page %s did not load: %w", pageURL, err)
	}
	if ready != "1" {
		return fmt.Errorf("the page %s failed to start (ready=%q)", pageURL, ready)
	}
	ch.page = pageURL
	return nil
}

// Stop leaves the room and closes the browser.
func (b *Browser) Stop(ctx context.Context) error {
	b.mu.Lock()
	ch, stop, done := b.chrome, b.stop, b.done
	b.chrome = nil
	b.mu.Unlock()
	if ch == nil {
		return nil
	}
	close(stop)
	<-done
	err := call(ctx, ch.tab, "leave", nil)
	b.drain(ch.tab)
	ch.close()
	b.log.Info("browser stopped", "user", b.cfg.UserID)
	if err != nil {
		return fmt.Errorf("browser %s: %w", b.cfg.UserID, err)
	}
	return nil
}

// poll moves the page's events and samples to the sink until stop.
func (b *Browser) poll(tab context.Context, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(PollEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tab.Done():
			// Chromium went away (crashed, killed) while in the room:
			// what a bot raises when its connection is lost.
			now := time.Now()
			b.sink.WriteEvent(reports.Event{Time: now, User: b.cfg.UserID, Room: b.room, Kind: reports.KindRoom, Event: reports.EvError,
				Tag: "error", Code: codes.ErrPushDisconnect, Message: "the browser closed: " + context.Cause(tab).Error()})
			b.sink.WriteEvent(reports.Event{Time: now, User: b.cfg.UserID, Room: b.room, Kind: reports.KindRoom, Event: reports.EvLeft,
				Code: codes.LeftRoom, Message: "disconnected"})
			return
		case <-t.C:
			b.drain(tab)
		}
	}
}

// drained is what window.roombot.drain returns.
type drained struct {
	Events  []reports.Event  `json:"events"`
	Samples []reports.Sample `json:"samples"`
	Dropped int              `json:"dropped"`
}

func (b *Browser) drain(tab context.Context) {
	ctx, cancel := context.WithTimeout(tab, 5*time.Second)
	defer cancel()
	var d drained
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.roombot.drain())`))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &d)
	}
	if err != nil {
		if tab.Err() == nil {
			b.log.Warn("browser: collecting events", "user", b.cfg.UserID, "err", err)
		}
		return
	}
	for _, e := range d.Events {
		e.User, e.Room = b.cfg.UserID, b.room
		b.sink.WriteEvent(e)
	}
	for _, s := range d.Samples {
		s.User, s.Room = b.cfg.UserID, b.room
		b.sink.WriteSample(s)
	}
	if d.Dropped > 0 {
		b.sink.WriteEvent(reports.Event{Time: time.Now(), User: b.cfg.UserID, Room: b.room, Kind: reports.KindRun, Event: reports.EvDropped,
			Value: float64(d.Dropped), Message: "the page dropped events it could not hand over"})
	}
}

// tab returns the started browser's tab.
func (b *Browser) tab() (context.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.chrome == nil {
		return nil, fmt.Errorf("browser %s: not started", b.cfg.UserID)
	}
	return b.chrome.tab, nil
}

// do calls window.roombot.<fn>(args...) on the started page.
func (b *Browser) do(ctx context.Context, fn string, out any, args ...any) error {
	tab, err := b.tab()
	if err != nil {
		return err
	}
	if err := call(ctx, tab, fn, out, args...); err != nil {
		return fmt.Errorf("browser %s: %w", b.cfg.UserID, err)
	}
	return nil
}

// callResult is the wrapper every call returns (exceptions become data).
type callResult struct {
	OK      bool            `json:"ok"`
	Value   json.RawMessage `json:"value"`
	Code    int             `json:"code"`
	Message string          `json:"message"`
}

// call runs window.roombot.<fn>(args...) and waits for its promise.
func call(ctx context.Context, tab context.Context, fn string, out any, args ...any) error {
	js := make([]byte, 0, 64)
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if i > 0 {
			js = append(js, ',')
		}
		js = append(js, b...)
	}
	expr := fmt.Sprintf(`(async () => { try { const v = await window.roombot.%s(%s); return JSON.stringify({ok: true, value: v === undefined ? null : v}); }
		catch (e) { return JSON.stringify({ok: false, code: (e && typeof e.code === 'number') ? e.code : 0, message: String(e && e.message || e)}); } })()`, fn, js)
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	tctx, tcancel := mergeCancel(tab, ctx)
	defer tcancel()
	var r callResult
	raw, err := chromedp.Run(tctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &r)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	if !r.OK {
		return &PageError{Op: fn, Code: r.Code, Message: r.Message}
	}
	if out != nil && len(r.Value) > 0 {
		return json.Unmarshal(r.Value, out)
	}
	return nil
}

// mergeCancel returns tab (which carries chromedp's target) cancelled also
// when ctx ends.
func mergeCancel(tab, ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(tab)
	stop := context.AfterFunc(ctx, cancel)
	return c, func() {
		stop()
		cancel()
	}
}

// The participant's actions (scenario.Participant).

// Pause stops sending without telling anyone and stops playing.
func (b *Browser) Pause(ctx context.Context) error { return b.do(ctx, "pause", nil) }

// Resume undoes Pause.
func (b *Browser) Resume(ctx context.Context) error { return b.do(ctx, "resume", nil) }

// SetMuted mutes or unmutes the microphone (others see 1034).
func (b *Browser) SetMuted(ctx context.Context, muted bool) error {
	return b.do(ctx, "setMuted", nil, muted)
}

// EnableCamera turns the camera on or off (others see 1033).
func (b *Browser) EnableCamera(ctx context.Context, on bool) error {
	return b.do(ctx, "setCamera", nil, on)
}

// SwitchCamera moves to the next camera, or between the fake camera and
// the page's canvas source when there is one camera.
func (b *Browser) SwitchCamera(ctx context.Context) error { return b.do(ctx, "switchCamera", nil) }

// SetBeauty records the beauty level 0..9 (it changes no media).
func (b *Browser) SetBeauty(level int) error {
	if level < 0 || level > 9 {
		return fmt.Errorf("browser %s: beauty level %d: want 0..9", b.cfg.UserID, level)
	}
	return b.do(context.Background(), "setBeauty", nil, level)
}

// EnableRemoteAudio blocks (false) or receives again (true) a remote user's audio.
func (b *Browser) EnableRemoteAudio(ctx context.Context, userID string, on bool) error {
	return b.remote(ctx, userID, "audio", on)
}

// EnableRemoteVideo blocks (false) or receives again (true) a remote user's video.
func (b *Browser) EnableRemoteVideo(ctx context.Context, userID string, on bool) error {
	return b.remote(ctx, userID, "video", on)
}

func (b *Browser) remote(ctx context.Context, userID, kind string, on bool) error {
	fn := "block"
	if on {
		fn = "unblock"
	}
	return b.do(ctx, fn, nil, userID, kind)
}

// SendGroupText sends a text message to the room's group.
func (b *Browser) SendGroupText(ctx context.Context, text string) error {
	return b.do(ctx, "sendGroupText", nil, text)
}

// SendGroupCustom sends a custom message to the room's group.
func (b *Browser) SendGroupCustom(ctx context.Context, data, desc, ext string) error {
	return b.do(ctx, "sendGroupCustom", nil, data, desc, ext)
}

// SendC2CText sends a text message to one user.
func (b *Browser) SendC2CText(ctx context.Context, to, text string) error {
	return b.do(ctx, "sendC2CText", nil, to, text)
}

// SetTemplate switches the page's layout live.
func (b *Browser) SetTemplate(ctx context.Context, name string) error {
	return b.do(ctx, "setTemplate", nil, name)
}

// RemoteState is one remote user as the page shows it.
type RemoteState struct {
	UserID       string `json:"userID"`
	Shown        bool   `json:"shown"` // in a slot of the template
	AudioMuted   bool   `json:"audioMuted"`
	VideoOff     bool   `json:"videoOff"`
	AudioBlocked bool   `json:"audioBlocked"`
	VideoBlocked bool   `json:"videoBlocked"`
	HasAudio     bool   `json:"hasAudio"`
	HasVideo     bool   `json:"hasVideo"`
	Width        int    `json:"width"` // decoded picture size
	Height       int    `json:"height"`
}

// State is the page's view of the room.
type State struct {
	Phase      string        `json:"phase"` // out, entering, in
	UserID     string        `json:"userID"`
	Room       string        `json:"room"`
	Template   string        `json:"template"`
	MaxMembers int           `json:"maxMembers"`
	Muted      bool          `json:"muted"`
	CameraOff  bool          `json:"cameraOff"`
	Paused     bool          `json:"paused"`
	Beauty     int           `json:"beauty"`
	Source     string        `json:"source"` // the local video source
	Remotes    []RemoteState `json:"remotes"`
	// PageErrors are the page's uncaught script errors and rejections.
	PageErrors []string `json:"pageErrors"`
}

// State reads the page's state.
func (b *Browser) State(ctx context.Context) (State, error) {
	var s State
	err := b.do(ctx, "state", &s)
	return s, err
}

// Screenshot captures the element matching the CSS selector as PNG.
func (b *Browser) Screenshot(ctx context.Context, selector string) ([]byte, error) {
	tab, err := b.tab()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	tctx, tcancel := mergeCancel(tab, ctx)
	defer tcancel()
	png, err := chromedp.Run(tctx, chromedp.Screenshot(chromedp.CSS(selector)))
	if err != nil {
		return nil, fmt.Errorf("browser %s: screenshot of %s: %w", b.cfg.UserID, selector, err)
	}
	return png, nil
}

// Count returns how many elements match the CSS selector on the page.
func (b *Browser) Count(ctx context.Context, selector string) (int, error) {
	var n int
	sel, _ := json.Marshal(selector)
	err := b.do(ctx, "count", &n, json.RawMessage(sel))
	return n, err
}
