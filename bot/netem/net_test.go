package netem

import (
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pair opens an impaired Net and a plain receiver on loopback.
func pair(t *testing.T, cfg Config) (*Net, *net.UDPConn) {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	rx, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rx.Close() })
	_ = rx.SetReadBuffer(4 << 20)
	return n, rx
}

func TestSendLossRate(t *testing.T) {
	t.Parallel()
	n, rx := pair(t, Config{SendLoss: 0.05, Seed: 7})
	tx, err := n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	const total = 4000
	got := make(chan int)
	go func() {
		buf := make([]byte, 100)
		c := 0
		for {
			_ = rx.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			if _, _, err := rx.ReadFrom(buf); err != nil {
				got <- c
				return
			}
			c++
		}
	}()
	p := make([]byte, 100)
	for i := 0; i < total; i++ {
		if _, err := tx.WriteTo(p, rx.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		if i%200 == 0 {
			time.Sleep(time.Millisecond) // pace a little so the kernel buffer never overflows
		}
	}
	received := <-got
	dropped := n.Counters().SendDropped.Load()
	if uint64(received)+dropped != total {
		t.Fatalf("received %d + dropped %d != sent %d", received, dropped, total)
	}
	rate := float64(dropped) / total
	if rate < 0.04 || rate > 0.06 {
		t.Fatalf("loss rate %.3f, want 0.05±0.01", rate)
	}
}

func TestRecvLossAndDelay(t *testing.T) {
	t.Parallel()
	n, err := New(Config{RecvLoss: 1, Delay: 80 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	a, err := n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	start := time.Now()
	if _, err := a.WriteTo([]byte("hello"), b.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	_ = b.SetReadDeadline(time.Now().Add(2 * time.Second))
	nr, from, err := b.ReadFrom(buf)
	if err != nil || string(buf[:nr]) != "hello" {
		t.Fatalf("read %q, %v", buf[:nr], err)
	}
	if el := time.Since(start); el < 80*time.Millisecond {
		t.Fatalf("delivered after %v, want >= 80ms", el)
	}
	// Everything sent to the impaired socket is dropped on reading.
	if _, err := b.WriteTo([]byte("x"), from); err != nil {
		t.Fatal(err)
	}
	_ = a.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, _, err := a.ReadFrom(buf); err == nil {
		t.Fatal("read a datagram through 100% receive loss")
	}
	if n.Counters().RecvDropped.Load() != 1 {
		t.Fatalf("recv dropped = %d, want 1", n.Counters().RecvDropped.Load())
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	err := Config{SendLoss: 2, RecvLoss: -1, Delay: -1, SendRate: -1, SendQueue: -1}.Validate()
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"send_loss", "recv_loss", "delay", "send_rate", "send_queue"} {
		if !contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if (Config{SendRate: 1}).Zero() {
		t.Error("a rate cap counts as no impairment")
	}
	if _, err := New(Config{SendLoss: 1.5}); err == nil {
		t.Fatal("New accepted a bad config")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
