package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/roombot/roombot/server/sfu"
	"github.com/roombot/roombot/signature"
)

// Defaults.
const (
	// DefaultListen is the HTTP/WebSocket listen address: loopback, any port.
	DefaultListen = "127.0.0.1:0"
	// DefaultMediaAddr is the shared ICE UDP socket's address.
	DefaultMediaAddr = "127.0.0.1:0"
	// DefaultSDKAppID is the dev app every server has unless Apps is set.
	DefaultSDKAppID uint32 = 1400000001
	// DevSecretKey is the dev app's HMAC key. It is NOT a secret: it is
	// published here so that bots and tests can sign for the embedded
	// default service. Never use it for anything reachable by others.
	DevSecretKey = "roombot-dev-secret-key-not-a-secret"
	// DefaultMaxMembers is the per-room member limit when an app sets none.
	DefaultMaxMembers = 1000
	// DefaultHeartbeat is the ping interval clients are told to keep; a
	// connection silent for three intervals is dropped.
	DefaultHeartbeat = 5 * time.Second
	// DefaultMessageRate is the sustained client message rate (per
	// connection, per second) above which a connection is a flood; bursts
	// of four seconds' worth pass.
	DefaultMessageRate = 50.0
	// DefaultEnterTimeout is how long a new WebSocket may take to send its
	// enter; a connection that has not by then is closed with
	// protocol.CloseEnterTimeout. The server's own time to carry the enter
	// out does not count.
	DefaultEnterTimeout = 10 * time.Second
	// DefaultMaxPendingPerAddr bounds the connections from one remote
	// address (IP) that have not entered yet; more are refused with HTTP 429
	// before the upgrade. Entered connections do not count: many bots of one
	// host share an address.
	DefaultMaxPendingPerAddr = 256
	// DefaultMaxConns bounds all signaling connections (entered or not);
	// more are refused with HTTP 503 before the upgrade.
	DefaultMaxConns = 10000
	// DefaultMediaTimeout is how long a participant's media connection may
	// stay silent (no media, RTCP or answered ICE consent check) before it
	// is declared dead: the participant is closed with
	// protocol.CloseMediaFailed and the others hear userLeft.
	DefaultMediaTimeout = sfu.DefaultMediaTimeout
	// DefaultAnswerTimeout is how long the server waits for the answer to
	// an offer before closing the participant with
	// protocol.CloseAnswerTimeout.
	DefaultAnswerTimeout = sfu.DefaultAnswerTimeout
	// DefaultSignExpire is the userSig lifetime the signing service issues
	// when a request gives none.
	DefaultSignExpire = 24 * time.Hour
)

// AppConfig is one application (sdkAppID) the service accepts.
type AppConfig struct {
	SDKAppID uint32 `json:"sdkAppID" yaml:"sdkAppID"`
	// SecretKey verifies v2 (HMAC-SHA256) userSigs and privateMapKeys.
	SecretKey string `json:"secretKey,omitempty" yaml:"secretKey,omitempty"`
	// PublicKey (PEM or base64 DER) verifies v1 (ECDSA) userSigs.
	PublicKey string `json:"publicKey,omitempty" yaml:"publicKey,omitempty"`
	// RoomPermissions turns on privateMapKey enforcement ("启动权限密钥").
	RoomPermissions bool `json:"roomPermissions,omitempty" yaml:"roomPermissions,omitempty"`
	// MaxMembers is the room member limit (DefaultMaxMembers when 0).
	MaxMembers int `json:"maxMembers,omitempty" yaml:"maxMembers,omitempty"`
}

// Validate checks one app.
func (a AppConfig) Validate() error {
	var errs []error
	if a.SDKAppID == 0 {
		errs = append(errs, errors.New("sdkAppID must be > 0"))
	}
	if a.SecretKey == "" && a.PublicKey == "" {
		errs = append(errs, errors.New("needs secretKey (v2) or publicKey (v1)"))
	}
	if a.MaxMembers < 0 {
		errs = append(errs, fmt.Errorf("maxMembers must be >= 0, got %d", a.MaxMembers))
	}
	return errors.Join(errs...)
}

// String describes the app without its key.
func (a AppConfig) String() string {
	return fmt.Sprintf("app %d (v2 key: %t, v1 key: %t, room permissions: %t, max members: %d)",
		a.SDKAppID, a.SecretKey != "", a.PublicKey != "", a.RoomPermissions, a.MaxMembers)
}

