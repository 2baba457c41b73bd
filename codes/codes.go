// Package codes holds the room, IM and error codes of the TRTC <webrtc-room>
// model (../shared/docs/trtc-reference.md §4–5), shared by the reference room
// service, the signaling drivers and the bots so that every part of roombot
// speaks the same numbers.
package codes

// Room protocol events (live-pusher RTC mode, reference §5.1).
const (
	EnteredRoom       = 1018 // entered the room
	LeftRoom          = 1019 // left the room, or enter failed / dropped mid-way
	MemberList        = 1020 // member list (excludes self)
	NetworkChanged    = 1021 // network type changed, re-enter needed
	EnterRoomFailed   = 1022 // enter failed (PUSH_EVT_ROOM_IN_FAILED)
	RemoteUserEntered = 1031
	RemoteUserLeft    = 1032
	RemoteVideoState  = 1033
	RemoteAudioState  = 1034
)

// Component-level errors of <webrtc-room> (reference §4.4), all with tag "error".
const (
	ErrOpenCamera       = -4
	ErrOpenMic          = -5
	ErrPushDisconnect   = -6
	ErrCameraMicPerm    = -7
	ErrExceedsMaxMember = -8
	ErrRequestRoomSig   = -9
	ErrJoinRoom         = -10
)

// Pusher and player errors (reference §5.1, §5.2).
const (
	ErrPusherNetworkLost = -1307
	ErrPlayerNetworkLost = -2301
)

// Pusher and player warnings (reference §5.1, §5.2).
const (
	WarnUplinkSlow      = 1101 // uplink too slow
	WarnPushReconnect   = 1102 // pusher reconnecting
	WarnPlayerReconnect = 2103 // player reconnecting
)

// Client-side enter-room errors (reference §5.3).
const (
	ErrRoomEnterFail          = -3301
	ErrRoomRequestEnterTimout = -3308
	ErrEnterRoomParamNull     = -3316
	ErrSDKAppIDInvalid        = -3317
	ErrRoomIDInvalid          = -3318
	ErrUserIDInvalid          = -3319
	ErrUserSigInvalid         = -3320
)

// Server-side errors (reference §5.3).
const (
	ErrServerUnpack           = -100000
	ErrServerInvalidCommand   = -100005
	ErrServerPrivilegeFlag    = -100006 // privateMapKey check failed
	ErrServerServiceSuspended = -100013
	ErrServerBadSDKAppID      = -100015
	ErrServerUserSigCheck     = -100018 // userSig check failed (ECDH_GET_TINYID)
	ErrCenterInvalidRoomID    = -102001
	ErrCenterSignError        = -102003
	ErrCenterSignExpired      = -102004
	ErrCenterRoomNotExist     = -102005
	ErrCenterNoCreatePerm     = -102010
	ErrCenterNoEnterPerm      = -102011
	ErrCenterNoPushVideoPerm  = -102013
	ErrCenterUserDeleted      = -102018
	ErrCenterNoRequestVideo   = -102019
	ErrSigExpired             = -70001
	ErrSigCheckFailed         = -70003
	ErrSigPublicKeyMismatch   = -70009
	ErrSigIdentifierMismatch  = -70013
	ErrSigSDKAppIDMismatch    = -70014
	ErrSigSDKAppIDNotFound    = -70020
	ErrTicketCheckFailed      = -70346
	ErrTicketExpired          = -70347
)

// IM send failures passed to fail(code, info) by the component (reference §4.2).
const (
	ErrIMNoReceiver   = -1
	ErrIMEmptyMessage = -2
	ErrIMTooLong      = -3
	ErrIMSendFailed   = -4
)

// IM size limits in bytes (reference §4.2).
const (
	MaxGroupMessageBytes = 8898
	MaxC2CMessageBytes   = 12000
)
