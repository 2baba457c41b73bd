package scenario

import (
	"fmt"
	"net/url"
	"strings"
)

// Target kinds the scenario layer knows by name. Which kinds can really be
// played, and what each cannot do, is up to the runner (scenario/live
// targets.go); these two are the defaults.
const (
	TargetEmbedded = "embedded" // the reference service, started in-process
	TargetNative   = "native"   // a running reference service
)

// Embedded reports whether the runner must start the reference service.
func (t TargetConfig) Embedded() bool {
	return t.Kind == TargetEmbedded || (t.Kind == "" && t.URL == "")
}

// KindName is the target's kind with its default filled in.
func (t TargetConfig) KindName() string {
	switch {
	case t.Kind != "":
		return t.Kind
	case t.URL == "":
		return TargetEmbedded
	}
	return TargetNative
}

// FromCommandLine reports whether OverrideTarget set the target.
func (t TargetConfig) FromCommandLine() bool { return t.from != "" }

// OverrideTarget replaces the file's target with kind and URL from the
// command line (`--target KIND=URL`). The file's other target settings
// (admin URL, key variables) are kept when the kind stays the same and
// dropped otherwise: they belong to another server.
func (c *Config) OverrideTarget(kind, rawURL string) error {
	t := TargetConfig{Kind: kind, URL: rawURL, from: "--target"}
	if kind == c.Target.KindName() {
		t = c.Target
		t.Kind, t.URL, t.from = kind, rawURL, "--target"
	}
	if msg, _ := t.check(); msg != "" {
		return fmt.Errorf("%w: --target %s=%s: %s", ErrInvalid, kind, rawURL, msg)
	}
	c.Target = t
	return nil
}

// check finds what is wrong with the target's kind and URL: a message and
// the key it is about ("" when fine).
func (t TargetConfig) check() (msg, key string) {
	if t.Kind != "" && !nameRE.MatchString(t.Kind) {
		return fmt.Sprintf("bad target kind %q", t.Kind), "kind"
	}
	if t.Kind == TargetEmbedded && t.URL != "" {
		return "the embedded service has no URL", "url"
	}
	if t.URL == "" && t.Kind != "" && t.Kind != TargetEmbedded {
		return fmt.Sprintf("target kind %s needs a url", t.Kind), "kind"
	}
	if t.URL != "" {
		if u, err := url.Parse(t.URL); err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
			return fmt.Sprintf("bad target URL %q", t.URL), "url"
		}
	}
	if t.TokenURL != "" {
		if u, err := url.Parse(t.TokenURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Sprintf("bad token URL %q", t.TokenURL), "token_url"
		}
	}
	return "", ""
}

// TargetPos is where the target is set: the file position of key (kind,
// url, …) or a note that it came from the command line.
func (c *Config) TargetPos(key string) Pos {
	if c.Target.from != "" {
		return Pos{File: c.file + " (" + c.Target.from + ")"}
	}
	if p := c.PosOf("target." + key); p.Line != 0 || key == "" {
		return p
	}
	return c.PosOf("target")
}

func (v *validator) targetKind() {
	msg, key := v.c.Target.check()
	if msg == "" {
		return
	}
	hint := "kind: native, livekit or janus with url: ws://…; omit both for the embedded service"
	if key == "token_url" {
		hint = "e.g. http://127.0.0.1:8090/token"
	}
	if key == "url" {
		hint = "the server's signaling URL, e.g. ws://127.0.0.1:8080/ws (native) or ws://127.0.0.1:7880 (livekit); omit it for the embedded service"
	}
	v.errorf("target."+key, hint, "%s", strings.TrimSpace(msg))
}
