package play

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
	"github.com/roombot/roombot/media/internal/pcpair"
)

// discard is a Writer that only counts.
type discard struct{ n int }

func (d *discard) WriteRTP(p *rtp.Packet) error { d.n += len(p.Payload); return nil }

// botSecond runs one second of a bot's 360p VP8 + Opus playback (30 video
// and 50 audio frames) through tick, without the pacing wait.
func botSecond(v, a *Player, now *time.Time) {
	for i := 0; i < 50; i++ {
		if i%5 < 3 { // 30 of 50
			v.due = *now
			v.tick(*now, time.Hour)
		}
		a.due = *now
		a.tick(*now, time.Hour)
		*now = now.Add(20 * time.Millisecond)
	}
}

func benchPlayers(b *testing.B, vw, aw Writer) (v, a *Player) {
	b.Helper()
	lib, err := fixture.Default()
	if err != nil {
		b.Fatal(err)
	}
	vc, _ := lib.Video("front", media.CodecVP8, 360)
	ac, _ := lib.Audio()
	ext := media.Extensions{AbsCaptureTime: 3, AudioLevel: 1}
	// Players built directly, not scheduled: the benchmark drives tick.
	v = &Player{w: vw, clip: vc, ext: ext, keyMinInterval: DefaultKeyframeMinInterval}
	a = &Player{w: aw, clip: ac, ext: ext, keyMinInterval: DefaultKeyframeMinInterval}
	v.t0, a.t0 = time.Now(), time.Now()
	return v, a
}

// BenchmarkPlayerBotSecond is the player's own cost per bot-second (360p
// VP8 + Opus) with a writer that does nothing.
func BenchmarkPlayerBotSecond(b *testing.B) {
	v, a := benchPlayers(b, &discard{}, &discard{})
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		botSecond(v, a, &now)
	}
	b.ReportMetric(float64(v.Stats().Packets+a.Stats().Packets)/float64(b.N), "pkts/op")
}

// BenchmarkPlayerBotSecondPion is the same through real pion tracks bound to
// a connected PeerConnection pair: RTP marshal, interceptors, SRTP and the
// UDP send. The receiving side's cost is not included.
func BenchmarkPlayerBotSecondPion(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), pcpair.Timeout)
	defer cancel()
	vt, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "v", "s")
	at, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "a", "s")
	pair, err := pcpair.New(ctx, []webrtc.TrackLocal{vt, at})
	if err != nil {
		b.Fatal(err)
	}
	defer pair.Close()
	// Drain the receiver so its buffers never fill. Tracks arrive with the
	// first packets, so the drain starts before the players.
	var wg sync.WaitGroup
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
				buf := make([]byte, 1500)
				for {
					if _, _, err := rt.Track.Read(buf); err != nil {
						return
					}
				}
			}()
		}
	}()
	v, a := benchPlayers(b, vt, at)
	v.ext, a.ext = pair.SenderExtensions(0), pair.SenderExtensions(1)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		botSecond(v, a, &now)
		runtime.Gosched()
	}
	b.StopTimer()
	pair.Close()
	cancel()
	wg.Wait()
	b.ReportMetric(float64(v.Stats().Packets+a.Stats().Packets)/float64(b.N), "pkts/op")
}