// Config configures a Server. The zero value is a loopback dev server.
type Config struct {
	// Listen is the HTTP address (DefaultListen).
	Listen string
	// MediaAddr is the ICE UDP address (DefaultMediaAddr).
	MediaAddr string
	// PublicIPs replace host candidate addresses (NAT 1:1) beyond loopback.
	PublicIPs []string
	// Apps are the accepted applications; empty means the dev app
	// (DefaultSDKAppID, DevSecretKey, permissions off).
	Apps []AppConfig
	// AdminToken protects /admin; a random one is generated when empty.
	AdminToken string
	// Heartbeat is the client ping interval (DefaultHeartbeat).
	Heartbeat time.Duration
	// MessageRate is the flood limit in messages/s per connection
	// (DefaultMessageRate); a burst of 4 s worth is allowed.
	MessageRate float64
	// EnterTimeout bounds the time from the WebSocket upgrade to the
	// client's enter request (DefaultEnterTimeout).
	EnterTimeout time.Duration
	// MaxPendingPerAddr bounds not-yet-entered connections per remote IP
	// (DefaultMaxPendingPerAddr).
	MaxPendingPerAddr int
	// MaxConns bounds all signaling connections (DefaultMaxConns).
	MaxConns int
	// MediaTimeout is the silence after which a media connection is dead
	// (DefaultMediaTimeout); ICE failure is detected within it too.
	MediaTimeout time.Duration
	// AnswerTimeout bounds the wait for the answer to each server offer
	// (DefaultAnswerTimeout).
	AnswerTimeout time.Duration
	// SignExpire is the lifetime of credentials the signing service
	// (POST /api/sign) issues (DefaultSignExpire).
	SignExpire time.Duration
	// SignSDKAppID picks the app the signing service signs for (default:
	// the first app with a secretKey).
	SignSDKAppID uint32
	// SignPrivileges are the privileges of issued privateMapKeys
	// (signsvc.DefaultPrivileges, all, when 0).
	SignPrivileges signature.Privilege
	// SignToken, when set, is required as a bearer token by /api/sign.
	// Without one, /api/sign of an app with a real secret answers loopback
	// clients only (a loud warning at start); the dev app's is open (its key
	// is published). Never logged.
	SignToken string
	// SignDisabled turns /api/sign off (404).
	SignDisabled bool
	// AllowOrigins are the browser origins (scheme://host[:port], or "*")
	// that may use /ws and /api/sign besides the service's own origin;
	// requests without an Origin header are not affected.
	AllowOrigins []string
	// Logger receives structured logs (slog.Default when nil).
	Logger *slog.Logger
	// WebTemplate is a custom web room template directory (LoadTemplate;
	// docs/web.md), served as template "custom" and made the default.
	WebTemplate string
	// Now is the clock signatures are judged by (time.Now when nil).
	Now func() time.Time
}

// FileConfig is the --config file: YAML or JSON, unknown fields rejected.
//
//	listen: 127.0.0.1:7880
//	mediaAddr: 127.0.0.1:7881
//	publicIPs: []
//	adminToken: change-me
//	apps:
//	  - sdkAppID: 1400000001
//	    secretKey: ...
//	    roomPermissions: true
//	    maxMembers: 50
type FileConfig struct {
	Listen       string        `json:"listen,omitempty" yaml:"listen,omitempty"`
	MediaAddr    string        `json:"mediaAddr,omitempty" yaml:"mediaAddr,omitempty"`
	PublicIPs    []string      `json:"publicIPs,omitempty" yaml:"publicIPs,omitempty"`
	AdminToken   string        `json:"adminToken,omitempty" yaml:"adminToken,omitempty"`
	AllowOrigins []string      `json:"allowOrigins,omitempty" yaml:"allowOrigins,omitempty"`
	Sign         *SignConfig   `json:"sign,omitempty" yaml:"sign,omitempty"`
	Limits       *LimitsConfig `json:"limits,omitempty" yaml:"limits,omitempty"`
	Apps         []AppConfig   `json:"apps,omitempty" yaml:"apps,omitempty"`
}

// SignConfig is the file's sign: section, the limits of POST /api/sign.
//
//	sign:
//	  sdkAppID: 1400000000       # the app it signs for (default: the first with a secretKey)
//	  token: change-me           # bearer token it requires
//	  expire: 1h                 # lifetime of what it issues (default 24h, at most ~68 years)
//	  privileges: enter,recv-audio,recv-video   # of issued privateMapKeys (default all)
//	  disabled: false
type SignConfig struct {
	SDKAppID   uint32 `json:"sdkAppID,omitempty" yaml:"sdkAppID,omitempty"`
	Token      string `json:"token,omitempty" yaml:"token,omitempty"`
	Expire     string `json:"expire,omitempty" yaml:"expire,omitempty"`
	Privileges string `json:"privileges,omitempty" yaml:"privileges,omitempty"`
	Disabled   bool   `json:"disabled,omitempty" yaml:"disabled,omitempty"`
}

