package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/roombot/roombot/signature"

	"github.com/roombot/roombot/signature/signsvc"
)

// signRoutes mounts the signing service of package signature/signsvc at
// POST /api/sign for one app with an HMAC secret: Config.SignSDKAppID, or the
// first such app. Without any, /api/sign answers 404.
func (s *Server) signRoutes(mux *http.ServeMux) error {
	if s.cfg.SignDisabled {
		return nil
	}
	var a *app
	if id := s.cfg.SignSDKAppID; id != 0 {
		a = s.apps[id]
		if a == nil || a.signer == nil {
			return fmt.Errorf("%w: SignSDKAppID %d is not an app with a secretKey", ErrConfig, id)
		}
	} else {
		for _, c := range s.cfg.Apps {
			if x := s.apps[c.SDKAppID]; x.signer != nil {
				a = x
				break
			}
		}
	}
	if a == nil {
		return nil
	}
	opts := []signsvc.Option{signsvc.WithExpire(s.cfg.SignExpire)}
	if s.cfg.SignPrivileges != 0 {
		opts = append(opts, signsvc.WithPrivileges(s.cfg.SignPrivileges))
	}
	if s.cfg.SignToken != "" {
		opts = append(opts, signsvc.WithBearerToken(s.cfg.SignToken))
	}
	devKey := a.cfg.SecretKey == DevSecretKey // published: anyone can sign with it anyway
	if devKey {
		opts = append(opts, signsvc.WithOpenAccess())
	}
	svc, err := signsvc.New(a.signer, opts...)
	if err != nil {
		return fmt.Errorf("%w: signing service: %w", ErrConfig, err)
	}
	// Any method: OPTIONS is the CORS preflight, others get the service's 405.
	mux.Handle(signsvc.Path, s.origins.CORS(svc))
	level := slog.LevelInfo
	if !devKey && s.cfg.SignToken == "" {
		level = slog.LevelWarn // the issued credentials evict and impersonate participants
	}
	s.log.Log(context.Background(), level, "signing service "+signsvc.Path, "sdkAppID", a.cfg.SDKAppID, "access", svc.Access(),
		"expire", s.cfg.SignExpire.String(), "privileges", privilegesOf(s.cfg.SignPrivileges).String())
	return nil
}

func privilegesOf(p signature.Privilege) signature.Privilege {
	if p == 0 {
		return signsvc.DefaultPrivileges
	}
	return p
}
