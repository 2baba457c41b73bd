//go:build linux

package bot

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/pion/rtp"
	"github.com/pion/srtp/v3"
	"golang.org/x/sys/unix"
)

// benchReflectEnv makes the test binary a UDP reflector (runReflector):
// BenchmarkPacketFloor's far end, in its own process so that its CPU is
// not counted.
const benchReflectEnv = "ROOMBOT_BENCH_REFLECT"

// runReflector returns every datagram to its sender until stdin closes.
func runReflector() {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	_ = c.SetReadBuffer(16 << 20)
	_ = c.SetWriteBuffer(16 << 20)
	fmt.Println(c.LocalAddr())
	go func() {
		buf := make([]byte, 1<<16)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			_, _ = c.WriteToUDPAddrPort(buf[:n], from)
		}
	}()
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}

func startReflector(b *testing.B) *net.UDPAddr {
	b.Helper()
	line, _ := startChild(b, benchReflectEnv)
	a, err := net.ResolveUDPAddr("udp4", line)
	if err != nil {
		b.Fatalf("reflector: %q: %v", line, err)
	}
	return a
}

// BenchmarkPacketFloor measures what a bot's media packets cost on this
// machine with nothing of WebRTC around them: the floor under the ≤ 8 µs
// goal of issue 12. BOTS (default 100) UDP sockets in this process each
// send what a 360p VP8 + Opus bot sends (50 Opus packets/s of 120 bytes, 30
// VP8 frames/s of 2.2 packets of 1,100 bytes on average: the ~117 packets/s
// BenchmarkBots's bots send) to a reflector in a child process that returns
// every datagram, so each socket also receives what a bot in a room of two
// receives. As in the bots: one goroutine per socket blocks in ReadFrom
// (pion's ICE read loop), and GOMAXPROCS pacing goroutines wake every 2 ms
// (the scheduler's coalescing window) and send what is due. Modes:
//
//   - udp: the system calls and wake-ups only;
//   - srtp: plus pion/srtp's AEAD AES-256-GCM (the profile the bots
//     negotiate) on every packet sent and received, and an RTP header
//     marshalled and parsed for each;
//   - srtp-gso: as srtp, but each video frame's packets leave in one UDP
//     GSO send (the batching lead).
//
// It reports this process's CPU (rusage) per packet handled, sent plus
// received, over WINDOW seconds (default 10) after 3 s, and fails unless
// 99 % of what was sent in the window came back. Run on a quiet machine:
//
//	go test -run '^$' -bench BenchmarkPacketFloor -benchtime 1x ./bot/
func BenchmarkPacketFloor(b *testing.B) {
	for _, mode := range []string{"udp", "srtp", "srtp-gso"} {
		b.Run("mode="+mode, func(b *testing.B) {
			for b.Loop() {
				benchFloor(b, mode, benchEnv(b, "BOTS", 100), time.Duration(benchEnv(b, "WINDOW", 10))*time.Second)
			}
		})
	}
}

const (
	floorAudioSize = 120
	floorVideoSize = 1100
)

// floorBot is one socket and its two streams' schedules.
type floorBot struct {
	c          *net.UDPConn
	enc, dec   *srtp.Context
	audio      rtp.Header
	video      rtp.Header
	nextAudio  time.Time
	nextVideo  time.Time
	frames     int
	plain, out []byte
	oob        []byte
}

