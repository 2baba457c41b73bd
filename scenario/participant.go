package scenario

import (
	"context"
	"time"

	"github.com/roombot/roombot/reports"
)

// Participant is what the runner needs of one bot (bot.Bot satisfies it).
// Start joins the room; every other method acts on a joined participant.
type Participant interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
	SetMuted(ctx context.Context, muted bool) error
	EnableCamera(ctx context.Context, on bool) error
	SwitchCamera(ctx context.Context) error
	SetBeauty(level int) error
	EnableRemoteAudio(ctx context.Context, userID string, on bool) error
	EnableRemoteVideo(ctx context.Context, userID string, on bool) error
	SendGroupText(ctx context.Context, text string) error
	SendGroupCustom(ctx context.Context, data, desc, ext string) error
	SendC2CText(ctx context.Context, to, text string) error
	UserID() string
}

// NetworkSetter is a Participant whose network the network action can
// change: n applies now, for d (0: until the next change).
type NetworkSetter interface {
	SetNetwork(n *NetworkConfig, d time.Duration) error
}

// ViewSetter is a Participant whose remote video view size the set_view
// action can change ("180p", "360p", "720p"; "" no preference).
type ViewSetter interface {
	SetVideoView(ctx context.Context, res string) error
}

// Factory makes a Participant for a planned user, not yet started, whose
// events and samples go to sink. The runner makes a new one for every
// start (a churned user rejoins as a fresh participant).
type Factory func(u *User, sink reports.Sink) (Participant, error)

// FaultInjector carries out fault steps, normally through the room
// service's admin API.
type FaultInjector interface {
	Inject(ctx context.Context, f Fault) error
}

// FaultFunc adapts a function to a FaultInjector.
type FaultFunc func(ctx context.Context, f Fault) error

// Inject calls f.
func (f FaultFunc) Inject(ctx context.Context, fault Fault) error { return f(ctx, fault) }

var _ FaultInjector = FaultFunc(nil)
