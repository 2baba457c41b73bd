package signaling

import "strings"

// Feature is something a scenario can ask of a room service that not every
// server can do. Scenario validation lists the features a file uses and
// asks the target about each, so that a feature the server lacks is an
// error naming the feature and the target before anything connects, never
// a silent skip.
type Feature string

// Features a server may lack. Everything else (enter, leave, members,
// mute/camera state, remote tracks, kicks) is the Driver contract itself.
const (
	FeatureStrRoom    Feature = "string room IDs"
	FeatureIM         Feature = "IM"
	FeatureIMC2C      Feature = "IM C2C messages"
	FeatureRecvMode   Feature = "recvmode other than all"
	FeatureBlock      Feature = "blocking remote audio/video"
	FeatureAudience   Feature = "the audience role"
	FeaturePrivileges Feature = "privateMapKey privileges"
	FeatureSimulcast  Feature = "simulcast"
)

// faultPrefix starts the Feature of a fault step.
const faultPrefix = "fault "

// FaultFeature is the Feature of injecting the named fault (a scenario
// fault step such as fail_enter or kick).
func FaultFeature(name string) Feature { return Feature(faultPrefix + name) }

// FaultName returns the fault of a FaultFeature, or "" for another feature.
func (f Feature) FaultName() string {
	if n, ok := strings.CutPrefix(string(f), faultPrefix); ok {
		return n
	}
	return ""
}

// Limited is implemented by a Driver (or a fault injector) that cannot do
// every Feature. A driver that does not implement it supports them all.
type Limited interface {
	// Unsupported returns why f cannot be done (a short reason such as
	// "LiveKit has no API to make joins fail"), or "" when it can.
	Unsupported(f Feature) string
}

// UnsupportedBy asks v (a Driver or anything else) about f through
// Limited: "" when v supports f or does not implement Limited.
func UnsupportedBy(v any, f Feature) string {
	if l, ok := v.(Limited); ok {
		return l.Unsupported(f)
	}
	return ""
}
