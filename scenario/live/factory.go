package live

import (
	"log/slog"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/browser"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signature"
)

var recvModes = map[string]signaling.RecvMode{
	"all": signaling.RecvAll, "audio": signaling.RecvAudio, "video": signaling.RecvVideo, "none": signaling.RecvNone,
}

// botConfig turns a planned user into the bot's component properties.
func botConfig(u *scenario.User, tg *Target) bot.Config {
	g := u.Config
	bc := bot.Config{
		SDKAppID: tg.SDKAppID, UserID: u.ID, RoomID: u.Room.ID, StrRoomID: u.Room.StrID,
		SecretKey: tg.Secret, SignURL: tg.SignURL, SignToken: tg.SignToken, DriverCredentials: tg.DriverCredentials,
		Muted: g.Muted, CameraOff: g.CameraOff, EnableIM: g.IM, MaxMembers: g.MaxMembers,
		Role: signaling.Role(g.Role), RecvMode: recvModes[g.RecvMode],
		Media: bot.MediaConfig{Codec: g.Media.Codec, Resolution: g.Media.Resolution, Camera: g.Media.Camera,
			NoAudio: g.Media.Audio != nil && !*g.Media.Audio, NoVideo: g.Media.Video != nil && !*g.Media.Video, Live: g.Media.Live},
	}
	if g.Permissions != nil {
		bc.Privileges = signature.Privilege(g.Permissions.Privileges)
	}
	return bc
}

// newFactory makes real bots that share one Host and the target's driver.
func newFactory(c *scenario.Config, tg *Target, host *bot.Host, browsers *browser.Pool, log *slog.Logger) scenario.Factory {
	return func(u *scenario.User, sink reports.Sink) (scenario.Participant, error) {
		if u.Config.Kind == "browser" {
			return newBrowser(u, tg, sink, browsers, log)
		}
		opts := []bot.Option{bot.WithDriver(tg.Driver), bot.WithSink(sink), bot.WithHost(host), bot.WithLogger(log)}
		if n := u.Config.Network; n != nil {
			nc := netem.Config{SendLoss: n.SendLossPct / 100, RecvLoss: n.RecvLossPct / 100, Delay: n.Delay.D(),
				Jitter: n.Jitter.D(), SendRate: int(n.SendRateKbps * 1000), Seed: c.Seed + int64(u.GroupIndex)}
			if !nc.Zero() {
				nw, err := netem.New(nc)
				if err != nil {
					return nil, err
				}
				opts = append(opts, bot.WithNet(nw))
			}
		}
		return bot.New(botConfig(u, tg), opts...)
	}
}
