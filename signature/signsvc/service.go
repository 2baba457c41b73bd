package signsvc

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signature"
)

// Codes the service answers with that package codes does not list (TRTC
// server "info" codes, reference §5.3).
const (
	CodeTokenError = -100001 // bearer token missing or wrong
	CodeSignError  = -100003 // the signer failed
)

// Service is the signing service; it is an http.Handler serving POST Path
// (and the same at "/" so it can be mounted under any prefix). Safe for
// concurrent use.
type Service struct {
	signer     *signature.Signer
	expire     time.Duration
	privileges signature.Privilege
	token      []byte
	open       bool // no token needed from anywhere (WithOpenAccess)
	newUserID  func() (string, error)
}

var _ http.Handler = (*Service)(nil)

// New returns a Service that signs with signer.
func New(signer *signature.Signer, opts ...Option) (*Service, error) {
	if signer == nil {
		return nil, errors.New("signsvc: nil signer")
	}
	s := &Service{signer: signer, expire: DefaultExpire, privileges: DefaultPrivileges, newUserID: randomUserID}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Request is the body of POST /api/sign.
type Request struct {
	UserID    string      `json:"userID,omitempty"`
	RoomID    json.Number `json:"roomID,omitempty"`
	StrRoomID string      `json:"strRoomID,omitempty"`
}

// Response is the answer to a valid request.
type Response struct {
	UserID        string `json:"userID"`
	SDKAppID      uint32 `json:"sdkAppID"`
	RoomID        uint32 `json:"roomID,omitempty"`
	StrRoomID     string `json:"strRoomID,omitempty"`
	UserSig       string `json:"userSig"`
	PrivateMapKey string `json:"privateMapKey"`
}

// ErrorResponse is the body of every non-200 answer.
type ErrorResponse struct {
	Error string `json:"error"`
	Code  int    `json:"code"`
}

// ServeHTTP answers POST requests on any path (mount it at Path).
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, codes.ErrServerInvalidCommand, fmt.Sprintf("method %s not allowed, use POST", r.Method))
		return
	}
	if len(s.token) == 0 && !s.open && !loopback(r.RemoteAddr) {
		writeError(w, http.StatusForbidden, CodeTokenError, "this signing service has no token and answers loopback clients only (give it a token: roombot serve --sign-token-file)")
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="roombot-sign"`)
		writeError(w, http.StatusUnauthorized, CodeTokenError, "missing or wrong bearer token")
		return
	}
	req, room, status, code, err := s.decode(w, r)
	if err != nil {
		writeError(w, status, code, err.Error())
		return
	}
	resp, err := s.sign(req.UserID, room)
	if err != nil {
		writeError(w, http.StatusInternalServerError, CodeSignError, "signing failed")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(resp)
}

func (s *Service) authorized(r *http.Request) bool {
	if len(s.token) == 0 {
		return true
	}
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(h[len(prefix):])), s.token) == 1
}

// decode reads and validates the request; on failure it returns the HTTP
// status and TRTC code to answer with.
func (s *Service) decode(w http.ResponseWriter, r *http.Request) (Request, signature.Room, int, int, error) {
	var req Request
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return req, signature.Room{}, http.StatusBadRequest, codes.ErrServerUnpack, fmt.Errorf("body: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return req, signature.Room{}, http.StatusBadRequest, codes.ErrServerUnpack, fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return req, signature.Room{}, http.StatusBadRequest, codes.ErrServerUnpack, errors.New("malformed JSON: data after the object")
	}
	if req.UserID != "" {
		if err := signature.ValidateUserID(req.UserID); err != nil {
			return req, signature.Room{}, http.StatusBadRequest, codes.ErrUserIDInvalid, err
		}
	}
	room, err := parseRoom(req)
	if err != nil {
		return req, signature.Room{}, http.StatusBadRequest, codes.ErrRoomIDInvalid, err
	}
	return req, room, 0, 0, nil
}

// parseRoom enforces exactly one of roomID (1..4294967295) and strRoomID.
func parseRoom(req Request) (signature.Room, error) {
	if req.RoomID != "" && req.StrRoomID != "" {
		return signature.Room{}, errors.New("roomID and strRoomID both given, want exactly one")
	}
	if req.StrRoomID != "" {
		room := signature.Room{Str: req.StrRoomID}
		return room, room.Validate()
	}
	if req.RoomID == "" {
		return signature.Room{}, errors.New("roomID (1..4294967295) or strRoomID required")
	}
	n, err := strconv.ParseUint(string(req.RoomID), 10, 64)
	if err != nil || n < 1 || n > math.MaxUint32 {
		return signature.Room{}, fmt.Errorf("roomID %s: want an integer in 1..4294967295", req.RoomID)
	}
	return signature.Room{ID: uint32(n)}, nil
}

func (s *Service) sign(userID string, room signature.Room) (*Response, error) {
	if userID == "" {
		id, err := s.newUserID()
		if err != nil {
			return nil, err
		}
		if err := signature.ValidateUserID(id); err != nil {
			return nil, fmt.Errorf("generated %w", err)
		}
		userID = id
	}
	sig, err := s.signer.UserSig(userID, s.expire)
	if err != nil {
		return nil, err
	}
	pmk, err := s.signer.PrivateMapKey(userID, s.expire, room, s.privileges)
	if err != nil {
		return nil, err
	}
	return &Response{UserID: userID, SDKAppID: s.signer.SDKAppID(), RoomID: room.ID, StrRoomID: room.Str,
		UserSig: sig, PrivateMapKey: pmk}, nil
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorResponse{Error: msg, Code: code})
}

// randomUserID is "user_" and 12 random hex digits.
func randomUserID() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "user_" + hex.EncodeToString(b[:]), nil
}
