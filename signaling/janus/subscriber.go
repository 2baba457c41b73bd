package janus

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// subStream is one m-line of the subscription as Janus describes it.
type subStream struct {
	Mid         string `json:"mid"`
	Type        string `json:"type"`
	FeedID      uint64 `json:"feed_id"`
	FeedMid     string `json:"feed_mid"`
	FeedDisplay string `json:"feed_display"`
	Send        bool   `json:"send"`
}

// subscriber is the participant's one multistream subscription: a handle
// joined as ptype "subscriber" and one PeerConnection that Janus offers
// to. It follows the publishers: a new publisher is added with
// "subscribe", a leaving one is removed by Janus itself (autoupdate: a new
// offer with its m-lines inactive). Every method except OnTrack's lookup
// and the send-flag updates runs on the session's worker goroutine.
type subscriber struct {
	s      *session
	h      *handle
	pc     *webrtc.PeerConnection
	joined bool

	feeds    map[uint64]bool // feeds in the subscription
	attempts map[uint64]int  // 428 answers per feed
	retrying bool            // a retry is scheduled

	mu      sync.Mutex
	streams map[string]subStream // by subscription mid
	layout  bool                 // the last answer carried the stream layout
}

// syncSubscriptions subscribes to every publisher not subscribed yet
// (worker goroutine). A 428 "No such feed" (the publisher is announced but
// Janus has not set its streams up yet) is retried with a growing delay;
// it is never reported unless the feed stays missing after every retry.
func (s *session) syncSubscriptions() {
	s.mu.Lock()
	if s.sub == nil {
		s.sub = &subscriber{s: s, feeds: map[uint64]bool{}, attempts: map[uint64]int{}, streams: map[string]subStream{}}
	}
	sub := s.sub
	var add []uint64
	for id, pe := range s.peers {
		if pe.publishing && !sub.feeds[id] && len(mediaStreams(pe.streams)) > 0 {
			add = append(add, id)
		}
	}
	s.mu.Unlock()
	if len(add) == 0 {
		return
	}
	sort.Slice(add, func(i, j int) bool { return add[i] < add[j] })
	ctx, cancel := s.ctx()
	defer cancel()
	if err := sub.subscribe(ctx, add); isCode(err, CodeNoSuchFeed) && len(add) > 1 {
		// One missing feed fails the whole request: take them one by one.
		for _, id := range add {
			_ = sub.subscribe(ctx, []uint64{id})
		}
	}
}

// mediaStreams are the audio and video streams that can be subscribed.
func mediaStreams(st []pubStream) []pubStream {
	var out []pubStream
	for _, x := range st {
		if (x.Type == "audio" || x.Type == "video") && !x.Disabled {
			out = append(out, x)
		}
	}
	return out
}

// subscribe adds feeds to the subscription (join on the first call).
func (sub *subscriber) subscribe(ctx context.Context, feeds []uint64) error {
	s := sub.s
	var streams []map[string]any
	s.mu.Lock()
	for _, id := range feeds {
		pe := s.peers[id]
		if pe == nil || !pe.publishing {
			continue
		}
		for _, st := range mediaStreams(pe.streams) {
			streams = append(streams, map[string]any{"feed": id, "mid": st.Mid, "send": s.wantsLocked(pe.user, st.Type)})
		}
	}
	s.mu.Unlock()
	if len(streams) == 0 {
		return nil
	}
	if sub.h == nil {
		h, err := s.c.attach(ctx, pluginVideoRoom, s.onHandleEvent(sub.onEvent))
		if err != nil {
			s.failure(codes.ErrJoinRoom, fmt.Errorf("subscriber attach: %w", err))
			return err
		}
		sub.mu.Lock()
		sub.h = h
		sub.mu.Unlock()
	}
	body := map[string]any{"request": "subscribe", "streams": streams}
	if !sub.joined {
		body = map[string]any{"request": "join", "ptype": "subscriber", "room": s.room, "private_id": s.privateID, "streams": streams}
	}
	r, err := sub.h.message(ctx, body, nil, true)
	switch {
	case isCode(err, CodeNoSuchFeed):
		s.retries428.Add(1)
		if len(feeds) == 1 {
			sub.retryLater(feeds[0], err)
		}
		return err
	case err != nil:
		if ctx.Err() == nil {
			s.failure(codes.ErrJoinRoom, fmt.Errorf("subscribe: %w", err))
		}
		return err
	}
	sub.joined = true
	sub.onEvent(r)
	// "subscribe" skips a feed that is not ready instead of answering 428;
	// the stream layout in the answer tells which feeds made it. (Without
	// a layout the update was postponed: Janus sends it with the offer.)
	sub.mu.Lock()
	got := map[uint64]bool{}
	for _, st := range sub.streams {
		got[st.FeedID] = true
	}
	layout := sub.layout
	sub.mu.Unlock()
	for _, id := range feeds {
		if layout && !got[id] {
			s.retries428.Add(1)
			err428 := &Error{Code: CodeNoSuchFeed, Reason: fmt.Sprintf("feed %d skipped by subscribe (not ready)", id), Plugin: pluginVideoRoom}
			sub.retryLater(id, err428)
			continue
		}
		sub.feeds[id] = true
		delete(sub.attempts, id)
	}
	return nil
}

