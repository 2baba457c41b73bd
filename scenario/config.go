package scenario

import (
	"time"
)

// Config is a scenario file, decoded and validated. It is pure data: it
// connects nothing and holds no runtime state. Durations are offsets from
// the start of the run.
type Config struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Seed makes the random behaviours and Poisson arrivals repeatable.
	Seed int64 `yaml:"seed"`
	// Duration is how long the run lasts; at its end every bot leaves.
	Duration    Duration          `yaml:"duration"`
	Target      TargetConfig      `yaml:"target"`
	Credentials CredentialsConfig `yaml:"credentials"`
	Rooms       RoomsConfig       `yaml:"rooms"`
	Groups      []GroupConfig     `yaml:"groups"`
	Arrival     ArrivalConfig     `yaml:"arrival"`
	Timeline    []StepConfig      `yaml:"timeline"`
	Behaviour   BehaviourConfig   `yaml:"behaviour"`
	Assertions  []AssertionConfig `yaml:"assertions"`

	file  string          // where it was read from
	pos   map[string]Pos  // key path → position, from the decoder
	nulls map[string]bool // key paths written with no value (null: the same as absent)

	// Laid out by validation, used by NewPlan.
	roster *roster
	steps  []time.Duration          // absolute time of each timeline step
	marks  map[string]time.Duration // mark name → planned time
}

// File returns the path the Config was parsed from.
func (c *Config) File() string { return c.file }

// PosOf returns the file position of the value at a key path such as
// "assertions[2].expect", or the file alone when unknown.
func (c *Config) PosOf(path string) Pos {
	if p, ok := c.pos[path]; ok {
		return p
	}
	return Pos{File: c.file}
}

// TargetConfig says which room service the bots join: Kind names the
// server (embedded, native, livekit, janus; see target.go) and URL its
// signaling endpoint. With neither, the runner starts the reference
// service in-process on loopback (embedded).
type TargetConfig struct {
	// Kind is the kind of server; default native when URL is set,
	// embedded otherwise.
	Kind string `yaml:"kind"`
	// URL is the signaling URL of a running server (ws://host:port/…);
	// empty means embedded.
	URL string `yaml:"url"`
	// AdminURL is the base URL of the reference service's admin/fault API,
	// needed by fault steps against a native target.
	AdminURL string `yaml:"admin_url"`
	// AdminTokenEnv names the environment variable that holds the admin
	// token (default ROOMBOT_ADMIN_TOKEN). The token never appears in files.
	AdminTokenEnv string `yaml:"admin_token_env"`
	// APIKeyEnv and APISecretEnv name the environment variables holding a
	// server API key and secret (livekit: default LIVEKIT_API_KEY and
	// LIVEKIT_API_SECRET, as the lk CLI reads them).
	APIKeyEnv    string `yaml:"api_key_env"`
	APISecretEnv string `yaml:"api_secret_env"`
	// TokenURL is a service that hands out access tokens (instead of an
	// API key and secret), for servers whose drivers take tokens.
	TokenURL string `yaml:"token_url"`
	// TokenAuthEnv names the environment variable holding the bearer
	// token the token URL wants (none when empty).
	TokenAuthEnv string `yaml:"token_auth_env"`

	from string // "--target" when the command line set it
}

// CredentialsConfig says how bots get their userSig and privateMapKey:
// signed locally with the app's secret, or fetched from a signing service.
type CredentialsConfig struct {
	SDKAppID uint32 `yaml:"sdk_app_id"`
	// Secret is the app secret written in the file. Prefer SecretEnv: a
	// file is easily committed. Either way it never appears in output.
	Secret string `yaml:"secret"`
	// SecretEnv names the environment variable holding the app secret
	// (default ROOMBOT_SECRET_KEY). Secrets are never written in scenario files
	// or reports; against the embedded service a generated one is used.
	SecretEnv string `yaml:"secret_env"`
	// SignURL is a signing service (signature/signsvc) used instead of a
	// local secret.
	SignURL string `yaml:"sign_url"`
	// SignTokenEnv names the environment variable holding the signing
	// service's bearer token (default ROOMBOT_SIGN_TOKEN; unset: none sent).
	SignTokenEnv string `yaml:"sign_token_env"`
}

