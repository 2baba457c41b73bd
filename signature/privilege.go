package signature

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Privilege is the dwPrivilegeMap of a privateMapKey: one bit per right
// (reference §2.2).
type Privilege uint32

// Privilege bits.
const (
	PrivCreate    Privilege = 1 << iota // create the room
	PrivEnter                           // enter the room
	PrivSendAudio                       // publish audio
	PrivRecvAudio                       // receive audio
	PrivSendVideo                       // publish video
	PrivRecvVideo                       // receive video
	PrivSendSub                         // publish the sub-stream (screen share)
	PrivRecvSub                         // receive the sub-stream

	// PrivAll grants every right (255).
	PrivAll Privilege = 0xff
)

// privNames lists the bit names in bit order; ParsePrivileges and String use it.
var privNames = [...]struct {
	name string
	bit  Privilege
}{
	{"create", PrivCreate},
	{"enter", PrivEnter},
	{"send-audio", PrivSendAudio},
	{"recv-audio", PrivRecvAudio},
	{"send-video", PrivSendVideo},
	{"recv-video", PrivRecvVideo},
	{"send-sub", PrivSendSub},
	{"recv-sub", PrivRecvSub},
}

// ParsePrivileges parses a privilege list: either a number ("255", "0xff",
// "0b101010", "0o377") or comma-separated bit names ("create,enter,send-audio"),
// with "all" for PrivAll and "none" for 0. Names are case-insensitive;
// spaces around them are ignored.
func ParsePrivileges(s string) (Privilege, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("privileges: empty (want names like create,enter or a number like 255)")
	}
	if t[0] >= '0' && t[0] <= '9' {
		n, err := strconv.ParseUint(t, 0, 32)
		if err != nil {
			return 0, fmt.Errorf("privileges %q: not a 32-bit number", s)
		}
		return Privilege(n), nil
	}
	var p Privilege
	for _, part := range strings.Split(t, ",") {
		name := strings.ToLower(strings.TrimSpace(part))
		switch name {
		case "all":
			p |= PrivAll
			continue
		case "none":
			continue
		}
		found := false
		for _, pn := range privNames {
			if pn.name == name {
				p |= pn.bit
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("privileges %q: unknown name %q (known: %s, all, none)", s, name, knownNames())
		}
	}
	return p, nil
}

func knownNames() string {
	names := make([]string, len(privNames))
	for i, pn := range privNames {
		names[i] = pn.name
	}
	return strings.Join(names, ",")
}

// String lists the set bits by name in bit order ("create,enter"), "all" for
// 255 and "none" for 0; bits above 128 appear as a hex remainder ("enter,0x100").
func (p Privilege) String() string {
	switch p {
	case 0:
		return "none"
	case PrivAll:
		return "all"
	}
	var b strings.Builder
	for _, pn := range privNames {
		if p&pn.bit != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(pn.name)
		}
	}
	if rest := p &^ PrivAll; rest != 0 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%#x", uint32(rest))
	}
	return b.String()
}

// Has reports whether every bit of q is set in p.
func (p Privilege) Has(q Privilege) bool { return p&q == q }

// Count is the number of bits set.
func (p Privilege) Count() int { return bits.OnesCount32(uint32(p)) }

// MarshalText encodes p as its String form.
func (p Privilege) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses with ParsePrivileges, so flags and config files accept
// names or numbers.
func (p *Privilege) UnmarshalText(b []byte) error {
	v, err := ParsePrivileges(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
