package protocol

// WebSocket close codes of the reference service (the status code of the
// server's close frame). After sending its close frame the server waits
// (briefly) for the client's close frame before it closes the TCP
// connection, so that everything sent before the close reaches the client.
const (
	CloseNormal        = 1000 // after leave or enterFailed
	CloseGoingAway     = 1001 // the server is shutting down
	ClosePolicy        = 1008 // flood: more messages than the rate limit (after an error event -100005)
	CloseTooBig        = 1009 // a frame larger than MaxFrameBytes
	CloseInternal      = 1011 // a server bug while handling a message
	CloseTryAgainLater = 1013 // the client did not read fast enough (its queue filled)
	CloseKicked        = 4000 // after a kicked event
	CloseMediaFailed   = 4001 // the participant's media connection failed or went silent (ICE/DTLS)
	CloseHeartbeat     = 4002 // no message (ping) for three heartbeat intervals
	CloseEnterTimeout  = 4003 // no enter sent within the server's enter timeout
	CloseAnswerTimeout = 4004 // an offer was not answered within the server's answer timeout
)
