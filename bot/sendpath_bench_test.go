//go:build linux

package bot

import (
	"encoding/binary"
	"net"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"
)

// BenchmarkLoopbackSend measures the kernel's part of sending a video frame
// (four 1,200-byte datagrams to one socket on loopback), as the sending
// thread's CPU per datagram: one sendto each (what pion does), one
// sendmmsg for the four, and one sendmsg with UDP GSO (UDP_SEGMENT) that
// the kernel splits into four datagrams. It is the lead for the bots' send
// cost (README "Measured", issue 12): batching the system calls does not
// help, GSO halves it. A receiver counts what arrived; the benchmark fails
// unless every datagram did, whole. Run:
//
//	go test -run '^$' -bench BenchmarkLoopbackSend -benchtime 20000x ./bot/
func BenchmarkLoopbackSend(b *testing.B) {
	for _, mode := range []string{"sendto", "sendmmsg", "gso"} {
		b.Run(mode, func(b *testing.B) { benchLoopbackSend(b, mode) })
	}
}

const (
	lbSegment = 1200
	lbFrame   = 4 // datagrams per video frame
)

func benchLoopbackSend(b *testing.B, mode string) {
	rc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	_ = rc.SetReadBuffer(8 << 20)
	var got atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2*lbSegment)
		for {
			n, _, err := rc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n == lbSegment {
				got.Add(1)
			}
		}
	}()
	sc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	dst := rc.LocalAddr().(*net.UDPAddr)
	frame := make([]byte, lbFrame*lbSegment)
	pc := ipv4.NewPacketConn(sc)
	msgs := make([]ipv4.Message, lbFrame)
	for i := range msgs {
		msgs[i] = ipv4.Message{Buffers: [][]byte{frame[i*lbSegment : (i+1)*lbSegment]}, Addr: dst}
	}
	oob := make([]byte, unix.CmsgSpace(2))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
	h.Level, h.Type = unix.SOL_UDP, unix.UDP_SEGMENT
	h.SetLen(unix.CmsgLen(2))
	binary.NativeEndian.PutUint16(oob[unix.CmsgLen(0):], lbSegment)

	runtime.LockOSThread()
	c0 := threadCPU()
	for i := 0; b.Loop(); i++ {
		switch mode {
		case "sendto":
			for j := range lbFrame {
				_, err = sc.WriteToUDP(frame[j*lbSegment:(j+1)*lbSegment], dst)
			}
		case "sendmmsg":
			_, err = pc.WriteBatch(msgs, 0)
		case "gso":
			_, _, err = sc.WriteMsgUDP(frame, oob, dst)
		}
		if err != nil {
			b.Fatal(err)
		}
		if i%50 == 49 {
			// A frame every few ms, as bots send: the receiver sleeps
			// and is woken, as the reference service is.
			time.Sleep(time.Millisecond)
		}
	}
	cpu := threadCPU() - c0
	runtime.UnlockOSThread()
	sent := int64(b.N) * lbFrame
	// Let the receiver drain (bounded), then stop it.
	for deadline := time.Now().Add(2 * time.Second); got.Load() < sent && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // polling the receiver's counter
	}
	_ = sc.Close()
	_ = rc.Close()
	<-done
	if got.Load() != sent {
		b.Fatalf("%s: the receiver got %d of %d datagrams of %d bytes", mode, got.Load(), sent, lbSegment)
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/1000/float64(sent), "sender-us/datagram")
}

// threadCPU is the calling OS thread's user+system CPU time.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(unix.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