// GroupConfig is a set of users with the same settings.
type GroupConfig struct {
	Name string `yaml:"name"`
	// Count users spread round-robin over the group's rooms, or PerRoom
	// users in each of them (exactly one of the two).
	Count   int `yaml:"count"`
	PerRoom int `yaml:"per_room"`
	// UserID is the userID pattern: {group}, {i} (1-based index in the
	// group), {room} (room ID) and {n} (1-based index in the room) are
	// replaced. Default "{group}-{i}".
	UserID string `yaml:"user_id"`
	// Rooms lists the room IDs (or names) this group joins; default all.
	Rooms RoomRefs `yaml:"rooms"`
	// Role is "anchor" (publishes, the default) or "audience".
	Role string `yaml:"role"`
	// RecvMode is what the users receive automatically: all (default),
	// audio, video or none (the trtc-room recvmode 1–4).
	RecvMode string      `yaml:"recvmode"`
	Media    MediaConfig `yaml:"media"`
	// IM joins the room's IM group (enableIM).
	IM bool `yaml:"im"`
	// Muted and CameraOff are the initial local state.
	Muted     bool `yaml:"muted"`
	CameraOff bool `yaml:"camera_off"`
	// Permissions are the privateMapKey privileges; absent means no key.
	Permissions *PermissionsConfig `yaml:"permissions"`
	// Join is "auto" (the arrival process starts the users, default) or
	// "manual" (only a timeline start step does).
	Join string `yaml:"join"`
	// MaxMembers is the component's slot count: a member list longer than
	// it raises -8 (3 for the grid/float templates, 1 for bigsmall); 0 is
	// no limit.
	MaxMembers int `yaml:"max_members"`
	// Network impairs every user of the group in-process.
	Network *NetworkConfig `yaml:"network"`
	// Kind is "bot" (default) or "browser": headless Chromium on the
	// service's web room page (package browser; about a core each).
	Kind string `yaml:"kind"`
	// Template is a browser group's page template: bigsmall, float
	// (default) or grid.
	Template string `yaml:"template"`
}

// MediaConfig is what a publishing user sends: pre-encoded fixture media
// replayed from memory (no encoding, so hundreds of bots fit one machine).
type MediaConfig struct {
	Codec      string `yaml:"codec"`      // vp8 (default) or h264
	Resolution string `yaml:"resolution"` // 180p, 360p (default) or 720p
	Camera     string `yaml:"camera"`     // front (default) or back fixture camera
	Audio      *bool  `yaml:"audio"`      // publish audio (default true)
	Video      *bool  `yaml:"video"`      // publish video (default true)
	// Live encodes a synthetic picture and tone in real time (VP8 + Opus)
	// instead of replaying fixtures: about a quarter of a core per bot, so
	// for a handful of bots; needs a binary built with -tags live.
	Live bool `yaml:"live"`
	// Simulcast publishes the camera as three simulcast layers (the
	// 180p, 360p and 720p fixtures, RIDs q, h, f); LiveKit targets only.
	Simulcast bool `yaml:"simulcast"`
	// View is the size of the element a receiver shows remote video in
	// (180p, 360p, 720p; empty: no preference): a simulcast SFU forwards
	// the layer that fits it.
	View string `yaml:"view"`
}

// PermissionsConfig describes the privateMapKey a user gets.
type PermissionsConfig struct {
	// Privileges is the bit field of reference §2.2 (255 = all).
	Privileges uint32 `yaml:"privileges"`
}

// ArrivalConfig is how the users of auto-join groups arrive.
type ArrivalConfig struct {
	// Shape is linear (default: evenly spaced at Rate), ramp (the rate
	// grows linearly from From to Rate over Over), steps (piecewise constant
	// rates) or poisson (exponential gaps with mean 1/Rate, seeded).
	Shape string `yaml:"shape"`
	// Rate is joins per second (default 10).
	Rate float64 `yaml:"rate"`
	From float64 `yaml:"from"`
	// Over is the ramp duration; for linear, spreads every join evenly
	// over this time instead of using Rate.
	Over Duration `yaml:"over"`
	// Start delays the first join.
	Start Duration `yaml:"start"`
	// Steps are consecutive rates, each for a time; the last one continues.
	Steps []RateStep `yaml:"steps"`
	// Total limits how many auto-join users arrive (default all).
	Total int `yaml:"total"`
}

// RateStep is one period of a steps arrival.
type RateStep struct {
	Rate float64  `yaml:"rate"`
	For  Duration `yaml:"for"`
}