func benchFloor(b *testing.B, mode string, n int, window time.Duration) {
	dst := startReflector(b)
	crypt := mode != "udp"
	key, salt := make([]byte, 32), make([]byte, 12)
	for i := range key {
		key[i] = byte(i)
	}
	var sent, recv, sendErr atomic.Int64
	var counting atomic.Bool
	bots := make([]*floorBot, n)
	var readers sync.WaitGroup
	t0 := time.Now()
	for i := range bots {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			b.Fatal(err)
		}
		fb := &floorBot{c: c, plain: make([]byte, 1500), out: make([]byte, 4*1500),
			audio: rtp.Header{Version: 2, PayloadType: 111, SSRC: uint32(2*i + 1)},
			video: rtp.Header{Version: 2, PayloadType: 96, SSRC: uint32(2*i + 2)},
			// Phases spread over a frame, as bots entering at random times.
			nextAudio: t0.Add(time.Duration(i) * 20 * time.Millisecond / time.Duration(n)),
			nextVideo: t0.Add(time.Duration(i) * 33 * time.Millisecond / time.Duration(n)),
		}
		if crypt {
			if fb.enc, err = srtp.CreateContext(key, salt, srtp.ProtectionProfileAeadAes256Gcm); err != nil {
				b.Fatal(err)
			}
			if fb.dec, err = srtp.CreateContext(key, salt, srtp.ProtectionProfileAeadAes256Gcm); err != nil {
				b.Fatal(err)
			}
		}
		fb.oob = make([]byte, unix.CmsgSpace(2))
		h := (*unix.Cmsghdr)(unsafe.Pointer(&fb.oob[0]))
		h.Level, h.Type = unix.SOL_UDP, unix.UDP_SEGMENT
		h.SetLen(unix.CmsgLen(2))
		binary.NativeEndian.PutUint16(fb.oob[unix.CmsgLen(0):], 0) // set per frame
		bots[i] = fb
		readers.Add(1)
		go func() {
			defer readers.Done()
			buf, plain := make([]byte, 1500), make([]byte, 1500)
			var hdr rtp.Header
			for {
				m, _, err := c.ReadFromUDP(buf)
				if err != nil {
					return
				}
				if crypt {
					p, err := fb.dec.DecryptRTP(plain, buf[:m], &hdr)
					if err != nil || len(p) < 12 {
						continue
					}
				} else if _, err := hdr.Unmarshal(buf[:m]); err != nil {
					continue
				}
				if counting.Load() {
					recv.Add(1)
				}
			}
		}()
	}
	defer func() {
		for _, fb := range bots {
			_ = fb.c.Close()
		}
		readers.Wait()
	}()

	// packet builds one RTP packet (header + zero payload), encrypted
	// when crypt, into dst; it returns its length.
	packet := func(fb *floorBot, h *rtp.Header, size int, dst []byte) int {
		h.SequenceNumber++
		hn, _ := h.MarshalTo(fb.plain)
		p := fb.plain[:size]
		clear(p[hn:])
		if !crypt {
			return copy(dst, p)
		}
		out, err := fb.enc.EncryptRTP(dst[:0], p, h)
		if err != nil {
			b.Error(err)
			return 0
		}
		return len(out)
	}
	send := func(fb *floorBot, p []byte) {
		if _, err := fb.c.WriteToUDP(p, dst); err != nil {
			sendErr.Add(1)
			return
		}
		if counting.Load() {
			sent.Add(1)
		}
	}
	tick := func(fb *floorBot, now time.Time) {
		for !fb.nextAudio.After(now) {
			fb.audio.Timestamp += 960
			k := packet(fb, &fb.audio, floorAudioSize, fb.out)
			send(fb, fb.out[:k])
			fb.nextAudio = fb.nextAudio.Add(20 * time.Millisecond)
		}
		for !fb.nextVideo.After(now) {
			fb.video.Timestamp += 3000
			pkts := 2
			if fb.frames%5 == 0 {
				pkts = 3 // 2.2 packets per frame on average
			}
			fb.frames++
			if mode != "srtp-gso" {
				for j := range pkts {
					fb.video.Marker = j == pkts-1
					k := packet(fb, &fb.video, floorVideoSize, fb.out)
					send(fb, fb.out[:k])
				}
			} else {
				off, seg := 0, 0
				for j := range pkts {
					fb.video.Marker = j == pkts-1
					k := packet(fb, &fb.video, floorVideoSize, fb.out[off:])
					seg, off = k, off+k
				}
				binary.NativeEndian.PutUint16(fb.oob[unix.CmsgLen(0):], uint16(seg))
				if _, _, err := fb.c.WriteMsgUDP(fb.out[:off], fb.oob, dst); err != nil {
					sendErr.Add(1)
				} else if counting.Load() {
					sent.Add(int64(pkts))
				}
			}
			fb.nextVideo = fb.nextVideo.Add(33333333 * time.Nanosecond)
		}
	}
	stop := make(chan struct{})
	var pacers sync.WaitGroup
	shards := runtime.GOMAXPROCS(0)
	for s := range shards {
		pacers.Add(1)
		go func() {
			defer pacers.Done()
			t := time.NewTicker(2 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
				}
				now := time.Now().Add(2 * time.Millisecond) // the coalescing window: what is due within it
				for i := s; i < len(bots); i += shards {
					tick(bots[i], now)
				}
			}
		}()
	}
	time.Sleep(benchWarmup)
	counting.Store(true)
	c0, w0 := cpuTime(0), time.Now()
	time.Sleep(window)
	c1, el := cpuTime(0), time.Since(w0)
	counting.Store(false)
	time.Sleep(100 * time.Millisecond) // the window's last packets come back
	close(stop)
	pacers.Wait()
	s, r := sent.Load(), recv.Load()
	if s == 0 || float64(r) < 0.99*float64(s) || sendErr.Load() > 0 {
		b.Fatalf("%s: sent %d, %d came back, %d send errors: not the traffic the figure is about", mode, s, r, sendErr.Load())
	}
	cpu := c1 - c0
	b.ReportMetric(float64(cpu)/float64(time.Microsecond)/float64(s+r), "us/packet")
	b.ReportMetric(100*float64(cpu)/float64(el)/float64(n), "cpu%/bot")
	b.ReportMetric(float64(s+r)/el.Seconds()/float64(n), "packets/s/bot")
	b.Logf("%s, %d sockets: %d sent, %d received in %v; %.1f%% of a core; load %s", mode, n, s, r, el.Round(time.Millisecond), 100*float64(cpu)/float64(el), loadAvg())
}
