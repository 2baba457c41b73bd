package bot_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling/native"
)

// Two bots in one room of the embedded reference service; events are
// printed as they come.
func Example() {
	ctx := context.Background()
	srv, err := server.Start(ctx, server.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	host, err := bot.NewHost() // shared by every bot of the process
	if err != nil {
		log.Fatal(err)
	}
	defer host.Close()

	sink := reports.SinkFunc{Event: func(e reports.Event) { fmt.Println(e.User, e.Event, e.Code, e.Remote) }}
	var bots []*bot.Bot
	for _, user := range []string{"alice", "bob"} {
		b, err := bot.New(bot.Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, UserID: user, RoomID: 1234},
			bot.WithDriver(native.New(srv.SignalURL())), bot.WithHost(host), bot.WithSink(sink))
		if err != nil {
			log.Fatal(err)
		}
		if err := b.Start(ctx); err != nil { // returns after 1018
			log.Fatal(err)
		}
		bots = append(bots, b)
	}
	_ = bots[0].SetMuted(ctx, true)                    // bob sees remote_audio off (1034)
	_ = bots[1].EnableRemoteVideo(ctx, "alice", false) // alice's video packets stop reaching bob
	time.Sleep(2 * time.Second)
	for _, b := range bots {
		_ = b.Stop(ctx) // 1019 here, 1032 at the peer
	}
}