// retryLater schedules another syncSubscriptions for a feed Janus did not
// know yet, or gives up on it after the driver's retries.
func (sub *subscriber) retryLater(id uint64, err error) {
	s := sub.s
	sub.attempts[id]++
	n := sub.attempts[id]
	if n > s.d.retries {
		delete(sub.attempts, id)
		s.mu.Lock()
		if pe := s.peers[id]; pe != nil {
			pe.publishing = false // not subscribable; a new "publishers" event brings it back
		}
		s.mu.Unlock()
		s.failure(codes.ErrJoinRoom, fmt.Errorf("subscribe to feed %d: still missing after %d retries: %w", id, n-1, err))
		return
	}
	if sub.retrying {
		return
	}
	sub.retrying = true
	d := s.d.retryDelay << (n - 1)
	if d > time.Second || d <= 0 {
		d = time.Second
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-s.stop:
		case <-t.C:
			s.work.Push(func() {
				sub.retrying = false
				s.syncSubscriptions()
			})
		}
	}()
}

// forget drops a feed that left or unpublished (worker goroutine): it
// unsubscribes the subscription's own m-lines of that feed (by "sub_mid"),
// and the offer Janus answers with makes them inactive, so that pion ends
// their tracks and a later publisher on the same m-lines is a new track.
//
// Not by "feed", as janus.js's demo does: Janus 1.1.2 looks the feed up in
// the room and skips it once the publisher has left ("Publisher ... not
// found, not unsubscribing"), and its own renegotiation after a "leave"
// is skipped too (the publisher no longer has a room). The driver then
// asked for an offer ("configure" update), which raced Janus's teardown of
// the publisher's streams: sent before it, the offer still had the m-lines
// sendonly on their old SSRCs; Janus then freed them without an offer, and
// the returning publisher came back on the same m-lines and SSRCs, which
// pion took for the old tracks (no OnTrack; TestRejoinAfterLeave failed
// about one run in five). A sub_mid names the m-line itself: Janus removes
// it whether the publisher is still there or not, and always renegotiates.
func (sub *subscriber) forget(id uint64) {
	delete(sub.attempts, id)
	if !sub.feeds[id] {
		return
	}
	delete(sub.feeds, id)
	var mids []string
	sub.mu.Lock()
	for mid, st := range sub.streams {
		if st.FeedID == id {
			mids = append(mids, mid)
		}
	}
	h := sub.h
	sub.mu.Unlock()
	if len(mids) == 0 || h == nil {
		return // Janus renegotiated them away already
	}
	sort.Strings(mids)
	streams := make([]map[string]any, len(mids))
	for i, mid := range mids {
		streams[i] = map[string]any{"sub_mid": mid}
	}
	ctx, cancel := sub.s.ctx()
	defer cancel()
	r, err := h.message(ctx, map[string]any{"request": "unsubscribe", "streams": streams}, nil, true)
	if err != nil {
		sub.s.d.log.Debug("janus: unsubscribe", "feed", id, "mids", mids, "err", err)
		return
	}
	// "updated" with the offer; or "updating" when an offer of Janus's is
	// still unanswered: the new one follows that answer as an event.
	sub.onEvent(r)
}

