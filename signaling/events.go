package signaling

import (
	"time"

	"github.com/pion/webrtc/v4"
)

// Event is one thing a room service told a participant. The concrete types
// are listed below; a Handler switches on them.
type Event interface{ isEvent() }

// Member is another participant as the room sees it.
type Member struct {
	UserID     string
	Publishing bool // has published media
	AudioMuted bool
	VideoOff   bool
}

// Members is the member list (code 1020), excluding self. It is sent once
// after entering and again whenever the server chooses to resend it.
type Members struct{ List []Member }

// UserEntered: a remote user entered the room (1031).
type UserEntered struct{ Member Member }

// UserLeft: a remote user left the room (1032).
type UserLeft struct{ UserID string }

// RemoteMedia: a remote user's audio (1034) or video (1033) state changed.
type RemoteMedia struct {
	UserID     string
	AudioMuted bool
	VideoOff   bool
}

// RemoteTrack: media from a remote user arrived. The driver has matched the
// track to its user. Kind is "audio" or "video".
type RemoteTrack struct {
	UserID   string
	Kind     string
	Track    *webrtc.TrackRemote
	Receiver *webrtc.RTPReceiver
}

// Message is an IM message (group or C2C).
type Message struct {
	From  string
	To    string // C2C receiver; empty for a group message
	Group string // group id (the room id) for a group message
	Type  MessageType
	Text  string // text messages
	Data  string // custom messages: data, desc, ext
	Desc  string
	Ext   string
	Seq   uint64
	Time  time.Time
}

// MessageType tells text from custom IM messages.
type MessageType string

// IM message types.
const (
	MessageText   MessageType = "text"
	MessageCustom MessageType = "custom"
)

// KickReason says why the server removed a participant.
type KickReason string

// Kick reasons (Web SDK KICKED_OUT reasons, reference §5.3).
const (
	KickDuplicateLogin KickReason = "kick"         // same userID entered elsewhere
	KickByAdmin        KickReason = "banned"       // removed by the admin API
	KickRoomDismissed  KickReason = "room-disband" // room dismissed
)

// Kicked: the server removed this participant; no more events follow.
type Kicked struct {
	Reason  KickReason
	Message string
}

// Failure is an error event from the server that did not end the session
// (for example a refused publish for lack of a privilege bit).
type Failure struct{ Err *Error }

// LayerDemand: the server says which simulcast layers of the published
// camera track anyone receives (LiveKit dynacast). A layer not enabled
// should not be sent until a later LayerDemand enables it; RIDs not
// named keep their state.
type LayerDemand struct{ Enabled map[string]bool }

// Disconnected: the signaling connection was lost; no more events follow.
type Disconnected struct{ Err error }

func (Members) isEvent()      {}
func (UserEntered) isEvent()  {}
func (UserLeft) isEvent()     {}
func (RemoteMedia) isEvent()  {}
func (RemoteTrack) isEvent()  {}
func (Message) isEvent()      {}
func (Kicked) isEvent()       {}
func (Failure) isEvent()      {}
func (Disconnected) isEvent() {}
func (LayerDemand) isEvent()  {}
