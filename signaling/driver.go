package signaling

import (
	"context"
	"net"

	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/signature"
)

// Driver joins rooms on one kind of room service.
type Driver interface {
	// Join connects, authenticates and enters the room described by p,
	// publishing p.Tracks. Events are delivered to h until the session ends.
	Join(ctx context.Context, p JoinParams, h Handler) (Session, error)
}

// Session is one participant's presence in a room.
type Session interface {
	// Do carries out one Request (local media state, receive control, IM).
	// A rejected request returns an *Error and changes no room state.
	Do(ctx context.Context, r Request) error
	// Leave exits the room and releases every resource of the session.
	// It is idempotent.
	Leave(ctx context.Context) error
}

// Handler receives a session's events. See the package doc for its contract.
type Handler func(Event)

// Role is a participant's role in the room.
type Role string

// Roles. An anchor publishes; an audience member only receives.
const (
	RoleAnchor   Role = "anchor"
	RoleAudience Role = "audience"
)

// RecvMode is the trtc-room recvmode: what a participant receives
// automatically from others.
type RecvMode int

// Receive modes (reference §4.3).
const (
	RecvAll   RecvMode = 1 // audio and video
	RecvAudio RecvMode = 2 // audio only
	RecvVideo RecvMode = 3 // video only
	RecvNone  RecvMode = 4 // nothing until asked for
)

// JoinParams describes one participant entering one room.
type JoinParams struct {
	SDKAppID      uint32
	UserID        string
	UserSig       string
	PrivateMapKey string // may be empty when room permissions are off
	RoomID        uint32 // 1..4294967295; zero when StrRoomID is used
	StrRoomID     string
	Role          Role
	RecvMode      RecvMode
	IM            bool // join the room's IM group
	// Privileges are the privateMapKey bits the participant holds. A
	// driver that mints its own credentials (LiveKit grants) maps them;
	// one that sends PrivateMapKey needs nothing else.
	Privileges signature.Privilege

	// Tracks are published on entering (camera and microphone); nil for
	// a participant that only receives.
	Tracks []webrtc.TrackLocal
	// VideoLayers, when set, are the camera's simulcast layers, lowest
	// first (LiveKit's q, h, f): one video track sent as several
	// encodings. The camera track is then not in Tracks. Only a driver
	// without a Limited refusal of FeatureSimulcast accepts them.
	VideoLayers []Layer
	// ViewHeight is the height in pixels of the element remote video is
	// shown in (what a browser's adaptive stream tells an SFU); 0 means
	// no preference (the best layer). A driver that forwards one layer
	// ignores it.
	ViewHeight int
	// AudioMuted and VideoOff are the initial local media state.
	AudioMuted, VideoOff bool

	// NewPeerConnection creates every PeerConnection the driver needs, from
	// the bot's webrtc.API (network, interceptors, codecs).
	NewPeerConnection func(webrtc.Configuration) (*webrtc.PeerConnection, error)
	// Dial, when set, opens the signaling connection (the bot's network,
	// e.g. an impaired one); drivers dial through it instead of their own
	// dialer's network.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Layer is one simulcast layer of the camera track.
type Layer struct {
	// RID is the RTP stream ID ("q", "h", "f"); Track has the same ID
	// and stream ID as the other layers and this RID.
	RID           string
	Width, Height int
	Kbps          int // the fixture's nominal bitrate
	Track         webrtc.TrackLocal
}

// DrainRTCPLayer is DrainRTCP for the simulcast encoding rid of s (pion
// reads the RTCP of each encoding separately).
func DrainRTCPLayer(s *webrtc.RTPSender, rid string) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.ReadSimulcast(buf, rid); err != nil {
			return
		}
	}
}

// DrainRTCP reads and discards RTCP from s until it is closed, so that the
// interceptors of s see every incoming RTCP packet. Drivers call it in a
// goroutine for every RTPSender they create.
func DrainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}
