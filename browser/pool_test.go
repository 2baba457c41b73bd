package browser

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/roombot/roombot/server"
)

// TestPool: browsers started ahead of time are taken by Start (which then
// only enters), a page of another URL is not taken, and Close ends the
// rest; a pool that cannot open its page fails and leaves nothing running.
func TestPool(t *testing.T) {
	needChromium(t)
	if _, err := NewPool(context.Background(), "", "http://127.0.0.1:1/", 1); !errors.Is(err, ErrNoChromium) {
		t.Errorf("no binary: %v", err)
	}
	r := newRoom(t, server.Config{}, "front")
	page := r.srv.URL() + "/"
	pool, err := NewPool(context.Background(), FindChromium(), page, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if pool.Len() != 2 {
		t.Fatalf("%d ready, want 2", pool.Len())
	}
	if ch := pool.take(page + "?other"); ch != nil {
		t.Fatal("a browser with another page was taken")
	}
	rec := &recorder{}
	b, err := New(Config{PageURL: page, SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, UserID: "web1", RoomID: 1234},
		WithSink(rec), WithPool(pool))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("Start with a pooled browser took %v", time.Since(t0))
	if pool.Len() != 1 {
		t.Errorf("%d left after one Start, want 1", pool.Len())
	}
	if err := b.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	pool.Close()
	if pool.Len() != 0 {
		t.Error("Close left browsers")
	}
	if _, err := NewPool(context.Background(), FindChromium(), "http://127.0.0.1:1/", 1); err == nil {
		t.Error("a pool whose page cannot load started")
	}
}
