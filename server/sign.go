package server

import "net/http"

// signRoutes mounts the signing service (POST /api/sign) for the apps that
// have an HMAC secret.
func (s *Server) signRoutes(mux *http.ServeMux) {
	// TODO(roombot#2): mount signsvc.New once signature/signsvc lands.
}
