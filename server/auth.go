package server

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/signature"
)

// app is one accepted application at run time.
type app struct {
	cfg      AppConfig
	verifier *signature.Verifier
	signer   *signature.Signer // v2 signer for the dev signing service; nil without a secret
}

func newApp(c AppConfig, now func() time.Time) (*app, error) {
	var opts []signature.VerifierOption
	if c.SecretKey != "" {
		opts = append(opts, signature.WithKey(c.SecretKey))
	}
	if c.PublicKey != "" {
		opts = append(opts, signature.WithPublicKey(c.PublicKey))
	}
	opts = append(opts, signature.WithVerifyNow(now))
	v, err := signature.NewVerifier(c.SDKAppID, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: app %d: %w", ErrConfig, c.SDKAppID, err)
	}
	a := &app{cfg: c, verifier: v}
	if c.SecretKey != "" {
		s, err := signature.NewSigner(c.SDKAppID, c.SecretKey, signature.WithNow(now))
		if err != nil {
			return nil, fmt.Errorf("%w: app %d: %w", ErrConfig, c.SDKAppID, err)
		}
		a.signer = s
	}
	if a.cfg.MaxMembers == 0 {
		a.cfg.MaxMembers = DefaultMaxMembers
	}
	return a, nil
}

// grant is what an entered participant may do.
type grant struct {
	sendAudio, sendVideo bool
	recvAudio, recvVideo bool
	create               bool
}

var allGranted = grant{sendAudio: true, sendVideo: true, recvAudio: true, recvVideo: true, create: true}

// refusal builds a protocol error.
func refusal(code int, format string, args ...any) *protocol.Error {
	return &protocol.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// validateEnter checks the enter parameters themselves (reference §5.3
// client-side codes).
func validateEnter(e *protocol.Enter) (signature.Room, *protocol.Error) {
	switch {
	case e.SDKAppID == 0 && e.UserID == "" && e.UserSig == "":
		return signature.Room{}, refusal(codes.ErrEnterRoomParamNull, "sdkAppID, userID and userSig are required")
	case e.SDKAppID == 0:
		return signature.Room{}, refusal(codes.ErrSDKAppIDInvalid, "sdkAppID is required")
	case e.UserID == "":
		return signature.Room{}, refusal(codes.ErrEnterRoomParamNull, "userID is required")
	case e.UserSig == "":
		return signature.Room{}, refusal(codes.ErrUserSigInvalid, "userSig is required")
	}
	if err := signature.ValidateUserID(e.UserID); err != nil {
		return signature.Room{}, refusal(codes.ErrUserIDInvalid, "userID: %v", err)
	}
	if e.RoomID == 0 && e.StrRoomID == "" {
		return signature.Room{}, refusal(codes.ErrRoomIDInvalid, "roomID (1..4294967295) or strRoomID is required")
	}
	if e.RoomID != 0 && e.StrRoomID != "" {
		return signature.Room{}, refusal(codes.ErrRoomIDInvalid, "give roomID or strRoomID, not both")
	}
	room := signature.Room{ID: e.RoomID, Str: e.StrRoomID}
	if err := room.Validate(); err != nil {
		return signature.Room{}, refusal(codes.ErrRoomIDInvalid, "room: %v", err)
	}
	switch e.Role {
	case "", protocol.RoleAnchor, protocol.RoleAudience:
	default:
		return signature.Room{}, refusal(codes.ErrEnterRoomParamNull, "role %q: want anchor or audience", e.Role)
	}
	if e.RecvMode < 0 || e.RecvMode > 4 {
		return signature.Room{}, refusal(codes.ErrEnterRoomParamNull, "recvMode %d: want 1..4", e.RecvMode)
	}
	return room, nil
}

// userSigCode maps a userSig verification error to the code the client
// sees (table in docs/protocol.md).
func userSigCode(err error) int {
	switch {
	case errors.Is(err, signature.ErrExpired):
		return codes.ErrSigExpired
	case errors.Is(err, signature.ErrIdentifierMismatch):
		return codes.ErrSigIdentifierMismatch
	case errors.Is(err, signature.ErrSDKAppIDMismatch):
		return codes.ErrSigSDKAppIDMismatch
	default:
		return codes.ErrServerUserSigCheck
	}
}

// authorize verifies the userSig and, when the app has room permissions on,
// the privateMapKey, and returns what the participant may do.
func (s *Server) authorize(e *protocol.Enter, room signature.Room) (*app, grant, *protocol.Error) {
	a := s.apps[e.SDKAppID]
	if a == nil {
		return nil, grant{}, refusal(codes.ErrServerBadSDKAppID, "sdkAppID %d is not configured on this service", e.SDKAppID)
	}
	if _, err := a.verifier.VerifyUserSig(e.UserID, e.UserSig); err != nil {
		return nil, grant{}, refusal(userSigCode(err), "userSig: %v", err)
	}
	if !a.cfg.RoomPermissions {
		return a, allGranted, nil
	}
	if e.PrivateMapKey == "" {
		return nil, grant{}, refusal(codes.ErrServerPrivilegeFlag, "privateMapKey is required: room permissions are on for app %d", e.SDKAppID)
	}
	t, err := a.verifier.VerifyPrivateMapKey(e.UserID, e.PrivateMapKey)
	if err != nil {
		if errors.Is(err, signature.ErrTicketExpired) || errors.Is(err, signature.ErrExpired) {
			return nil, grant{}, refusal(codes.ErrTicketExpired, "privateMapKey: %v", err)
		}
		return nil, grant{}, refusal(codes.ErrServerPrivilegeFlag, "privateMapKey: %v", err)
	}
	if t.Room != room {
		return nil, grant{}, refusal(codes.ErrServerPrivilegeFlag, "privateMapKey is for room %s, not %s", t.Room, room)
	}
	if !t.Allows(signature.PrivEnter) {
		return nil, grant{}, refusal(codes.ErrCenterNoEnterPerm, "privateMapKey lacks the enter bit (privileges %s)", t.Privileges)
	}
	return a, grant{
		create:    t.Allows(signature.PrivCreate),
		sendAudio: t.Allows(signature.PrivSendAudio), sendVideo: t.Allows(signature.PrivSendVideo),
		recvAudio: t.Allows(signature.PrivRecvAudio), recvVideo: t.Allows(signature.PrivRecvVideo),
	}, nil
}

// roomName is the IM group id of a room: the decimal room id or the string id.
func roomName(r signature.Room) string {
	if r.Str != "" {
		return r.Str
	}
	return strconv.FormatUint(uint64(r.ID), 10)
}
