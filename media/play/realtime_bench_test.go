package play

import (
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
	"github.com/roombot/roombot/media/internal/pcpair"
	"github.com/roombot/roombot/media/rx"
)

// BenchmarkRealtimeBots measures what the efficiency target is about: CPU per
// bot that publishes 360p VP8 + Opus in real time and receives (and
// analyses) one peer's tracks. It runs pairs of PeerConnections on loopback
// for a few seconds and reports process CPU per pair — one publishing and
// one receiving side, i.e. one bot of a symmetric room. Run it alone
// (-benchtime 1x); pion's per-packet cost dominates.
func BenchmarkRealtimeBots(b *testing.B) {
	const pairs, run = 20, 5 * time.Second
	lib, err := fixture.Default()
	if err != nil {
		b.Fatal(err)
	}
	vc, _ := lib.Video("front", media.CodecVP8, 360)
	ac, _ := lib.Audio()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 4*pcpair.Timeout)
		s, _ := NewScheduler()
		var wg sync.WaitGroup
		var closers []func()
		for range pairs {
			vt, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "v", "s")
			at, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "a", "s")
			pair, err := pcpair.New(ctx, []webrtc.TrackLocal{vt, at})
			if err != nil {
				b.Fatal(err)
			}
			closers = append(closers, pair.Close)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 2 {
					var rt pcpair.Remote
					select {
					case rt = <-pair.Tracks:
					case <-ctx.Done():
						return
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						c, _ := media.ParseCodec(rt.Track.Codec().MimeType)
						a := rx.NewAnalyzer(c, time.Now(), rx.WithExtensions(pcpair.ReceiverExtensions(rt.Receiver)), rx.WithRecognizer(lib.Recognize))
						for {
							p, _, err := rt.Track.ReadRTP()
							if err != nil {
								return
							}
							a.Packet(p, time.Now())
						}
					}()
				}
			}()
			if _, err := New(s, vt, vc, WithExtensions(pair.SenderExtensions(0))); err != nil {
				b.Fatal(err)
			}
			if _, err := New(s, at, ac, WithExtensions(pair.SenderExtensions(1))); err != nil {
				b.Fatal(err)
			}
		}
		<-time.After(time.Second) // let connections settle before measuring
		var r0, r1 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
		t0 := time.Now()
		<-time.After(run)
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		wall := time.Since(t0)
		cpu := time.Duration(r1.Utime.Nano()+r1.Stime.Nano()-r0.Utime.Nano()-r0.Stime.Nano()) * time.Nanosecond
		lag := s.Lag()
		_ = s.Close()
		for _, c := range closers {
			c()
		}
		cancel()
		wg.Wait()
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds()/pairs, "%core/bot")
		b.ReportMetric(float64(lag.P99.Microseconds()), "lag-p99-µs")
		b.ReportMetric(float64(r1.Maxrss)/1024/pairs, "maxRSS-MB/bot")
	}
}
