package scenario

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Duration is a time.Duration written in Go syntax ("500ms", "1m30s").
// A bare number other than 0 is an error: its unit would be a guess.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats d like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// ParseDuration reads a non-negative Go duration.
func ParseDuration(s string) (Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %s is negative", s)
	}
	return Duration(v), nil
}

func (x *Duration) decodeNode(d *decoder, n ast.Node, path string) {
	switch t := n.(type) {
	case *ast.NullNode:
	case *ast.StringNode:
		v, err := ParseDuration(t.Value)
		if err != nil {
			d.errorf(n, path, "use a number with a unit: 500ms, 5s, 1m30s", "%v", err)
			return
		}
		*x = v
	case *ast.IntegerNode:
		if i, ok := d.integer(n, path); ok && i == 0 {
			*x = 0
			return
		}
		d.errorf(n, path, fmt.Sprintf("add a unit, e.g. %ss", t.Token.Value), "duration %s has no unit", t.Token.Value)
	default:
		d.errorf(n, path, "use a number with a unit: 500ms, 5s, 1m30s", "expected a duration, got %s", kindName(n))
	}
}

// Selector picks users of the scenario. Its syntax, a comma-separated union:
//
//	selector = term { "," term }
//	term     = "all" | "group:" name [ "[" index [ ":" index ] "]" ]
//	         | "user:" userID | "room:" roomID
//
// Indexes are 1-based and inclusive ("group:g[1:3]" is the first three
// users of g). It is resolved against a Plan's users (Plan.Select).
type Selector string

// Exprs is one expression or a list of them.
type Exprs []string

func (x *Exprs) decodeNode(d *decoder, n ast.Node, path string) {
	switch t := n.(type) {
	case *ast.NullNode:
	case *ast.StringNode:
		*x = Exprs{t.Value}
	case *ast.SequenceNode:
		var out Exprs
		for i, item := range t.Values {
			var s string
			d.decode(item, reflect.ValueOf(&s).Elem(), fmt.Sprintf("%s[%d]", path, i))
			out = append(out, s)
		}
		*x = out
	default:
		d.errorf(n, path, `quote the expression: "p(95) < 300ms"`, "expected an expression or a list of them, got %s", kindName(n))
	}
}

// Window is the part of a run between two marks: From and To name marks
// (or "start" and "end"). Written [from, to] or "from..to". The zero
// Window is the whole run.
type Window struct {
	From, To string
}

// IsZero reports whether w is the whole run.
func (w Window) IsZero() bool { return w.From == "" && w.To == "" }

// String formats w as "from..to".
func (w Window) String() string {
	if w.IsZero() {
		return ""
	}
	return w.From + ".." + w.To
}

func (w *Window) decodeNode(d *decoder, n ast.Node, path string) {
	const hint = "write [mark-a, mark-b] or \"mark-a..mark-b\"; start and end are the run's edges"
	switch t := n.(type) {
	case *ast.NullNode:
	case *ast.StringNode:
		from, to, ok := strings.Cut(t.Value, "..")
		if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
			d.errorf(n, path, hint, "bad window %q", t.Value)
			return
		}
		*w = Window{From: strings.TrimSpace(from), To: strings.TrimSpace(to)}
	case *ast.SequenceNode:
		var parts []string
		d.decode(n, reflect.ValueOf(&parts).Elem(), path)
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			d.errorf(n, path, hint, "a window needs two marks, got %d", len(parts))
			return
		}
		*w = Window{From: parts[0], To: parts[1]}
	default:
		d.errorf(n, path, hint, "expected a window, got %s", kindName(n))
	}
}

// Fault is a fault injected through the reference service's admin API:
// its name and its parameters, written {name: {param: value, …}}.
type Fault struct {
	Name   string
	Params map[string]any
}

// IsZero reports whether no fault is set.
func (f Fault) IsZero() bool { return f.Name == "" }

func (f *Fault) decodeNode(d *decoder, n ast.Node, path string) {
	if isNull(n) {
		return
	}
	pairs, ok := d.mappingPairs(n, path)
	if !ok || len(pairs) != 1 {
		d.errorf(n, path, "write fault: {fail_enter: {user: u3, code: -100018, count: 1}}", "a fault is a mapping with exactly one fault name")
		return
	}
	f.Name = keyString(pairs[0])
	params, _ := d.generic(pairs[0].Value, joinPath(path, f.Name)).(map[string]any)
	d.pos[joinPath(path, f.Name)] = d.at(pairs[0].Key) // the fault's errors point at its name
	if params == nil && !isNull(d.resolve(pairs[0].Value, path)) {
		d.errorf(pairs[0].Value, joinPath(path, f.Name), "", "fault parameters must be a mapping")
	}
	f.Params = params
}

// RoomsConfig is the rooms of a scenario: a count (numeric IDs from
// FirstID), a list of IDs, or string room IDs from a pattern. Written
// `rooms: 3`, `rooms: [1001, 1002]` or as a mapping.
type RoomsConfig struct {
	Count int `yaml:"count"`
	// FirstID is the first numeric room ID (default 1001).
	FirstID uint32 `yaml:"first_id"`
	// IDs lists the numeric room IDs.
	IDs []uint32 `yaml:"ids"`
	// Pattern makes string room IDs (strRoomID): {n} is the 1-based index.
	Pattern string `yaml:"pattern"`
}

type roomsFields RoomsConfig

func (r *RoomsConfig) decodeNode(d *decoder, n ast.Node, path string) {
	switch n.(type) {
	case *ast.NullNode:
	case *ast.IntegerNode:
		d.decode(n, reflect.ValueOf(&r.Count).Elem(), path)
	case *ast.SequenceNode:
		d.decode(n, reflect.ValueOf(&r.IDs).Elem(), path)
	default:
		d.decodeStruct(n, reflect.ValueOf((*roomsFields)(r)).Elem(), path)
	}
}

// DefaultFirstRoomID is the first numeric room ID when only a count is given.
const DefaultFirstRoomID = 1001

// RoomRefs lists rooms by ID or name; numbers and strings both read.
type RoomRefs []string

func (x *RoomRefs) decodeNode(d *decoder, n ast.Node, path string) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		if isNull(n) {
			return
		}
		d.errorf(n, path, "write a list: [1001, 1002]", "expected a list of rooms, got %s", kindName(n))
		return
	}
	for i, item := range seq.Values {
		p := fmt.Sprintf("%s[%d]", path, i)
		item = d.resolve(item, p)
		d.pos[p] = d.at(item)
		switch t := item.(type) {
		case *ast.IntegerNode:
			*x = append(*x, t.Token.Value)
		case *ast.StringNode:
			*x = append(*x, t.Value)
		default:
			d.errorf(item, p, "", "expected a room ID, got %s", kindName(item))
		}
	}
}

// UnmarshalText parses a Go duration (for flags and text fields).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText formats d like time.Duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