// onEvent handles the subscriber handle's events: the stream layout and
// offers (the first, and renegotiations after subscribe or a publisher
// leaving).
func (sub *subscriber) onEvent(m *msg) {
	sub.s.d.log.Debug("janus: subscriber event", "user", sub.s.p.UserID, "janus", m.Janus, "jsep", m.JSEP != nil, "data", pluginText(m))
	if m.Janus != "event" && m.Janus != "success" {
		return
	}
	d, err := decodeVR(m)
	if err != nil {
		return
	}
	sub.mu.Lock()
	sub.layout = d.Streams != nil
	sub.mu.Unlock()
	if d.Streams != nil {
		sub.mu.Lock()
		sub.streams = map[string]subStream{}
		for _, st := range d.Streams {
			sub.streams[st.Mid] = st
		}
		sub.mu.Unlock()
	}
	if m.JSEP != nil && m.JSEP.Type == webrtc.SDPTypeOffer {
		sub.s.d.log.Debug("janus: subscriber offer", "user", sub.s.p.UserID, "sdp", m.JSEP.SDP)
		if err := sub.answer(*m.JSEP); err != nil && !sub.s.terminal.Load() {
			sub.s.failure(codes.ErrJoinRoom, err)
		}
	}
}

// answer applies an offer and sends the answer with "start".
func (sub *subscriber) answer(offer webrtc.SessionDescription) error {
	s := sub.s
	if sub.pc == nil {
		pc, err := s.newPC(sub.h)
		if err != nil {
			return err
		}
		pc.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) { sub.onTrack(pc, t, r) })
		s.mu.Lock()
		sub.pc = pc
		s.mu.Unlock()
	}
	if err := sub.pc.SetRemoteDescription(dtlsServerOffer(offer)); err != nil {
		return fmt.Errorf("janus: apply subscriber offer: %w", err)
	}
	ans, err := sub.pc.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("janus: create subscriber answer: %w", err)
	}
	if err := sub.pc.SetLocalDescription(ans); err != nil {
		return fmt.Errorf("janus: set subscriber answer: %w", err)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	if _, err := sub.h.message(ctx, map[string]any{"request": "start"}, sub.pc.LocalDescription(), true); err != nil {
		return fmt.Errorf("janus: start subscription: %w", err)
	}
	return nil
}

// onTrack matches a remote track to its user by the subscription mid
// (pion goroutine).
func (sub *subscriber) onTrack(pc *webrtc.PeerConnection, t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
	mid := ""
	for _, tr := range pc.GetTransceivers() {
		if tr.Receiver() == r {
			mid = tr.Mid()
		}
	}
	sub.mu.Lock()
	st, ok := sub.streams[mid]
	sub.mu.Unlock()
	sub.s.d.log.Debug("janus: track", "user", sub.s.p.UserID, "mid", mid, "ssrc", t.SSRC(), "feed", st.FeedDisplay)
	if !ok {
		sub.s.d.log.Warn("janus: track on an unknown mid", "mid", mid)
		return
	}
	sub.s.q.Push(signaling.RemoteTrack{UserID: userOf(st.FeedID, st.FeedDisplay), Kind: t.Kind().String(), Track: t, Receiver: r})
}

// failure reports a Janus error that did not end the session.
func (s *session) failure(code int, err error) {
	if sessionGone(err) {
		s.end(fmt.Errorf("janus: session gone: %w", err))
		return
	}
	if s.terminal.Load() {
		return
	}
	s.q.Push(signaling.Failure{Err: &signaling.Error{Code: code, Message: err.Error()}})
}

// wantsLocked reports whether the participant receives kind from user:
// its own choice for that user, else the receive mode. s.mu held.
func (s *session) wantsLocked(user, kind string) bool {
	if p, ok := s.prefs[user]; ok {
		if kind == "audio" {
			return p.audio
		}
		return p.video
	}
	switch s.mode {
	case signaling.RecvAll:
		return true
	case signaling.RecvAudio:
		return kind == "audio"
	case signaling.RecvVideo:
		return kind == "video"
	default:
		return false
	}
}

