package netem

import (
	"net"
	"sync"
	"testing"
	"time"
)

// echoPair is an impaired socket a and a plain socket b on loopback.
func echoPair(t *testing.T, cfg Config) (*Net, net.PacketConn, *net.UDPConn) {
	t.Helper()
	n, b := pair(t, cfg)
	a, err := n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return n, a, b
}

// The Down link delays what the bot receives, the Up link what it sends:
// a round trip takes both.
func TestDirectionsDelay(t *testing.T) {
	t.Parallel()
	_, a, b := echoPair(t, Config{Up: Link{Delay: 30 * time.Millisecond}, Down: Link{Delay: 50 * time.Millisecond}})
	go func() { // b echoes
		buf := make([]byte, 64)
		_ = b.SetReadDeadline(time.Now().Add(2 * time.Second))
		k, from, err := b.ReadFrom(buf)
		if err == nil {
			_, _ = b.WriteTo(buf[:k], from)
		}
	}()
	start := time.Now()
	if _, err := a.WriteTo([]byte("ping"), b.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	_ = a.SetReadDeadline(time.Now().Add(2 * time.Second))
	k, _, err := a.ReadFrom(buf)
	if err != nil || string(buf[:k]) != "ping" {
		t.Fatalf("echo: %q %v", buf[:k], err)
	}
	rtt := time.Since(start)
	t.Logf("round trip %v", rtt)
	if rtt < 80*time.Millisecond || rtt > 120*time.Millisecond {
		t.Fatalf("round trip %v, want 80 ms (30 up + 50 down)", rtt)
	}
	// A read deadline still works through the receive queue.
	_ = a.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, _, err := a.ReadFrom(buf); err == nil {
		t.Fatal("read returned without data before the deadline")
	}
}

// recvAll reads from b until quiet and returns the first bytes of each
// datagram in arrival order.
func recvAll(b *net.UDPConn, quiet time.Duration) []byte {
	var out []byte
	buf := make([]byte, 64)
	for {
		_ = b.SetReadDeadline(time.Now().Add(quiet))
		k, _, err := b.ReadFrom(buf)
		if err != nil {
			return out
		}
		if k > 0 {
			out = append(out, buf[0])
		}
	}
}

func TestJitterOrderAndReorder(t *testing.T) {
	t.Parallel()
	for _, reorder := range []bool{false, true} {
		_, a, b := echoPair(t, Config{Up: Link{Jitter: 40 * time.Millisecond, Reorder: reorder}, Seed: 3})
		for i := range 100 {
			_, _ = a.WriteTo([]byte{byte(i)}, b.LocalAddr())
			time.Sleep(time.Millisecond)
		}
		got := recvAll(b, 200*time.Millisecond)
		inversions := 0
		for i := 1; i < len(got); i++ {
			if got[i] < got[i-1] {
				inversions++
			}
		}
		t.Logf("reorder=%v: %d datagrams, %d out of order", reorder, len(got), inversions)
		if len(got) != 100 {
			t.Fatalf("reorder=%v: %d of 100 arrived", reorder, len(got))
		}
		if reorder && inversions == 0 {
			t.Fatal("40 ms of jitter at 1 ms spacing with reordering reordered nothing")
		}
		if !reorder && inversions != 0 {
			t.Fatalf("jitter without reordering reordered %d datagrams", inversions)
		}
	}
}

func TestDuplicateAndOffline(t *testing.T) {
	t.Parallel()
	n, a, b := echoPair(t, Config{Up: Link{Duplicate: 1}})
	_, _ = a.WriteTo([]byte{1}, b.LocalAddr())
	if got := recvAll(b, 100*time.Millisecond); len(got) != 2 {
		t.Fatalf("duplicate 1: %d copies arrived", len(got))
	}
	if err := n.Set(Config{Offline: true}); err != nil {
		t.Fatal(err)
	}
	_, _ = a.WriteTo([]byte{2}, b.LocalAddr())
	_, _ = b.WriteTo([]byte{3}, a.LocalAddr())
	if got := recvAll(b, 100*time.Millisecond); len(got) != 0 {
		t.Fatalf("offline: %d datagrams went out", len(got))
	}
	buf := make([]byte, 8)
	_ = a.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, _, err := a.ReadFrom(buf); err == nil {
		t.Fatal("offline: a datagram came in")
	}
	// Back online after SetFor's window; the change before it returns.
	if err := n.Set(Config{}); err != nil {
		t.Fatal(err)
	}
	if err := n.SetFor(Config{Offline: true}, 150*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	_, _ = a.WriteTo([]byte{4}, b.LocalAddr())
	time.Sleep(250 * time.Millisecond)
	_, _ = a.WriteTo([]byte{5}, b.LocalAddr())
	if got := recvAll(b, 100*time.Millisecond); len(got) != 1 || got[0] != 5 {
		t.Fatalf("after the offline window: got %v, want [5]", got)
	}
	if n.Config().Offline {
		t.Fatal("SetFor did not restore the earlier config")
	}
}

// A Set while traffic flows is safe (run with -race) and applies at once.
func TestSetWhileSending(t *testing.T) {
	t.Parallel()
	n, a, b := echoPair(t, Config{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 2000 {
			_, _ = a.WriteTo([]byte{byte(i)}, b.LocalAddr())
		}
	}()
	for i := range 50 {
		if err := n.Set(Config{Up: Link{Loss: float64(i%2) * 0.5, Delay: time.Duration(i%3) * time.Millisecond}}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if err := n.Set(Config{Up: Link{Loss: 1}}); err != nil {
		t.Fatal(err)
	}
	recvAll(b, 50*time.Millisecond)
	_, _ = a.WriteTo([]byte{1}, b.LocalAddr())
	if got := recvAll(b, 50*time.Millisecond); len(got) != 0 {
		t.Fatal("a datagram passed 100 % loss set at run time")
	}
}

// The signaling connection: delayed both ways when Signaling is set,
// stalled while offline, and delivered in full afterwards.
func TestSignalingStream(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			k, err := c.Read(buf)
			if err != nil {
				return
			}
			_, _ = c.Write(buf[:k])
		}
	}()
	n, err := New(Config{Signaling: true, Up: Link{Delay: 40 * time.Millisecond}, Down: Link{Delay: 60 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	c, err := n.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echo := func() (time.Duration, error) {
		start := time.Now()
		if _, err := c.Write([]byte("hi")); err != nil {
			return 0, err
		}
		buf := make([]byte, 2)
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := c.Read(buf); err != nil {
			return 0, err
		}
		return time.Since(start), nil
	}
	rtt, err := echo()
	if err != nil || rtt < 100*time.Millisecond || rtt > 160*time.Millisecond {
		t.Fatalf("signaling round trip %v (%v), want 100 ms", rtt, err)
	}
	if err := n.SetFor(Config{Signaling: true, Offline: true}, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	rtt, err = echo()
	t.Logf("echo across a 300 ms offline window: %v", rtt)
	if err != nil || rtt < 300*time.Millisecond {
		t.Fatalf("echo across the offline window took %v (%v), want >= 300 ms", rtt, err)
	}
	// A read deadline ends a stalled read.
	_ = n.Set(Config{Signaling: true, Offline: true})
	_, _ = c.Write([]byte("x"))
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("read through an offline signaling link")
	}
}
