package bot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/roombot/roombot/media/live"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signature"
)

// Defaults of the component's properties and of the bot's media.
const (
	DefaultRole       = signaling.RoleAnchor
	DefaultRecvMode   = signaling.RecvAll
	DefaultCodec      = "vp8"
	DefaultResolution = "360p"
	DefaultCamera     = "front"
	// DefaultUserSigExpire is the lifetime of a locally signed userSig and
	// privateMapKey.
	DefaultUserSigExpire = 24 * time.Hour
	// DefaultPrivileges are the privateMapKey bits a locally signing bot
	// grants itself: everything.
	DefaultPrivileges = signature.PrivAll
)

// Config is the <webrtc-room> component's properties (reference §4.1) plus
// the bot's credentials source and media. It is plain data: Validate checks
// it, New uses it.
//
// Credentials come from one of three places, checked in this order:
// UserSig given as is; SignURL, the seed's flow (POST to a signing service
// that returns userID, sdkAppID, roomID, userSig and privateMapKey); or
// SecretKey, signed locally. SecretKey never appears in logs, errors or
// events.
type Config struct {
	SDKAppID      uint32 `json:"sdkAppID"`
	UserID        string `json:"userID"`
	UserSig       string `json:"-"`
	PrivateMapKey string `json:"-"`
	RoomID        uint32 `json:"roomID,omitempty"`
	StrRoomID     string `json:"strRoomID,omitempty"`

	// SecretKey signs userSig and privateMapKey locally (console secret).
	SecretKey string `json:"-"`
	// Privileges are the privateMapKey bits when signing locally; zero
	// means DefaultPrivileges.
	Privileges signature.Privilege `json:"privileges,omitempty"`
	// SignURL is a signing service endpoint (e.g. http://host/api/sign).
	SignURL string `json:"signURL,omitempty"`
	// SignToken is the signing service's bearer token, if it wants one.
	SignToken string `json:"-"`
	// DriverCredentials: the signaling driver brings its own credentials
	// (an API key and secret, a token): no userSig or privateMapKey is
	// made or needed, and Privileges travel to the driver as they are.
	DriverCredentials bool `json:"driverCredentials,omitempty"`

	// Muted starts with the microphone muted (property muted).
	Muted bool `json:"muted,omitempty"`
	// CameraOff is the inverse of the enableCamera property (default true),
	// so that the zero Config has the component's default.
	CameraOff bool `json:"cameraOff,omitempty"`
	// Beauty is 0…9. Fixture media is pre-encoded, so it changes nothing in
	// the stream; it is kept and reported like the component keeps it.
	Beauty int `json:"beauty,omitempty"`
	// Debug logs the bot's signaling and media events at debug level.
	Debug bool `json:"debug,omitempty"`
	// EnableIM joins the room's IM group and raises IM events.
	EnableIM bool `json:"enableIM,omitempty"`
	// Role: anchor publishes, audience only receives (default anchor).
	Role signaling.Role `json:"role,omitempty"`
	// RecvMode is what is received automatically (default RecvAll).
	RecvMode signaling.RecvMode `json:"recvMode,omitempty"`
	// Autoplay is the initial "video shown" flag of remote players. A bot
	// draws nothing, so it is reported but changes no traffic.
	Autoplay bool `json:"autoplay,omitempty"`
	// MaxMembers is the component's slot count (3 for grid/float, 1 for
	// bigsmall); a longer member list raises -8. Zero means no limit.
	MaxMembers int `json:"maxMembers,omitempty"`

	Media MediaConfig `json:"media"`
}

// MediaConfig chooses what a publishing bot sends.
type MediaConfig struct {
	Codec      string `json:"codec,omitempty"`      // "vp8" (default) or "h264"
	Resolution string `json:"resolution,omitempty"` // "180p", "360p" (default), "720p"
	Camera     string `json:"camera,omitempty"`     // "front" (default) or "back"
	NoAudio    bool   `json:"noAudio,omitempty"`    // publish video only
	NoVideo    bool   `json:"noVideo,omitempty"`    // publish audio only
	// Live encodes a synthetic picture and tone in real time (VP8 + Opus,
	// pion/mediadevices) instead of replaying fixtures: a fresh keyframe
	// on request, but a share of a core per bot. Needs -tags live.
	Live bool `json:"live,omitempty"`
	// Simulcast publishes the camera as three simulcast layers, the
	// 180p, 360p and 720p fixtures under RIDs q, h and f (Resolution is
	// then unused). Only servers that select layers accept it (LiveKit).
	Simulcast bool `json:"simulcast,omitempty"`
	// View is the size of the element remote video is shown in ("180p",
	// "360p", "720p"; "" no preference): a simulcast SFU forwards the
	// layer that fits it.
	View string `json:"view,omitempty"`
}

