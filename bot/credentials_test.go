package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signature"
	"github.com/roombot/roombot/signature/signsvc"
)

const (
	testAppID  = 1400000001
	testSecret = "roombot-dev-secret-key-not-a-secret"
)

// collector is a reports.Sink that keeps everything and lets tests wait for
// an event.
type collector struct {
	mu      sync.Mutex
	events  []reports.Event
	samples []reports.Sample
	notify  chan struct{}
}

func newCollector() *collector { return &collector{notify: make(chan struct{}, 1)} }

func (c *collector) WriteEvent(e reports.Event) {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *collector) WriteSample(s reports.Sample) {
	c.mu.Lock()
	c.samples = append(c.samples, s)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// find returns the first event matching f.
func (c *collector) find(f func(reports.Event) bool) (reports.Event, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.events {
		if f(e) {
			return e, true
		}
	}
	return reports.Event{}, false
}

// wait blocks until f matches an event or the timeout passes.
func (c *collector) wait(t *testing.T, d time.Duration, what string, f func(reports.Event) bool) reports.Event {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		if e, ok := c.find(f); ok {
			return e
		}
		select {
		case <-c.notify:
		case <-deadline.C:
			t.Fatalf("no %s within %v; events: %v", what, d, c.names())
		}
	}
}

// waitSamples blocks until f holds for the samples collected so far.
func (c *collector) waitSamples(t *testing.T, d time.Duration, what string, f func([]reports.Sample) bool) []reports.Sample {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		s := append([]reports.Sample(nil), c.samples...)
		c.mu.Unlock()
		if f(s) {
			return s
		}
		select {
		case <-c.notify:
		case <-deadline.C:
			t.Fatalf("no %s within %v (%d samples)", what, d, len(s))
		}
	}
}

func (c *collector) names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, e := range c.events {
		n := e.Event
		if e.Remote != "" {
			n += "(" + e.Remote + "/" + e.Track + ")"
		}
		out = append(out, n)
	}
	return out
}

func ev(name string) func(reports.Event) bool {
	return func(e reports.Event) bool { return e.Event == name }
}

func TestCredentialsFromSigningService(t *testing.T) {
	t.Parallel()
	signer, err := signature.NewSigner(testAppID, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := signsvc.New(signer, signsvc.WithBearerToken("tok"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	defer srv.Close()

	b, err := New(Config{SignURL: srv.URL + "/api/sign", SignToken: "tok", RoomID: 4321}, WithDriver(refusingDriver{t}))
	if err != nil {
		t.Fatal(err)
	}
	cr, err := b.resolveCredentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cr.UserID == "" || cr.SDKAppID != testAppID || cr.RoomID != 4321 {
		t.Fatalf("credentials %+v", cr)
	}
	v, err := signature.NewVerifier(testAppID, signature.WithKey(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyUserSig(cr.UserID, cr.UserSig); err != nil {
		t.Fatalf("service userSig does not verify: %v", err)
	}
	tk, err := v.VerifyPrivateMapKey(cr.UserID, cr.PrivateMapKey)
	if err != nil || tk.Room.ID != 4321 {
		t.Fatalf("privateMapKey: %v, ticket %+v", err, tk)
	}
}

func TestCredentialsLocal(t *testing.T) {
	t.Parallel()
	b, err := New(Config{SDKAppID: testAppID, UserID: "alice", StrRoomID: "lobby", SecretKey: testSecret,
		Privileges: signature.PrivEnter | signature.PrivRecvVideo}, WithDriver(refusingDriver{t}))
	if err != nil {
		t.Fatal(err)
	}
	cr, err := b.resolveCredentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, _ := signature.NewVerifier(testAppID, signature.WithKey(testSecret))
	if _, err := v.VerifyUserSig("alice", cr.UserSig); err != nil {
		t.Fatal(err)
	}
	tk, err := v.VerifyPrivateMapKey("alice", cr.PrivateMapKey)
	if err != nil || tk.Room.Str != "lobby" || tk.Privileges != signature.PrivEnter|signature.PrivRecvVideo {
		t.Fatalf("ticket %+v, %v", tk, err)
	}
}

// A signing service that fails twice gives -9 after exactly one retry,
// about one second later, as the component does.
func TestSigningServiceFailureRaisesMinus9(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var times [2]time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := calls.Add(1); n <= 2 {
			times[n-1] = time.Now()
		}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"down","code":-100003}`))
	}))
	defer srv.Close()

	sink := newCollector()
	b, err := New(Config{SignURL: srv.URL, UserID: "bob", RoomID: 1}, WithDriver(refusingDriver{t}), WithSink(sink))
	if err != nil {
		t.Fatal(err)
	}
	err = b.Start(context.Background())
	if signaling.CodeOf(err) != codes.ErrRequestRoomSig || !errors.Is(err, ErrRoomSig) {
		t.Fatalf("Start: %v (code %d), want -9", err, signaling.CodeOf(err))
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("signing service called %d times, want 2 (one retry)", n)
	}
	if gap := times[1].Sub(times[0]); gap < 900*time.Millisecond || gap > 2*time.Second {
		t.Fatalf("retry after %v, want about 1s", gap)
	}
	e := sink.wait(t, time.Second, "error -9", ev(reports.EvError))
	if e.Code != codes.ErrRequestRoomSig || e.Tag != "error" || e.User != "bob" {
		t.Fatalf("event %+v", e)
	}
	if !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("error %q does not say what the service answered", err)
	}
	if err := b.Stop(context.Background()); err != nil {
		t.Fatalf("Stop after failed Start: %v", err)
	}
}

func FuzzDecodeSignResponse(f *testing.F) {
	f.Add(200, []byte(`{"userID":"u","sdkAppID":1400000001,"roomID":1,"userSig":"s","privateMapKey":"k"}`))
	f.Add(400, []byte(`{"error":"bad room","code":-102001}`))
	f.Add(200, []byte(`{"userID":"bad id!","userSig":"s"}`))
	f.Add(200, []byte(`[1,2`))
	f.Fuzz(func(t *testing.T, status int, raw []byte) {
		r, err := decodeSignResponse("http://127.0.0.1:1/api/sign", status, raw)
		if err == nil && (r.UserSig == "" || status != http.StatusOK) {
			t.Fatalf("accepted %q with status %d", raw, status)
		}
	})
}