// StepConfig is one timeline entry: an action for a selector of users (or
// a run-level action: mark, fault) at an absolute time (At) or a time
// relative to the previous entry (After).
type StepConfig struct {
	At     *Duration `yaml:"at"`
	After  *Duration `yaml:"after"`
	Action string    `yaml:"action"`
	Users  Selector  `yaml:"users"`
	// Remote selects the remote users of block/unblock actions.
	Remote Selector `yaml:"remote"`
	// Text of send_im; To makes it a C2C message; Custom a custom message.
	Text   string        `yaml:"text"`
	To     string        `yaml:"to"`
	Custom *CustomConfig `yaml:"custom"`
	// Name of a mark.
	Name string `yaml:"name"`
	// Level of set_beauty (0–9).
	Level int `yaml:"level"`
	// View of set_view: 180p, 360p, 720p or none (no preference).
	View string `yaml:"view"`
	// Fault is an admin API fault: {name: {params}}.
	Fault Fault `yaml:"fault"`
	// Spread fires the action for the selected users evenly over this
	// time instead of all at once.
	Spread Duration `yaml:"spread"`
	// Network is the network action's new impairment (a preset name or a
	// mapping, as a group's network); For makes it last that long, after
	// which the impairment before it returns.
	Network *NetworkConfig `yaml:"network"`
	For     Duration       `yaml:"for"`
}

// CustomConfig is a custom IM message.
type CustomConfig struct {
	Data string `yaml:"data"`
	Desc string `yaml:"desc"`
	Ext  string `yaml:"ext"`
}

// BehaviourConfig is seeded random behaviour, planned in advance so that a
// run is repeatable.
type BehaviourConfig struct {
	Talk   *TalkConfig   `yaml:"talk"`
	Camera *ToggleConfig `yaml:"camera"`
	Churn  *ChurnConfig  `yaml:"churn"`
}

// TalkConfig is a conversation model per room: the selected users mute and
// unmute so that the room goes through mutual silence, single talk and
// double talk with exponential durations (ITU-T P.59 as Jitsi Malleus uses
// it: 854 ms single talk, 226 ms double talk, 456 ms silence).
type TalkConfig struct {
	Users       Selector `yaml:"users"`
	Single      Duration `yaml:"single"`
	Double      Duration `yaml:"double"`
	Silence     Duration `yaml:"silence"`
	MaxSpeakers int      `yaml:"max_speakers"` // default 2
	From        Duration `yaml:"from"`
	Until       Duration `yaml:"until"` // default the run's duration
}

// ToggleConfig turns the selected users' cameras off and on with
// exponential durations.
type ToggleConfig struct {
	Users   Selector `yaml:"users"`
	MeanOn  Duration `yaml:"mean_on"`
	MeanOff Duration `yaml:"mean_off"`
	From    Duration `yaml:"from"`
	Until   Duration `yaml:"until"`
}

// ChurnConfig makes the selected users leave and rejoin with exponential
// online and offline durations.
type ChurnConfig struct {
	Users       Selector `yaml:"users"`
	MeanOnline  Duration `yaml:"mean_online"`
	MeanOffline Duration `yaml:"mean_offline"`
	From        Duration `yaml:"from"`
	Until       Duration `yaml:"until"`
}

// AssertionConfig is one assertion: thresholds on a metric, or an expected
// number of events.
type AssertionConfig struct {
	Name string `yaml:"name"`
	// Metric names what is measured (see Metrics); Event matches events
	// instead. Exactly one of the two.
	Metric string      `yaml:"metric"`
	Event  *EventMatch `yaml:"event"`
	// Expect holds one or more threshold expressions ("p(95) < 300ms");
	// for events, a count comparison (">= 1").
	Expect Exprs    `yaml:"expect"`
	Users  Selector `yaml:"users"`
	Window Window   `yaml:"window"`
}

// EventMatch selects events by code and/or name, users and window.
type EventMatch struct {
	Code   *int     `yaml:"code"`
	Name   string   `yaml:"name"`
	Users  Selector `yaml:"users"`
	Window Window   `yaml:"window"`
}

// DefaultDuration is the run length when a scenario gives none.
const DefaultDuration = 30 * time.Second

// DefaultRate is the default arrival rate in joins per second.
const DefaultRate = 10.0
