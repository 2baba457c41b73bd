package scenario

import (
	"fmt"

	"github.com/roombot/roombot/signaling"
)

// FeatureUse is one place where a scenario uses a feature that not every
// server has: the feature and the key path of the value that asks for it.
type FeatureUse struct {
	Feature signaling.Feature
	Path    string
}

// Features lists every use of a signaling.Feature in c, in file order of
// sections (rooms, groups, timeline).
func (c *Config) Features() []FeatureUse {
	var out []FeatureUse
	use := func(f signaling.Feature, path string) { out = append(out, FeatureUse{f, path}) }
	if c.Rooms.Pattern != "" {
		use(signaling.FeatureStrRoom, c.roomsPatternPath())
	}
	for i, g := range c.Groups {
		p := fmt.Sprintf("groups[%d]", i)
		if g.IM {
			use(signaling.FeatureIM, p+".im")
		}
		if g.RecvMode != "" && g.RecvMode != "all" {
			use(signaling.FeatureRecvMode, p+".recvmode")
		}
		if g.Role == string(signaling.RoleAudience) {
			use(signaling.FeatureAudience, p+".role")
		}
		if g.Media.Simulcast {
			use(signaling.FeatureSimulcast, p+".media.simulcast")
		}
		if g.Permissions != nil {
			use(signaling.FeaturePrivileges, p+".permissions")
		}
	}
	for i, s := range c.Timeline {
		p := fmt.Sprintf("timeline[%d]", i)
		switch s.Action {
		case "send_im":
			use(signaling.FeatureIM, p+".action")
			if s.To != "" {
				use(signaling.FeatureIMC2C, p+".to")
			}
		case "block_audio", "unblock_audio", "block_video", "unblock_video":
			use(signaling.FeatureBlock, p+".action")
		case "fault":
			use(signaling.FaultFeature(s.Fault.Name), p+".fault")
		}
	}
	return out
}

func (c *Config) roomsPatternPath() string {
	if _, ok := c.pos["rooms.pattern"]; ok {
		return "rooms.pattern"
	}
	return "rooms"
}

// CheckFeatures asks unsupported (a target's signaling.Limited) about
// every feature c uses and returns a ValidationError at each use of one
// the target lacks, naming the feature and the target, or nil. It connects
// nothing: callers run it before anything connects, so that a scenario
// never silently skips what its server cannot do.
func (c *Config) CheckFeatures(target string, unsupported func(signaling.Feature) string) error {
	var errs ValidationErrors
	for _, u := range c.Features() {
		why := unsupported(u.Feature)
		if why == "" {
			continue
		}
		where := "target " + target
		if c.Target.FromCommandLine() {
			where += " (set by --target)"
		}
		errs = append(errs, &ValidationError{Pos: c.PosOf(u.Path), Path: u.Path,
			Msg: fmt.Sprintf("%s is not supported by %s", u.Feature, where), Hint: why})
	}
	if len(errs) == 0 {
		return nil
	}
	return errs.sorted()
}
