package bot

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling/native"
)

// BenchmarkStatsLine is what one stats line costs a bot: building the
// Sample of a bot in a room of ROOM_SIZE (default 6: 2 tracks sent, 10
// received) whose media flows, against the reference service in a child
// process. It fails unless the bots' own stats lines showed received media
// before, and the line it builds has every track. Run:
//
//	go test -run '^$' -bench BenchmarkStatsLine -benchmem ./bot/
func BenchmarkStatsLine(b *testing.B) {
	size := benchEnv(b, "ROOM_SIZE", 6)
	url, _ := startBenchServer(b)
	host, err := NewHost()
	if err != nil {
		b.Fatal(err)
	}
	defer host.Close()
	var media atomic.Int64 // stats lines with received media
	sink := reports.SinkFunc{Sample: func(s reports.Sample) {
		if s.RxPackets > 0 && s.RxKbps > 0 {
			media.Add(1)
		}
	}}
	bots := make([]*Bot, size)
	for i := range bots {
		bots[i], err = New(Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, UserID: fmt.Sprintf("s%d", i), RoomID: 77},
			WithDriver(native.New(url, native.WithLogger(slog.New(slog.DiscardHandler)))), WithHost(host), WithSink(sink))
		if err != nil {
			b.Fatal(err)
		}
	}
	defer startBenchBots(b, bots)()
	// Every bot writes a line a second; wait (bounded) for two each.
	for deadline := time.Now().Add(20 * time.Second); media.Load() < int64(2*size); {
		if time.Now().After(deadline) {
			b.Fatalf("%d stats lines with received media in 20 s from %d bots: no media flowed", media.Load(), size)
		}
		time.Sleep(100 * time.Millisecond) // polling a counter the bots' stats loops raise
	}
	bot := bots[0]
	want := 2 + 2*(size-1)
	b.ReportAllocs()
	var s reports.Sample
	for b.Loop() {
		s = bot.sample(time.Now(), time.Second)
	}
	if len(s.Tracks) != want {
		b.Fatalf("the stats line has %d tracks, want %d (2 sent, %d received)", len(s.Tracks), want, want-2)
	}
}
