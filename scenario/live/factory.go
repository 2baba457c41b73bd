package live

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

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
			NoAudio: g.Media.Audio != nil && !*g.Media.Audio, NoVideo: g.Media.Video != nil && !*g.Media.Video, Live: g.Media.Live,
			Simulcast: g.Media.Simulcast, View: g.Media.View},
	}
	if g.Permissions != nil {
		bc.Privileges = signature.Privilege(g.Permissions.Privileges)
	}
	return bc
}

// newFactory makes real bots that share one Host and one driver. A user
// whose group has a network, or whom a network step selects, gets an
// impaired network of its own (bot/netem) that lives across its re-joins.
func newFactory(plan *scenario.Plan, tg *Target, host *bot.Host, browsers *browser.Pool, log *slog.Logger) (scenario.Factory, *userNets) {
	c := plan.Config
	changed := map[string]bool{}
	for _, a := range plan.Actions {
		if a.Name == "network" {
			changed[a.User] = true
		}
	}
	nets := newUserNets()
	return nets.factory(c, changed, tg, host, browsers, log), nets
}

func (nets *userNets) factory(c *scenario.Config, changed map[string]bool, tg *Target, host *bot.Host, browsers *browser.Pool, log *slog.Logger) scenario.Factory {
	return func(u *scenario.User, sink reports.Sink) (scenario.Participant, error) {
		if u.Config.Kind == "browser" {
			return newBrowser(u, tg, sink, browsers, log)
		}
		opts := []bot.Option{bot.WithDriver(tg.Driver), bot.WithSink(sink), bot.WithHost(host), bot.WithLogger(log)}
		seed := c.Seed + int64(u.GroupIndex)
		var nw *netem.Net
		if n := u.Config.Network; n != nil || changed[u.ID] {
			var nc netem.Config
			if n != nil {
				var errs []scenario.FieldError
				if nc, errs = n.Netem(seed); len(errs) > 0 {
					return nil, fmt.Errorf("network: %w", errs[0])
				}
			}
			var err error
			if nw, err = nets.get(u.ID, nc); err != nil {
				return nil, err
			}
			opts = append(opts, bot.WithNet(nw))
		}
		b, err := bot.New(botConfig(u, tg), opts...)
		if err != nil || nw == nil {
			return b, err
		}
		return &netBot{Bot: b, net: nw, seed: seed}, nil
	}
}

// userNets are the users' impaired networks, made on a user's first join.
// Close them after the run.
type userNets struct {
	mu sync.Mutex
	m  map[string]*netem.Net
}

func newUserNets() *userNets { return &userNets{m: map[string]*netem.Net{}} }

// close ends the networks' goroutines (after every bot stopped).
func (n *userNets) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, nw := range n.m {
		_ = nw.Close()
	}
}

func (n *userNets) get(user string, c netem.Config) (*netem.Net, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if nw, ok := n.m[user]; ok {
		return nw, nil
	}
	nw, err := netem.New(c)
	if err != nil {
		return nil, err
	}
	n.m[user] = nw
	return nw, nil
}

// netBot is a bot on its own impaired network: the network action changes
// that network.
type netBot struct {
	*bot.Bot
	net  *netem.Net
	seed int64
}

// SetNetwork applies n now, for d (0: until the next change).
func (b *netBot) SetNetwork(n *scenario.NetworkConfig, d time.Duration) error {
	c, errs := n.Netem(b.seed)
	if len(errs) > 0 {
		return errs[0]
	}
	if d > 0 {
		return b.net.SetFor(c, d)
	}
	return b.net.Set(c)
}
