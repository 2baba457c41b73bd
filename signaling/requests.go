package signaling

// Request is something a participant asks of the room service through
// Session.Do. The concrete types are listed below.
type Request interface{ isRequest() }

// SetLocalMedia announces the local audio/video state (mute, camera off).
// The bot stops writing the media itself; the server tells the others
// (1033/1034) and may stop forwarding.
type SetLocalMedia struct{ AudioMuted, VideoOff bool }

// SetRemoteMedia blocks or unblocks one remote user's audio and video for
// this participant (muteRemoteVideoStream / recvmode per user). The server
// stops forwarding what is blocked.
type SetRemoteMedia struct {
	UserID       string
	Audio, Video bool // true = receive
	// Clear drops this participant's choice for UserID (Audio and Video
	// are then ignored): the receive mode applies to that user again.
	Clear bool
}

// SetRecvMode changes what is received automatically from everyone.
type SetRecvMode struct{ Mode RecvMode }

// SendMessage sends an IM message; To empty means the room's group.
type SendMessage struct{ Message Message }

// SetVideoView changes JoinParams.ViewHeight: the height of the element
// remote video is shown in (0: no preference). A simulcast SFU forwards
// the layer that fits it.
type SetVideoView struct{ Height int }

func (SetLocalMedia) isRequest()  {}
func (SetVideoView) isRequest()   {}
func (SetRemoteMedia) isRequest() {}
func (SetRecvMode) isRequest()    {}
func (SendMessage) isRequest()    {}
