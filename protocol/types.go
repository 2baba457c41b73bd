package protocol

// Type names one kind of message.
type Type string

// Client → server requests.
const (
	TypeEnter     Type = "enter"     // Enter: authenticate and enter a room
	TypeAnswer    Type = "answer"    // SDP: answer to a server offer
	TypeCandidate Type = "candidate" // Candidate: trickle ICE (both directions)
	TypeMedia     Type = "media"     // Media: local audio/video state
	TypeRemote    Type = "remote"    // Remote: block/unblock one remote user
	TypeRecvMode  Type = "recvmode"  // RecvMode: what is received automatically
	TypeIM        Type = "im"        // IM: send a group or C2C message
	TypeLeave     Type = "leave"     // no body: leave the room
	TypePing      Type = "ping"      // no body: heartbeat
)

// Server → client events.
const (
	TypeReply       Type = "reply"       // Reply: outcome of a request with an id
	TypeEntered     Type = "entered"     // Entered (1018)
	TypeEnterFailed Type = "enterFailed" // EnterFailed (1022 with the cause)
	TypeMembers     Type = "members"     // Members (1020)
	TypeUserEntered Type = "userEntered" // UserEntered (1031)
	TypeUserLeft    Type = "userLeft"    // UserLeft (1032)
	TypeRemoteVideo Type = "remoteVideo" // RemoteState (1033)
	TypeRemoteAudio Type = "remoteAudio" // RemoteState (1034)
	TypeOffer       Type = "offer"       // SDP: server offer; the client answers
	TypeMessage     Type = "message"     // Message: an IM message
	TypeKicked      Type = "kicked"      // Kicked: removed; the server closes next
	TypeError       Type = "error"       // Error: a failure that does not end the session
	TypePong        Type = "pong"        // no body: heartbeat answer
)

// Roles (enter.role).
const (
	RoleAnchor   = "anchor"
	RoleAudience = "audience"
)

// Kick reasons (kicked.reason), the Web SDK KICKED_OUT reasons.
const (
	KickDuplicateLogin = "kick"
	KickByAdmin        = "banned"
	KickRoomDismissed  = "room-disband"
)

// IM message kinds (im.kind, message.kind).
const (
	IMText   = "text"
	IMCustom = "custom"
)

// Enter is the first request of a session.
type Enter struct {
	SDKAppID      uint32 `json:"sdkAppID"`
	UserID        string `json:"userID"`
	UserSig       string `json:"userSig"`
	RoomID        uint32 `json:"roomID,omitempty"`    // 1..4294967295, or
	StrRoomID     string `json:"strRoomID,omitempty"` // a string room
	PrivateMapKey string `json:"privateMapKey,omitempty"`
	Role          string `json:"role,omitempty"`     // "anchor" (default) or "audience"
	RecvMode      int    `json:"recvMode,omitempty"` // 1..4, default 1
	IM            bool   `json:"im,omitempty"`       // join the room's IM group
	// PublishAudio and PublishVideo say which upstream m-lines the client
	// wants in the server's offer (an anchor with a microphone/camera).
	PublishAudio bool `json:"publishAudio,omitempty"`
	PublishVideo bool `json:"publishVideo,omitempty"`
	// AudioMuted and VideoOff are the initial local media state.
	AudioMuted bool `json:"audioMuted,omitempty"`
	VideoOff   bool `json:"videoOff,omitempty"`
}

// SDP carries an offer (server → client) or an answer (client → server).
type SDP struct {
	SDP string `json:"sdp"`
}

// Candidate is one trickled ICE candidate (the JSON of RTCIceCandidateInit).
// An empty Candidate marks the end of gathering and may be ignored.
type Candidate struct {
	Candidate     string  `json:"candidate"`
	SDPMid        *string `json:"sdpMid,omitempty"`
	SDPMLineIndex *uint16 `json:"sdpMLineIndex,omitempty"`
}

// Media is the local audio/video state of the sender. Both fields are
// required on the wire.
type Media struct {
	AudioMuted bool `json:"audioMuted"`
	VideoOff   bool `json:"videoOff"`
}

// Remote blocks (false) or unblocks (true) one remote user's audio and video
// for the sender; it outranks the receive mode for that user until Clear.
type Remote struct {
	UserID string `json:"userID"`
	Audio  bool   `json:"audio"`
	Video  bool   `json:"video"`
	// Clear drops the choice for UserID (Audio and Video are ignored): the
	// receive mode applies to that user again.
	Clear bool `json:"clear,omitempty"`
}

// RecvMode sets the receive mode (1 all, 2 audio, 3 video, 4 none).
type RecvMode struct {
	Mode int `json:"mode"`
}

// IM is an IM message to send: To empty means the room's group.
type IM struct {
	To   string `json:"to,omitempty"`
	Kind string `json:"kind"` // "text" or "custom"
	Text string `json:"text,omitempty"`
	Data string `json:"data,omitempty"`
	Desc string `json:"desc,omitempty"`
	Ext  string `json:"ext,omitempty"`
}

// Reply answers a request that carried an id. Code 0 is success; otherwise
// Code is the reference code of the refusal and nothing changed.
type Reply struct {
	Code    int    `json:"code"`
	Message string `json:"message,omitempty"`
}

// Entered confirms the enter (code 1018).
type Entered struct {
	Code      int    `json:"code"`
	UserID    string `json:"userID"`
	RoomID    uint32 `json:"roomID,omitempty"`
	StrRoomID string `json:"strRoomID,omitempty"`
	// Heartbeat is the ping interval the server expects, in milliseconds;
	// the server drops a connection silent for three intervals.
	Heartbeat int `json:"heartbeatMs"`
}

// EnterFailed refuses the enter (code 1022); Error is the cause. The server
// closes the connection after sending it.
type EnterFailed struct {
	Code  int   `json:"code"`
	Error Error `json:"error"`
}

// Error is a failure: a reference error code and a text.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message,omitempty"`
}

// Member is one other participant.
type Member struct {
	UserID     string `json:"userID"`
	Publishing bool   `json:"publishing"`
	AudioMuted bool   `json:"audioMuted"`
	VideoOff   bool   `json:"videoOff"`
}

// Members is the member list, excluding the receiver (code 1020).
type Members struct {
	Code int      `json:"code"`
	List []Member `json:"list"`
}

// UserEntered: a remote user entered (1031).
type UserEntered struct {
	Code   int    `json:"code"`
	Member Member `json:"member"`
}

// UserLeft: a remote user left (1032).
type UserLeft struct {
	Code   int    `json:"code"`
	UserID string `json:"userID"`
}

// RemoteState: a remote user's video (1033) or audio (1034) state changed.
type RemoteState struct {
	Code       int    `json:"code"`
	UserID     string `json:"userID"`
	AudioMuted bool   `json:"audioMuted"`
	VideoOff   bool   `json:"videoOff"`
}

// Message is a delivered IM message.
type Message struct {
	From  string `json:"from"`
	To    string `json:"to,omitempty"`    // C2C receiver
	Group string `json:"group,omitempty"` // group id (the room id)
	Kind  string `json:"kind"`
	Text  string `json:"text,omitempty"`
	Data  string `json:"data,omitempty"`
	Desc  string `json:"desc,omitempty"`
	Ext   string `json:"ext,omitempty"`
	Seq   uint64 `json:"seq"`
	Time  int64  `json:"time"` // Unix milliseconds
}

// Kicked: the server removed the receiver; it closes the connection next.
type Kicked struct {
	Reason  string `json:"reason"`
	Message string `json:"message,omitempty"`
}