// setRemoteMedia blocks or unblocks one user's streams: the subscription's
// m-lines of that user get "send": false / true, so Janus stops or
// resumes relaying them (no renegotiation).
func (s *session) setRemoteMedia(ctx context.Context, r signaling.SetRemoteMedia) error {
	s.mu.Lock()
	known := false
	for _, pe := range s.peers {
		if pe.user == r.UserID {
			known = true
		}
	}
	if !known {
		s.mu.Unlock()
		return &signaling.Error{Code: codes.ErrUserIDInvalid, Message: fmt.Sprintf("janus: user %q is not in room %d", r.UserID, s.room)}
	}
	old, had := s.prefs[r.UserID]
	if r.Clear {
		delete(s.prefs, r.UserID) // the receive mode applies again
	} else {
		s.prefs[r.UserID] = recvPref{audio: r.Audio, video: r.Video}
	}
	s.mu.Unlock()
	if err := s.applySendFlags(ctx); err != nil {
		s.mu.Lock()
		if had {
			s.prefs[r.UserID] = old
		} else {
			delete(s.prefs, r.UserID)
		}
		s.mu.Unlock()
		return err
	}
	return nil
}

// setRecvMode changes what is received from everyone without a choice of
// their own.
func (s *session) setRecvMode(ctx context.Context, m signaling.RecvMode) error {
	if m < signaling.RecvAll || m > signaling.RecvNone {
		return &signaling.Error{Code: codes.ErrServerInvalidCommand, Message: fmt.Sprintf("janus: recvmode %d: want 1..4", m)}
	}
	s.mu.Lock()
	old := s.mode
	s.mode = m
	s.mu.Unlock()
	if err := s.applySendFlags(ctx); err != nil {
		s.mu.Lock()
		s.mode = old
		s.mu.Unlock()
		return err
	}
	return nil
}

// applySendFlags configures every subscribed m-line's send flag to what
// the participant wants now.
func (s *session) applySendFlags(ctx context.Context) error {
	s.mu.Lock()
	sub := s.sub
	s.mu.Unlock()
	if sub == nil {
		return nil
	}
	sub.mu.Lock()
	var streams []map[string]any
	s.mu.Lock()
	for mid, st := range sub.streams {
		if st.Type != "audio" && st.Type != "video" || st.FeedID == 0 {
			continue
		}
		want := s.wantsLocked(userOf(st.FeedID, st.FeedDisplay), st.Type)
		if want != st.Send {
			streams = append(streams, map[string]any{"mid": mid, "send": want})
			st.Send = want
			sub.streams[mid] = st
		}
	}
	s.mu.Unlock()
	h := sub.h
	sub.mu.Unlock()
	if len(streams) == 0 || h == nil {
		return nil
	}
	if _, err := h.message(ctx, map[string]any{"request": "configure", "streams": streams}, nil, true); err != nil {
		return &signaling.Error{Code: codes.ErrServerInvalidCommand, Message: "janus subscriber configure: " + err.Error()}
	}
	return nil
}

// pluginText is a message's plugin payload, for debug logs.
func pluginText(m *msg) string {
	if m.PluginData == nil {
		return ""
	}
	return string(m.PluginData.Data)
}

// dtlsServerOffer makes pion answer a Janus offer as the DTLS server
// (a=setup:passive), so that Janus sends the ClientHello. Janus offers
// actpass, and pion, ICE-controlled there, would be the DTLS client: its
// first ClientHello often reached Janus before libnice had a selected
// pair and was dropped, and pion's retransmission timer (1 s) then
// delayed the media by a second (measured: time to first frame 1.1-1.3 s
// in about half the joins, 0.1 s otherwise). Reading the offer as
// a=setup:active is what makes pion pick the server role (its setting
// engine belongs to the bot); the answer it sends, passive, is a valid
// answer to actpass.
func dtlsServerOffer(o webrtc.SessionDescription) webrtc.SessionDescription {
	o.SDP = strings.ReplaceAll(o.SDP, "a=setup:actpass", "a=setup:active")
	return o
}
