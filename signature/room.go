package signature

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxUserIDLen is the longest userID (identifier) in bytes.
const MaxUserIDLen = 32

// MaxRoomStrLen is the longest string room ID in bytes (TRTC's limit).
const MaxRoomStrLen = 64

// roomStrChars is TRTC's documented string-room alphabet besides letters and
// digits.
const roomStrChars = " !#$%&()+-:;<=.>?@[]^_{}|~,"

// Room names a TRTC room: a numeric ID (1..4294967295, ticket cVer 0) or a
// string ID (ticket cVer 1). Exactly one is set.
type Room struct {
	ID  uint32
	Str string
}

// NumericRoom returns Room{ID: id}.
func NumericRoom(id uint32) Room { return Room{ID: id} }

// StringRoom returns Room{Str: s}.
func StringRoom(s string) Room { return Room{Str: s} }

// IsString reports whether r is a string room.
func (r Room) IsString() bool { return r.Str != "" }

// String is the decimal ID, or the string ID quoted (so "123" the string room
// and 123 the numeric one print differently).
func (r Room) String() string {
	if r.Str != "" {
		return strconv.Quote(r.Str)
	}
	return strconv.FormatUint(uint64(r.ID), 10)
}

// Validate checks that exactly one of ID and Str is set, and that a string ID
// is 1..64 bytes of TRTC's alphabet (letters, digits and ` !#$%&()+-:;<=.>?@[]^_{}|~,`).
func (r Room) Validate() error {
	switch {
	case r.ID != 0 && r.Str != "":
		return fmt.Errorf("room: both numeric id %d and string id %q set, want exactly one", r.ID, r.Str)
	case r.ID == 0 && r.Str == "":
		return fmt.Errorf("room: neither a numeric id (1..4294967295) nor a string id set")
	case r.Str != "":
		if len(r.Str) > MaxRoomStrLen {
			return fmt.Errorf("room: string id is %d bytes, max %d", len(r.Str), MaxRoomStrLen)
		}
		for i := 0; i < len(r.Str); i++ {
			c := r.Str[i]
			if !isAlnum(c) && strings.IndexByte(roomStrChars, c) < 0 {
				return fmt.Errorf("room: string id %q: byte %d (%q) not allowed", r.Str, i, c)
			}
		}
	}
	return nil
}

// ValidateUserID checks a userID (TLS.identifier): 1..32 bytes of
// [A-Za-z0-9_-].
func ValidateUserID(id string) error {
	if id == "" {
		return fmt.Errorf("userID: empty")
	}
	if len(id) > MaxUserIDLen {
		return fmt.Errorf("userID: %d bytes, max %d", len(id), MaxUserIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !isAlnum(c) && c != '_' && c != '-' {
			return fmt.Errorf("userID %q: byte %d (%q) not in [A-Za-z0-9_-]", id, i, c)
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
