package signature

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Ticket is the privilege map carried as the userbuf of a privateMapKey
// (reference §2.1). All integers are big-endian:
//
//	cVer(1) wAccountLen(2) account(L) dwSdkAppid(4) dwAuthID(4)
//	dwExpTime(4) dwPrivilegeMap(4) dwAccountType(4) [wRoomStrLen(2) roomStr(N)]
//
// cVer is 0 for a numeric room (dwAuthID = room) and 1 for a string room
// (dwAuthID = 0, roomStr appended).
type Ticket struct {
	// Account is the userID the ticket is for.
	Account string
	// SDKAppID is the application.
	SDKAppID uint32
	// Room is the numeric (cVer 0) or string (cVer 1) room.
	Room Room
	// Expires is the absolute expiry dwExpTime (issue time + expire,
	// truncated to 32 bits); the ticket is valid through this instant.
	Expires time.Time
	// Privileges is dwPrivilegeMap.
	Privileges Privilege
	// AccountType is dwAccountType; every official library writes 0.
	AccountType uint32
}

// Allows reports whether the ticket grants every bit of p.
func (t *Ticket) Allows(p Privilege) bool { return t.Privileges.Has(p) }

// Expired reports whether now is past Expires (strict, like the userSig).
func (t *Ticket) Expired(now time.Time) bool { return now.Unix() > t.Expires.Unix() }

// Check returns nil when the ticket is for room and grants p; otherwise a
// *CheckError wrapping ErrRoomMismatch or ErrPrivilegeDenied. It does not
// look at the expiry (Verifier.VerifyPrivateMapKey does).
func (t *Ticket) Check(room Room, p Privilege) error {
	if t.Room != room {
		return &CheckError{Field: "ticket.room", Want: room.String(), Got: t.Room.String(), Err: ErrRoomMismatch}
	}
	if !t.Allows(p) {
		return &CheckError{Field: "ticket.privileges", Want: p.String(), Got: t.Privileges.String(), Err: ErrPrivilegeDenied}
	}
	return nil
}

// String summarises the ticket (it holds no secret).
func (t *Ticket) String() string {
	return fmt.Sprintf("ticket{account %q, sdkappid %d, room %s, expires %s, privileges %s}",
		t.Account, t.SDKAppID, t.Room, t.Expires.UTC().Format(time.RFC3339), t.Privileges)
}

// MarshalBinary encodes the ticket as the userbuf layout above. The room must
// satisfy Room.Validate and the account fit 65535 bytes; the expiry is
// truncated to 32 bits as the official libraries do.
func (t *Ticket) MarshalBinary() ([]byte, error) {
	if err := t.Room.Validate(); err != nil {
		return nil, inputErr("ticket: %v", err)
	}
	if len(t.Account) > 0xffff {
		return nil, inputErr("ticket: account is %d bytes, max 65535", len(t.Account))
	}
	n := 23 + len(t.Account)
	if t.Room.IsString() {
		n += 2 + len(t.Room.Str)
	}
	b := make([]byte, 0, n)
	cver := byte(0)
	if t.Room.IsString() {
		cver = 1
	}
	b = append(b, cver)
	b = binary.BigEndian.AppendUint16(b, uint16(len(t.Account)))
	b = append(b, t.Account...)
	b = binary.BigEndian.AppendUint32(b, t.SDKAppID)
	b = binary.BigEndian.AppendUint32(b, t.Room.ID)
	b = binary.BigEndian.AppendUint32(b, uint32(t.Expires.Unix()))
	b = binary.BigEndian.AppendUint32(b, uint32(t.Privileges))
	b = binary.BigEndian.AppendUint32(b, t.AccountType)
	if t.Room.IsString() {
		b = binary.BigEndian.AppendUint16(b, uint16(len(t.Room.Str)))
		b = append(b, t.Room.Str...)
	}
	return b, nil
}

// ParseTicket decodes a privateMapKey userbuf. It is strict about the
// layout (lengths, trailing bytes, cVer) and lenient about content (any
// account bytes, any privilege bits). Errors are *DecodeError wrapping
// ErrMalformed and name the part that failed.
func ParseTicket(b []byte) (*Ticket, error) {
	if len(b) < 1 {
		return nil, decodeErr("ticket", "cVer", "empty userbuf")
	}
	cver := b[0]
	if cver > 1 {
		return nil, decodeErr("ticket", "cVer", "version %d, want 0 (numeric room) or 1 (string room)", cver)
	}
	if len(b) < 3 {
		return nil, decodeErr("ticket", "wAccountLen", "userbuf is %d bytes, truncated", len(b))
	}
	l := int(binary.BigEndian.Uint16(b[1:3]))
	if len(b) < 23+l {
		return nil, decodeErr("ticket", "account", "userbuf is %d bytes, need %d for a %d-byte account", len(b), 23+l, l)
	}
	t := &Ticket{Account: string(b[3 : 3+l])}
	p := b[3+l:]
	t.SDKAppID = binary.BigEndian.Uint32(p[0:4])
	authID := binary.BigEndian.Uint32(p[4:8])
	t.Expires = time.Unix(int64(binary.BigEndian.Uint32(p[8:12])), 0).UTC()
	t.Privileges = Privilege(binary.BigEndian.Uint32(p[12:16]))
	t.AccountType = binary.BigEndian.Uint32(p[16:20])
	rest := p[20:]
	if cver == 0 {
		if len(rest) != 0 {
			return nil, decodeErr("ticket", "trailer", "%d unexpected bytes after a numeric-room ticket", len(rest))
		}
		if authID == 0 {
			return nil, decodeErr("ticket", "dwAuthID", "numeric room 0")
		}
		t.Room = Room{ID: authID}
		return t, nil
	}
	if authID != 0 {
		return nil, decodeErr("ticket", "dwAuthID", "%d in a string-room ticket, want 0", authID)
	}
	if len(rest) < 2 {
		return nil, decodeErr("ticket", "wRoomStrLen", "string-room ticket truncated")
	}
	n := int(binary.BigEndian.Uint16(rest[0:2]))
	if len(rest) != 2+n {
		return nil, decodeErr("ticket", "roomStr", "%d bytes follow, want %d", len(rest)-2, n)
	}
	if n == 0 {
		return nil, decodeErr("ticket", "roomStr", "empty string room")
	}
	t.Room = Room{Str: string(rest[2:])}
	return t, nil
}
