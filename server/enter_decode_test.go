package server

import (
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
)

// An enter whose body cannot be read is an enter refusal like any other:
// enterFailed with the code of the field at fault, then close 1000. A client
// waiting for entered/enterFailed never hangs.
func TestMalformedEnter(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	for _, c := range []struct {
		name, in string
		want     int
	}{
		{"no data", `{"type":"enter","id":1}`, codes.ErrEnterRoomParamNull},
		{"null data", `{"type":"enter","id":1,"data":null}`, codes.ErrEnterRoomParamNull},
		{"data not an object", `{"type":"enter","id":1,"data":[1]}`, codes.ErrEnterRoomParamNull},
		{"roomID a string", `{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":"u","userSig":"x","roomID":"9001"}}`, codes.ErrRoomIDInvalid},
		{"roomID too large", `{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":"u","userSig":"x","roomID":4294967296}}`, codes.ErrRoomIDInvalid},
		{"roomID negative", `{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":"u","userSig":"x","roomID":-1}}`, codes.ErrRoomIDInvalid},
		{"strRoomID a number", `{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":"u","userSig":"x","strRoomID":5}}`, codes.ErrRoomIDInvalid},
		{"sdkAppID a string", `{"type":"enter","id":1,"data":{"sdkAppID":"1400000001","userID":"u","userSig":"x","roomID":1}}`, codes.ErrSDKAppIDInvalid},
		{"userID a number", `{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":7,"userSig":"x","roomID":1}}`, codes.ErrUserIDInvalid},
		{"userSig a number", `{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":"u","userSig":7,"roomID":1}}`, codes.ErrUserSigInvalid},
		{"recvMode a string", `{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":"u","userSig":"x","roomID":1,"recvMode":"1"}}`, codes.ErrEnterRoomParamNull},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := dialRaw(t, s)
			r.send(c.in)
			m, _, ok := r.recv()
			if !ok {
				t.Fatal("closed without an answer")
			}
			f, isFail := m.Body.(*protocol.EnterFailed)
			if m.Type != protocol.TypeEnterFailed || !isFail || m.ID != 1 {
				t.Fatalf("got %s %+v, want enterFailed with id 1", m.Type, m.Body)
			}
			if f.Code != codes.EnterRoomFailed || f.Error.Code != c.want || f.Error.Message == "" {
				t.Fatalf("enterFailed %+v, want cause %d with a message", f, c.want)
			}
			if ce := r.closeCode(5 * time.Second); ce.Code != protocol.CloseNormal {
				t.Fatalf("close %d", ce.Code)
			}
		})
	}
}
