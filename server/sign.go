package server

import (
	"fmt"
	"net/http"

	"github.com/roombot/roombot/signature/signsvc"
)

// signRoutes mounts the signing service of package signature/signsvc at
// POST /api/sign for one app with an HMAC secret: Config.SignSDKAppID, or the
// first such app. Without any, /api/sign answers 404.
func (s *Server) signRoutes(mux *http.ServeMux) error {
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
	svc, err := signsvc.New(a.signer, opts...)
	if err != nil {
		return fmt.Errorf("%w: signing service: %w", ErrConfig, err)
	}
	mux.Handle("POST "+signsvc.Path, svc)
	return nil
}
