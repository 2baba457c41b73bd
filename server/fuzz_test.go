package server

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/roombot/roombot/protocol"
)

// FuzzSignaling feeds arbitrary frames (one per line of the input) to a
// live server on an entered connection, then checks that the connection
// either still answers a ping or was closed cleanly, and that the server
// still admits a new client. A panic anywhere fails the fuzz run.
func FuzzSignaling(f *testing.F) {
	s := startServer(f, Config{})
	for _, seed := range []string{
		`{"type":"media","id":2,"data":{"audioMuted":true}}`,
		`{"type":"remote","id":3,"data":{"userID":"nobody","audio":false,"video":true}}` + "\n" + `{"type":"recvmode","data":{"mode":3}}`,
		`{"type":"im","id":4,"data":{"kind":"custom","data":"x","to":"fuzz"}}`,
		`{"type":"candidate","data":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}}`,
		`{"type":"answer","id":5,"data":{"sdp":"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n"}}`,
		`{"type":"enter","id":6,"data":{}}` + "\n" + `{"type":"leave","id":7}`,
		"{\"type\":\n[]\nnull",
	} {
		f.Add([]byte(seed))
	}
	sig := userSig(f, "fuzz")
	enter, _ := json.Marshal(protocol.Enter{SDKAppID: DefaultSDKAppID, UserID: "fuzz", UserSig: sig, RoomID: 4242, IM: true})
	f.Fuzz(func(t *testing.T, in []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ws, resp, err := websocket.DefaultDialer.DialContext(ctx, s.SignalURL(), nil)
		if err != nil {
			t.Fatalf("server no longer accepts connections: %v", err)
		}
		resp.Body.Close()
		defer ws.Close()
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"enter","id":1,"data":`+string(enter)+`}`))
		for _, line := range bytes.Split(in, []byte("\n")) {
			if ws.WriteMessage(websocket.TextMessage, line) != nil {
				return // closed by the server (leave, flood): fine
			}
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","id":999999}`))
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				if _, ok := err.(*websocket.CloseError); ok {
					return // a clean close
				}
				t.Fatalf("connection neither answered the ping nor closed cleanly: %v", err)
			}
			if m, err := protocol.Decode(b); err != nil {
				t.Fatalf("server sent an undecodable frame %q: %v", b, err)
			} else if m.Type == protocol.TypePong && m.ID == 999999 {
				return
			}
		}
	})
}
