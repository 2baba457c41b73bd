package live

import (
	"cmp"
	"context"
	"fmt"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/native"
)

// The reference room service: started in-process (embedded) or running
// elsewhere (native). Its admin API carries every scenario fault.
func init() {
	registerTarget(scenario.TargetEmbedded, targetKind{unsupported: nativeUnsupported, check: checkEmbedded, open: openEmbedded})
	registerTarget(scenario.TargetNative, targetKind{unsupported: nativeUnsupported, check: checkNative, open: openNative})
}

// nativeUnsupported is what the native driver lacks; faults not in the
// reference admin API are refused by name.
func nativeUnsupported(f signaling.Feature) string {
	if n := f.FaultName(); n != "" && !scenario.IsAdminFault(n) {
		return "the reference service's admin API has no such fault (docs/admin.md)"
	}
	return signaling.UnsupportedBy(native.New(""), f)
}

func checkEmbedded(c *scenario.Config) scenario.ValidationErrors {
	return onlyFor(c, scenario.TargetEmbedded, "admin_url", "admin_token_env", "api_key_env", "api_secret_env", "token_url", "token_auth_env")
}

func checkNative(c *scenario.Config) scenario.ValidationErrors {
	errs := onlyFor(c, scenario.TargetNative, "api_key_env", "api_secret_env", "token_url", "token_auth_env")
	if c.Target.AdminURL == "" {
		for _, u := range c.Features() {
			if u.Feature.FaultName() != "" {
				errs = append(errs, &scenario.ValidationError{Pos: c.PosOf(u.Path), Path: u.Path,
					Msg: "a fault step needs the reference service's admin API", Hint: "set target.admin_url"})
			}
		}
	}
	return errs
}

// onlyFor refuses target settings that mean nothing for kind.
func onlyFor(c *scenario.Config, kind string, keys ...string) scenario.ValidationErrors {
	t := c.Target
	set := map[string]bool{"admin_url": t.AdminURL != "", "admin_token_env": t.AdminTokenEnv != "",
		"api_key_env": t.APIKeyEnv != "", "api_secret_env": t.APISecretEnv != "", "token_url": t.TokenURL != "",
		"token_auth_env": t.TokenAuthEnv != ""}
	var errs scenario.ValidationErrors
	for _, k := range keys {
		if set[k] {
			errs = append(errs, &scenario.ValidationError{Pos: c.TargetPos(k), Path: "target." + k,
				Msg: fmt.Sprintf("target kind %s does not use %s", kind, k), Hint: "remove it, or set the kind it is for"})
		}
	}
	return errs
}

func openEmbedded(ctx context.Context, c *scenario.Config, o Options) (*Target, error) {
	appID := sdkAppIDOf(c)
	perms := false
	for _, g := range c.Groups {
		perms = perms || g.Permissions != nil
	}
	// The service outlives ctx: on Ctrl-C the bots still leave through it.
	srv, err := server.Start(context.WithoutCancel(ctx), server.Config{Logger: o.Logger,
		Apps: []server.AppConfig{{SDKAppID: appID, SecretKey: server.DevSecretKey, RoomPermissions: perms}}})
	if err != nil {
		return nil, fmt.Errorf("%w: start the embedded reference service: %w", ErrNotCarried, err)
	}
	return &Target{Name: scenario.TargetEmbedded, Driver: native.New(srv.SignalURL(), native.WithLogger(o.Logger)),
		SDKAppID: appID, Secret: server.DevSecretKey, Faults: newAdminClient(srv.URL(), srv.AdminToken()), close: srv.Close,
		PageURL: srv.URL() + "/"}, nil
}

func openNative(ctx context.Context, c *scenario.Config, o Options) (*Target, error) {
	t := &Target{Name: redact(c.Target.URL), Driver: native.New(c.Target.URL, native.WithLogger(o.Logger)),
		SDKAppID: sdkAppIDOf(c), SignURL: c.Credentials.SignURL}
	switch {
	case t.SignURL != "":
		t.SignToken = o.Getenv(cmp.Or(c.Credentials.SignTokenEnv, DefaultSignTokenEnv))
	case c.Credentials.Secret != "":
		t.Secret = c.Credentials.Secret
	default:
		var err error
		if t.Secret, err = credentialEnv(o, c.Credentials.SecretEnv, DefaultSecretEnv, "the app secret (or credentials.sign_url)"); err != nil {
			return nil, err
		}
	}
	if c.Target.AdminURL != "" {
		env := c.Target.AdminTokenEnv
		if env == "" {
			env = DefaultAdminTokenEnv
		}
		t.Faults = newAdminClient(c.Target.AdminURL, o.Getenv(env))
	}
	if err := dialCheck(ctx, c.Target.URL); err != nil {
		return nil, err
	}
	t.PageURL, _ = pageURL(c.Target.URL) // the URL passed validation; a browser group reports a bad one
	return t, nil
}

func sdkAppIDOf(c *scenario.Config) uint32 {
	if c.Credentials.SDKAppID != 0 {
		return c.Credentials.SDKAppID
	}
	return server.DefaultSDKAppID
}
