package scenario

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// faultParam is one parameter of a fault: its admin API JSON name, its
// kind ("string", "int", "duration", "room") and whether it is required.
type faultParam struct {
	json     string
	kind     string
	required bool
}

// faultSpec is one fault of the reference service's admin API
// (docs/admin.md): the request it becomes and its parameters.
type faultSpec struct {
	method, path string
	params       map[string]faultParam
	doc          string
}

// faultSpecs are the faults a timeline can inject, by name.
var faultSpecs = map[string]faultSpec{
	"fail_enter": {http.MethodPost, "/admin/faults/enter", map[string]faultParam{
		"user": {"userID", "string", false}, "room": {"", "room", false}, "code": {"code", "int", true},
		"count": {"count", "int", false}, "message": {"message", "string", false}},
		"the next count enters that match fail with code"},
	"kick": {http.MethodPost, "/admin/kick", map[string]faultParam{
		"user": {"userID", "string", true}, "room": {"", "room", false}}, "remove a user from the room"},
	"dismiss": {http.MethodPost, "/admin/dismiss", map[string]faultParam{
		"room": {"", "room", true}}, "dismiss a room: every member is removed"},
	"drop": {http.MethodPost, "/admin/faults/drop", map[string]faultParam{
		"user": {"userID", "string", true}, "room": {"", "room", false}}, "drop a user's signaling connection"},
	"pause_media": {http.MethodPost, "/admin/faults/pause", map[string]faultParam{
		"user": {"userID", "string", true}, "duration": {"duration", "duration", true}, "room": {"", "room", false}},
		"stop forwarding a user's media for a while (receivers freeze)"},
	"delay": {http.MethodPost, "/admin/faults/delay", map[string]faultParam{
		"user": {"userID", "string", false}, "duration": {"duration", "duration", true}},
		"delay every signaling reply to a user (all users when none)"},
	"clear": {http.MethodDelete, "/admin/faults", map[string]faultParam{}, "remove every injected fault"},
	// Not in the reference admin API: servers with a track API (livekit).
	"mute_track": {"", "", map[string]faultParam{
		"user": {"userID", "string", true}, "track": {"track", "track", true}, "room": {"", "room", false}},
		"mute a user's published track from the server side (peers see it muted)"},
}

// FaultNames returns the known fault names, sorted.
func FaultNames() []string {
	out := make([]string, 0, len(faultSpecs))
	for n := range faultSpecs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// IsAdminFault reports whether the reference service's admin API
// (docs/admin.md) injects the named fault; other servers map faults to
// their own APIs (scenario/live targets).
func IsAdminFault(name string) bool {
	return faultSpecs[name].method != ""
}

// validateFault checks a fault's name and parameters; it returns messages
// keyed by parameter ("" for the fault itself) and hints.
func validateFault(f Fault) (problems [][3]string) {
	spec, ok := faultSpecs[f.Name]
	if !ok {
		return [][3]string{{"", fmt.Sprintf("unknown fault %q", f.Name), didYouMean(f.Name, FaultNames())}}
	}
	var names []string
	for n := range spec.params {
		names = append(names, n)
	}
	sort.Strings(names)
	var keys []string
	for k := range f.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, ok := spec.params[k]
		if !ok {
			problems = append(problems, [3]string{k, fmt.Sprintf("unknown parameter %q of fault %s", k, f.Name), didYouMean(k, names)})
			continue
		}
		if msg := checkParam(p.kind, f.Params[k]); msg != "" {
			problems = append(problems, [3]string{k, msg, ""})
		}
	}
	for _, n := range names {
		if _, ok := f.Params[n]; spec.params[n].required && !ok {
			problems = append(problems, [3]string{"", fmt.Sprintf("fault %s needs %s", f.Name, n), "parameters: " + strings.Join(names, ", ")})
		}
	}
	return problems
}

func checkParam(kind string, v any) string {
	switch kind {
	case "string":
		if _, ok := v.(string); !ok {
			return fmt.Sprintf("expected a string, got %v", v)
		}
	case "int":
		if _, ok := v.(int64); !ok {
			return fmt.Sprintf("expected an integer, got %v", v)
		}
	case "duration":
		s, ok := v.(string)
		if !ok {
			return fmt.Sprintf("expected a duration such as 5s, got %v", v)
		}
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Sprintf("bad duration %q", s)
		}
	case "track":
		if v != "audio" && v != "video" {
			return fmt.Sprintf("expected audio or video, got %v", v)
		}
	case "room":
		switch x := v.(type) {
		case int64:
			if x <= 0 || x > 4294967295 {
				return fmt.Sprintf("room ID %d out of range", x)
			}
		case string:
		default:
			return fmt.Sprintf("expected a room ID, got %v", v)
		}
	}
	return ""
}

// AdminRequest is the admin API call that injects f: method, path and
// JSON body. It assumes f was validated.
func (f Fault) AdminRequest() (method, path string, body map[string]any) {
	spec := faultSpecs[f.Name]
	body = map[string]any{}
	for k, v := range f.Params {
		p := spec.params[k]
		switch {
		case p.kind == "room":
			if id, ok := v.(int64); ok {
				body["roomID"] = id
			} else if s, ok := v.(string); ok {
				if n, err := strconv.ParseUint(s, 10, 32); err == nil && n > 0 {
					body["roomID"] = n
				} else {
					body["strRoomID"] = s
				}
			}
		default:
			body[p.json] = v
		}
	}
	if f.Name == "fail_enter" {
		if _, ok := body["count"]; !ok {
			body["count"] = 1
		}
	}
	return spec.method, spec.path, body
}
