package replay

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Entry is one event of a log, whatever its format: who saw what, when.
type Entry struct {
	Line   int       // 1-based line in the log
	Time   time.Time // when it happened
	User   string    // the user whose component raised it
	Room   string    // its room
	Source string    // "room" (bindRoomEvent) or "im" (bindIMEvent)
	Tag    string    // the detail's tag (error, warning, event, connection_event, …)
	Code   int       // the numeric code; 0 for IM codes that are names
	Name   string    // the code when it is a name (kicked), or roombot's event name
	Remote string    // the remote user a 1031–1034 / 2103 / -2301 is about
	State  string    // "on" / "off" for 1033 / 1034
	Detail string    // the detail as written, for comments
}

// LineError is a line of the log that could not be read.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ErrEmpty is returned for a log with no events.
var ErrEmpty = errors.New("replay: the log has no events")

// maxLine bounds one log line (a console dump of a long member list fits).
const maxLine = 1 << 20

// Read parses a log: roombot events.jsonl, component JSON lines or a
// console dump, told apart line by line. Blank lines and lines starting
// with # are skipped; every other line is an event or an error. All bad
// lines are reported together (errors.Join of *LineError).
func Read(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var out []Entry
	var errs []error
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseLine(line)
		if err != nil {
			errs = append(errs, &LineError{Line: n, Msg: err.Error()})
			continue
		}
		e.Line = n
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &LineError{Line: n + 1, Msg: err.Error()})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrEmpty
	}
	return out, nil
}

func parseLine(line string) (Entry, error) {
	if strings.HasPrefix(line, "{") {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			return Entry{}, fmt.Errorf("malformed JSON: %v", err)
		}
		if _, ok := m["kind"]; ok {
			return roombotLine(m)
		}
		return componentJSON(m)
	}
	return consoleLine(line)
}

// roombotLine reads one line of a roombot events.jsonl.
func roombotLine(m map[string]json.RawMessage) (Entry, error) {
	var ev struct {
		Time    time.Time `json:"ts"`
		User    string    `json:"user"`
		Room    string    `json:"room"`
		Kind    string    `json:"kind"`
		Event   string    `json:"event"`
		Tag     string    `json:"tag"`
		Code    int       `json:"code"`
		Remote  string    `json:"remote"`
		Track   string    `json:"track"`
		Message string    `json:"msg"`
	}
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, &ev); err != nil {
		return Entry{}, fmt.Errorf("roombot event: %v", err)
	}
	if ev.Time.IsZero() {
		return Entry{}, errors.New("roombot event without ts")
	}
	e := Entry{Time: ev.Time, User: ev.User, Room: ev.Room, Source: ev.Kind, Tag: ev.Tag, Code: ev.Code, Name: ev.Event,
		Remote: ev.Remote, Detail: ev.Message}
	if ev.Event == "remote_video" || ev.Event == "remote_audio" {
		e.State = ev.Message
	}
	return e, nil
}

// componentJSON reads a component log line in JSON: {time|timestamp|ts,
// userID, roomID, event (bindRoomEvent|bindIMEvent, optional), tag, code,
// detail}.
func componentJSON(m map[string]json.RawMessage) (Entry, error) {
	str := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := m[k]; ok {
				var s string
				if json.Unmarshal(v, &s) == nil {
					return s
				}
				return strings.Trim(string(v), `"`)
			}
		}
		return ""
	}
	ts := str("time", "timestamp", "ts")
	if ts == "" {
		return Entry{}, errors.New("component event without time (time, timestamp or ts)")
	}
	t, err := parseTime(ts)
	if err != nil {
		return Entry{}, err
	}
	if _, ok := m["tag"]; !ok {
		return Entry{}, errors.New("component event without tag: not a bindRoomEvent/bindIMEvent detail")
	}
	d := detail{Tag: str("tag"), Detail: m["detail"]}
	if v, ok := m["code"]; ok {
		d.Code = v
	}
	return fromDetail(t, str("userID", "userid", "userId"), str("roomID", "roomid", "roomId"), str("event", "source"), d)
}

// console lines: "<time> <userID> <roomID> <bindRoomEvent|bindIMEvent> <detail JSON>",
// where time is RFC 3339 or "2006-01-02 15:04:05.000" (two fields).
var consoleRE = regexp.MustCompile(`^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+(\S+)\s+(\S+)\s+(bindRoomEvent|bindIMEvent|RoomEvent|IMEvent)\s+(\{.*\})$`)

func consoleLine(line string) (Entry, error) {
	m := consoleRE.FindStringSubmatch(line)
	if m == nil {
		return Entry{}, errors.New(`unknown line: want "<time> <userID> <roomID> bindRoomEvent|bindIMEvent {tag, code, detail}" or a JSON object`)
	}
	t, err := parseTime(m[1])
	if err != nil {
		return Entry{}, err
	}
	var d detail
	if err := json.Unmarshal([]byte(m[5]), &d); err != nil {
		return Entry{}, fmt.Errorf("malformed detail JSON: %v", err)
	}
	if d.Tag == "" {
		return Entry{}, errors.New("detail without tag")
	}
	return fromDetail(t, m[2], m[3], m[4], d)
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms > 1e12 {
		return time.UnixMilli(ms).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("bad time %q (RFC 3339, \"2006-01-02 15:04:05.000\" or Unix milliseconds)", s)
}

// detail is e.detail of the component's events: {tag, code, detail}.
type detail struct {
	Tag    string          `json:"tag"`
	Code   json.RawMessage `json:"code"`
	Detail json.RawMessage `json:"detail"`
}

func fromDetail(t time.Time, user, room, source string, d detail) (Entry, error) {
	if user == "" {
		return Entry{}, errors.New("event without userID")
	}
	e := Entry{Time: t, User: user, Room: room, Tag: d.Tag, Source: "room"}
	if strings.Contains(strings.ToLower(source), "im") || isIMTag(d.Tag) {
		e.Source = "im"
	}
	// code: a number, or a name (fireIMErrorEvent passes "kicked" etc.).
	if len(d.Code) > 0 && string(d.Code) != "null" {
		var n float64
		var s string
		switch {
		case json.Unmarshal(d.Code, &n) == nil:
			e.Code = int(n)
		case json.Unmarshal(d.Code, &s) == nil:
			if i, err := strconv.Atoi(s); err == nil {
				e.Code = i
			} else {
				e.Name = s
			}
		default:
			return Entry{}, fmt.Errorf("code %s is neither a number nor a name", d.Code)
		}
	}
	e.Detail = strings.Trim(string(d.Detail), `"`)
	// A detail object may name the remote user and state of 1031–1034.
	var obj map[string]any
	if json.Unmarshal(d.Detail, &obj) == nil {
		for _, k := range []string{"userID", "userid", "userId"} {
			if v, ok := obj[k].(string); ok {
				e.Remote = v
			}
		}
		for _, k := range []string{"state", "message"} {
			if v, ok := obj[k].(string); ok && (v == "on" || v == "off") {
				e.State = v
			}
		}
		for _, k := range []string{"available", "videoAvailable", "audioAvailable"} {
			if v, ok := obj[k].(bool); ok {
				e.State = map[bool]string{true: "on", false: "off"}[v]
			}
		}
	}
	return e, nil
}

func isIMTag(tag string) bool {
	switch tag {
	case "login_event", "join_group_event", "big_group_msg_notify", "msg_notify", "connection_event":
		return true
	}
	return false
}