// apply checks the section and copies it over c.
func (sc *SignConfig) apply(c *Config) error {
	if sc == nil {
		return nil
	}
	var errs []error
	if sc.Expire != "" {
		d, err := time.ParseDuration(sc.Expire)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("sign.expire %q: want a duration such as 1h", sc.Expire))
		case d < time.Second || d > signature.MaxExpire:
			errs = append(errs, fmt.Errorf("sign.expire %s: want 1s..%v (the official libraries' range)", d, signature.MaxExpire))
		default:
			c.SignExpire = d
		}
	}
	if sc.Privileges != "" {
		p, err := signature.ParsePrivileges(sc.Privileges)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("sign.privileges: %w", err))
		case p == 0: // Config's 0 is "all": never let "none" become that
			errs = append(errs, fmt.Errorf("sign.privileges %q grants nothing: use disabled: true to turn signing off", sc.Privileges))
		}
		c.SignPrivileges = p
	}
	if sc.SDKAppID != 0 {
		c.SignSDKAppID = sc.SDKAppID
	}
	if sc.Token != "" {
		c.SignToken = sc.Token
	}
	c.SignDisabled = c.SignDisabled || sc.Disabled
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return nil
}

// LoadConfigFile reads and validates a YAML (.yaml/.yml) or JSON file.
func LoadConfigFile(path string) (FileConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return FileConfig{}, fmt.Errorf("config %s: %w", path, err)
	}
	fc, err := ParseConfig(b, strings.ToLower(filepath.Ext(path)) == ".json")
	if err != nil {
		return FileConfig{}, fmt.Errorf("config %s: %w", path, err)
	}
	return fc, nil
}

// ParseConfig decodes a config document strictly (JSON when isJSON, else
// YAML) and validates it.
func ParseConfig(b []byte, isJSON bool) (FileConfig, error) {
	var fc FileConfig
	if isJSON {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&fc); err != nil {
			return FileConfig{}, fmt.Errorf("%w: %v", ErrConfig, err)
		}
	} else if err := yaml.UnmarshalWithOptions(b, &fc, yaml.Strict()); err != nil {
		return FileConfig{}, fmt.Errorf("%w: %s", ErrConfig, yaml.FormatError(err, false, false)) // no source excerpt: it could show a secretKey line
	}
	if err := validateApps(fc.Apps); err != nil {
		return FileConfig{}, err
	}
	if err := fc.Sign.apply(&Config{}); err != nil { // checked here, applied by Apply
		return FileConfig{}, err
	}
	if err := fc.Limits.apply(&Config{}); err != nil { // likewise
		return FileConfig{}, err
	}
	return fc, nil
}

func validateApps(apps []AppConfig) error {
	var errs []error
	seen := map[uint32]bool{}
	for i, a := range apps {
		if err := a.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("apps[%d]: %w", i, err))
		}
		if seen[a.SDKAppID] {
			errs = append(errs, fmt.Errorf("apps[%d]: sdkAppID %d listed twice", i, a.SDKAppID))
		}
		seen[a.SDKAppID] = true
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return nil
}

// Apply copies the file's settings over c (file values win where set).
func (fc FileConfig) Apply(c *Config) {
	if fc.Listen != "" {
		c.Listen = fc.Listen
	}
	if fc.MediaAddr != "" {
		c.MediaAddr = fc.MediaAddr
	}
	if len(fc.PublicIPs) > 0 {
		c.PublicIPs = fc.PublicIPs
	}
	if fc.AdminToken != "" {
		c.AdminToken = fc.AdminToken
	}
	c.AllowOrigins = append(c.AllowOrigins, fc.AllowOrigins...)
	_ = fc.Sign.apply(c)   // validated by ParseConfig
	_ = fc.Limits.apply(c) // likewise
	c.Apps = append(c.Apps, fc.Apps...)
}

// withDefaults fills in the defaults of c.
func (c Config) withDefaults() (Config, error) {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.MediaAddr == "" {
		c.MediaAddr = DefaultMediaAddr
	}
	if len(c.Apps) == 0 {
		c.Apps = []AppConfig{{SDKAppID: DefaultSDKAppID, SecretKey: DevSecretKey}}
	}
	if err := validateApps(c.Apps); err != nil {
		return c, err
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.MessageRate <= 0 {
		c.MessageRate = DefaultMessageRate
	}
	if err := c.limitsWithDefaults(); err != nil {
		return c, err
	}
	if c.SignExpire <= 0 {
		c.SignExpire = DefaultSignExpire
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// limitsWithDefaults fills in the connection limits and timeouts; negative
// values are configuration errors (zero means the default).
func (c *Config) limitsWithDefaults() error {
	var errs []error
	orDefault(&errs, "EnterTimeout", &c.EnterTimeout, DefaultEnterTimeout)
	orDefault(&errs, "MediaTimeout", &c.MediaTimeout, DefaultMediaTimeout)
	orDefault(&errs, "AnswerTimeout", &c.AnswerTimeout, DefaultAnswerTimeout)
	orDefault(&errs, "MaxPendingPerAddr", &c.MaxPendingPerAddr, DefaultMaxPendingPerAddr)
	orDefault(&errs, "MaxConns", &c.MaxConns, DefaultMaxConns)
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return nil
}

// orDefault sets *v to def when it is zero and records an error when it is
// negative.
func orDefault[T int | time.Duration](errs *[]error, name string, v *T, def T) {
	switch {
	case *v < 0:
		*errs = append(*errs, fmt.Errorf("%s must be >= 0, got %v", name, *v))
	case *v == 0:
		*v = def
	}
}
