package server

import (
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
)

// handle carries out one client message. A message that ends the session
// (leave, a refused enter) calls shutdown; serve then discards the rest.
func (c *conn) handle(m protocol.Msg) {
	if m.Type == protocol.TypePing {
		c.send(protocol.TypePong, m.ID, nil)
		return
	}
	if m.Type == protocol.TypeEnter {
		// The enter deadline is for sending an enter; carrying it out may
		// take the server longer (it ends in entered or a close).
		c.enterTimer.Stop()
	}
	c.delay()
	if m.Type == protocol.TypeEnter {
		if c.part != nil {
			c.fail(m.ID, refusal(codes.ErrServerInvalidCommand, "already entered room %s as %q", c.part.room.name, c.part.userID))
			return
		}
		p, fail := c.s.enter(c, m.ID, m.Body.(*protocol.Enter))
		if fail != nil {
			c.refuseEnter(m.ID, fail)
			return
		}
		c.part = p
		return
	}
	p := c.part
	if p == nil {
		c.fail(m.ID, refusal(codes.ErrServerInvalidCommand, "%s before enter: enter first", m.Type))
		return
	}
	switch m.Type {
	case protocol.TypeAnswer:
		if err := p.peer.SetAnswer(m.Body.(*protocol.SDP).SDP); err != nil {
			// First the refusal, then the outstanding offer again.
			c.fail(m.ID, refusal(codes.ErrServerInvalidCommand, "answer: %v", err))
			p.peer.ResendOffer()
			return
		}
	case protocol.TypeCandidate:
		b := m.Body.(*protocol.Candidate)
		if err := p.peer.AddCandidate(webrtc.ICECandidateInit{Candidate: b.Candidate, SDPMid: b.SDPMid, SDPMLineIndex: b.SDPMLineIndex}); err != nil {
			c.fail(m.ID, refusal(codes.ErrServerInvalidCommand, "candidate: %v", err))
			return
		}
	case protocol.TypeMedia:
		if e := c.s.setLocalMedia(p, m.Body.(*protocol.Media)); e != nil {
			c.fail(m.ID, e)
			return
		}
	case protocol.TypeRemote:
		if e := c.s.setRemote(p, m.Body.(*protocol.Remote)); e != nil {
			c.fail(m.ID, e)
			return
		}
	case protocol.TypeRecvMode:
		if e := c.s.setRecvMode(p, m.Body.(*protocol.RecvMode).Mode); e != nil {
			c.fail(m.ID, e)
			return
		}
	case protocol.TypeIM:
		if e := c.s.sendIM(p, m.Body.(*protocol.IM)); e != nil {
			c.fail(m.ID, e)
			return
		}
	case protocol.TypeLeave:
		c.s.leave(p)
		c.ok(m.ID)
		c.shutdown(websocket.CloseNormalClosure, "left")
		return
	default:
		c.fail(m.ID, refusal(codes.ErrServerInvalidCommand, "%q is not a client request", m.Type))
		return
	}
	c.ok(m.ID)
}

// delay applies the admin "slow signaling" fault before a reply.
func (c *conn) delay() {
	user := ""
	if c.part != nil {
		user = c.part.userID
	}
	d := c.s.faults.replyDelay(user)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.stop:
	}
}
