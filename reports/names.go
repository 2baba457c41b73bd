package reports

// Event names (the Event.Event field). Producers use these constants;
// readers (summary, assertions, the HTML report) match on them. docs/events.md
// documents each with its Code, Tag and Value.
const (
	// KindRoom
	EvEntered       = "entered"        // 1018; Value: ms from the enter request to entered (join time)
	EvEnterFailed   = "enter_failed"   // 1022 (or the server's error Code, e.g. -100018); Value: ms spent
	EvLeft          = "left"           // 1019: this bot left (or was dropped)
	EvMembers       = "members"        // 1020; Value: number of members listed
	EvRemoteEntered = "remote_entered" // 1031; Remote set
	EvRemoteLeft    = "remote_left"    // 1032; Remote set
	EvRemoteVideo   = "remote_video"   // 1033; Remote set; Message "on"/"off"
	EvRemoteAudio   = "remote_audio"   // 1034; Remote set; Message "on"/"off"
	EvKicked        = "kicked"         // Message: reason (kick, banned, room-disband)
	EvError         = "error"          // Tag "error", Code: the component or server code
	EvReconnecting  = "reconnecting"   // Tag "warning"; 1102 (this bot; Value: attempt number) or 2103 (Remote set: its player)
	EvRecovered     = "recovered"      // reconnected (Remote set: that user's media resumed); Value: outage in ms

	// KindIM: the IM event tags of the component (reference §4.6) are the names.
	EvLoginEvent      = "login_event"
	EvJoinGroupEvent  = "join_group_event"
	EvBigGroupMsg     = "big_group_msg_notify"
	EvMsgNotify       = "msg_notify"
	EvConnectionEvent = "connection_event"
	EvIMSendFailed    = "send_failed" // Code -1…-4

	// KindMedia
	EvFirstFrame  = "first_frame"  // Remote, Track; Value: ms from the later of this bot's enter request and the track's arrival to its first complete frame (time to first frame)
	EvFreezeStart = "freeze_start" // Remote, Track
	EvFreezeEnd   = "freeze_end"   // Remote, Track; Value: freeze duration in ms
	EvSource      = "source"       // Remote, Track "video"; Message: camera recognised in the stream ("front", "back")

	// KindRun
	EvMark     = "mark" // Message: the mark's name
	EvRunStart = "run_start"
	EvRunEnd   = "run_end"
	EvOverload = "overload" // the generator itself is the bottleneck; Message says how
	EvDropped  = "dropped"  // the run directory writer lost lines; Value: how many; Message says why

	// KindHealth, once a second for the second that ended
	EvHealthCPU       = "cpu"        // Value: the process's CPU, % of one core
	EvHealthActionLag = "action_lag" // Value: p99 of how late actions fired, ms (only when some fired)
	EvHealthMediaLag  = "media_lag"  // Value: p99 of media pacing lag, ms (only when frames were sent)
)
