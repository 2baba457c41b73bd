package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MaxFrameBytes is the largest WebSocket frame either side accepts. An
// m-line of a forwarded track costs about 530 bytes of SDP (measured), so this holds
// about 1900 m-lines (a subscriber's offer grows with the room and with churn:
// m-lines of departed publishers stay, inactive) and the largest IM message
// (12000 bytes); larger frames close the connection (1009).
const MaxFrameBytes = 1 << 20

// Envelope is one frame on the wire. Data is the JSON of the body of Type.
type Envelope struct {
	Type Type            `json:"type"`
	ID   uint64          `json:"id,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Msg is a decoded frame: its type, request id and typed body (a pointer to
// the struct for Type, or nil for the types without a body).
type Msg struct {
	Type Type
	ID   uint64
	Body any
}

// bodies maps every known type to a constructor of its body; nil means the
// type has no body.
var bodies = map[Type]func() any{
	TypeEnter:       func() any { return new(Enter) },
	TypeAnswer:      func() any { return new(SDP) },
	TypeCandidate:   func() any { return new(Candidate) },
	TypeMedia:       func() any { return new(Media) },
	TypeRemote:      func() any { return new(Remote) },
	TypeRecvMode:    func() any { return new(RecvMode) },
	TypeIM:          func() any { return new(IM) },
	TypeLeave:       nil,
	TypePing:        nil,
	TypeReply:       func() any { return new(Reply) },
	TypeEntered:     func() any { return new(Entered) },
	TypeEnterFailed: func() any { return new(EnterFailed) },
	TypeMembers:     func() any { return new(Members) },
	TypeUserEntered: func() any { return new(UserEntered) },
	TypeUserLeft:    func() any { return new(UserLeft) },
	TypeRemoteVideo: func() any { return new(RemoteState) },
	TypeRemoteAudio: func() any { return new(RemoteState) },
	TypeOffer:       func() any { return new(SDP) },
	TypeMessage:     func() any { return new(Message) },
	TypeKicked:      func() any { return new(Kicked) },
	TypeError:       func() any { return new(Error) },
	TypePong:        nil,
}

// Known reports whether t is a message type of this protocol.
func Known(t Type) bool {
	_, ok := bodies[t]
	return ok
}

// Encode marshals one frame. body may be nil for types without a body.
func Encode(t Type, id uint64, body any) ([]byte, error) {
	env := Envelope{Type: t, ID: id}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("protocol: encode %s: %w", t, err)
		}
		env.Data = b
	}
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("protocol: encode %s: %w", t, err)
	}
	return b, nil
}

// Decode parses one frame. The error wraps ErrMalformed (not JSON, bad field
// type), ErrUnknownType or ErrTooLarge, and names the type and field. When
// the envelope is readable but the body is not, the returned Msg still carries
// Type and ID so that the server can reply to the request.
func Decode(b []byte) (Msg, error) {
	if len(b) > MaxFrameBytes {
		return Msg{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), MaxFrameBytes)
	}
	var env Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return Msg{}, fmt.Errorf("%w: envelope: %s", ErrMalformed, jsonReason(err))
	}
	m := Msg{Type: env.Type, ID: env.ID}
	if env.Type == "" {
		return m, fmt.Errorf("%w: envelope: missing \"type\"", ErrMalformed)
	}
	mk, ok := bodies[env.Type]
	if !ok {
		return m, fmt.Errorf("%w: %q", ErrUnknownType, truncate(string(env.Type), 40))
	}
	if mk == nil {
		return m, nil
	}
	body := mk()
	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return m, &DecodeError{Type: env.Type, Reason: `missing "data"`}
	}
	if err := json.Unmarshal(data, body); err != nil {
		return m, &DecodeError{Type: env.Type, Field: jsonField(err), Reason: jsonReason(err)}
	}
	m.Body = body
	return m, nil
}

// jsonReason turns a json error into a short reason naming the field.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if asType(err, &te) {
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Sprintf("field %q: expected %s, got JSON %s", field, te.Type, te.Value)
	}
	var fe *FieldError
	if asType(err, &fe) {
		return fe.Error()
	}
	var se *json.SyntaxError
	if asType(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	return err.Error()
}

// jsonField names the field a json error is about ("" when none).
func jsonField(err error) string {
	var te *json.UnmarshalTypeError
	if asType(err, &te) {
		return te.Field
	}
	var fe *FieldError
	if asType(err, &fe) {
		return fe.Field
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