// withDefaults fills the zero fields with the Default constants.
func (c Config) withDefaults() Config {
	if c.Role == "" {
		c.Role = DefaultRole
	}
	if c.RecvMode == 0 {
		c.RecvMode = DefaultRecvMode
	}
	if c.Privileges == 0 {
		c.Privileges = DefaultPrivileges
	}
	if c.Media.Codec == "" {
		c.Media.Codec = DefaultCodec
	}
	if c.Media.Resolution == "" {
		c.Media.Resolution = DefaultResolution
	}
	if c.Media.Camera == "" {
		c.Media.Camera = DefaultCamera
	}
	return c
}

// Publishes reports whether a bot with this Config sends media.
func (c Config) Publishes() bool {
	return c.withDefaults().Role == signaling.RoleAnchor && !(c.Media.NoAudio && c.Media.NoVideo)
}

// Validate reports every problem of c at once. A userID may be empty only
// when SignURL is set (the signing service generates one).
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("bot config: "+format, args...)) }

	if c.SignURL == "" && c.SDKAppID == 0 && !c.DriverCredentials {
		bad("sdkAppID must be set")
	}
	if c.UserID == "" && c.SignURL == "" {
		bad("userID must be set")
	} else if c.UserID != "" {
		if err := signature.ValidateUserID(c.UserID); err != nil {
			bad("userID: %v", err)
		}
	}
	if c.SignURL == "" {
		if err := (signature.Room{ID: c.RoomID, Str: c.StrRoomID}).Validate(); err != nil {
			bad("%v", err)
		}
	}
	if c.UserSig == "" && c.SignURL == "" && c.SecretKey == "" && !c.DriverCredentials {
		bad("credentials: set userSig, a signing service URL or a secret key")
	}
	if c.SignURL != "" {
		if u, err := url.Parse(c.SignURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("signURL must be an http(s) URL, got %q", c.SignURL)
		}
	}
	if c.Beauty < 0 || c.Beauty > 9 {
		bad("beauty must be 0..9, got %d", c.Beauty)
	}
	if c.Role != signaling.RoleAnchor && c.Role != signaling.RoleAudience {
		bad("role must be %q or %q, got %q", signaling.RoleAnchor, signaling.RoleAudience, c.Role)
	}
	if c.RecvMode < signaling.RecvAll || c.RecvMode > signaling.RecvNone {
		bad("recvMode must be 1..4, got %d", c.RecvMode)
	}
	if c.MaxMembers < 0 {
		bad("maxMembers must be >= 0, got %d", c.MaxMembers)
	}
	switch strings.ToLower(c.Media.Codec) {
	case "vp8", "h264":
	default:
		bad("media codec must be vp8 or h264, got %q", c.Media.Codec)
	}
	switch c.Media.Resolution {
	case "180p", "360p", "720p":
	default:
		bad("media resolution must be 180p, 360p or 720p, got %q", c.Media.Resolution)
	}
	if c.Media.Live && !live.Available {
		bad("media live: %v", errNoLiveText)
	}
	if c.Media.Live && strings.ToLower(c.Media.Codec) != "vp8" {
		bad("media live encodes vp8 only, got %q", c.Media.Codec)
	}
	if c.Media.Simulcast && c.Media.Live {
		bad("media simulcast replays the fixture layers; it cannot be combined with live")
	}
	switch c.Media.View {
	case "", "180p", "360p", "720p":
	default:
		bad("media view must be 180p, 360p or 720p, got %q", c.Media.View)
	}
	switch c.Media.Camera {
	case "front", "back":
	default:
		bad("media camera must be front or back, got %q", c.Media.Camera)
	}
	return errors.Join(errs...)
}

// roomName is the room as events print it.
func (c Config) roomName() string {
	if c.StrRoomID != "" {
		return c.StrRoomID
	}
	if c.RoomID == 0 {
		return ""
	}
	return fmt.Sprint(c.RoomID)
}

const errNoLiveText = "needs a binary built with -tags live (cgo, libvpx)"
