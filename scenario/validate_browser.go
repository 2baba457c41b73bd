package scenario

import (
	"fmt"
)

// MaxBrowsers bounds the browser participants of one run: each is a
// headless Chromium that costs about a core while it encodes its camera
// and decodes the room's video.
const MaxBrowsers = 8

// BrowserTemplates are the page's built-in templates and their remote
// slots (the component's max_members).
var BrowserTemplates = map[string]int{"bigsmall": 1, "float": 3, "grid": 3}

// browserGroups checks kind and template, and refuses for browser groups
// the settings a browser cannot carry out: it sends Chromium's fake camera
// and microphone (no fixture codec, resolution or camera, no live encoder)
// and its network is the machine's (no in-process impairment).
func (v *validator) browserGroups() {
	browsers := 0
	for i := range v.c.Groups {
		g := &v.c.Groups[i]
		p := fmt.Sprintf("groups[%d]", i)
		v.oneOf(p+".kind", &g.Kind, "bot", "bot", "browser")
		if g.Kind != "browser" {
			if g.Template != "" {
				v.errorf(p+".template", "template is the web page's layout: set kind: browser, or remove it", "template %q on a group of bots", g.Template)
			}
			continue
		}
		nRooms := len(g.Rooms)
		if nRooms == 0 {
			nRooms = len(buildRooms(v.c))
		}
		browsers += g.Count + g.PerRoom*nRooms
		v.oneOf(p+".template", &g.Template, "float", "bigsmall", "float", "grid")
		if slots, ok := BrowserTemplates[g.Template]; ok && g.MaxMembers != 0 && g.MaxMembers != slots {
			v.errorf(p+".max_members", fmt.Sprintf("a browser's capacity is its template's slots: %s holds %d; remove max_members or choose another template", g.Template, slots),
				"max_members %d with template %s", g.MaxMembers, g.Template)
		}
		for _, key := range []string{"media.codec", "media.resolution", "media.camera", "media.live"} {
			if _, set := v.c.pos[p+"."+key]; set {
				v.errorf(p+"."+key, "a browser sends Chromium's fake camera and microphone; only media.audio and media.video apply", "%s is not supported by kind: browser", key)
			}
		}
		if g.Network != nil {
			v.errorf(p+".network", "impairment is in-process for bots; impair a bot group instead", "network is not supported by kind: browser")
		}
	}
	if browsers > MaxBrowsers {
		v.errorf("groups", "each browser costs about a core: use bots for load, a few browsers to look", "%d browser users, at most %d", browsers, MaxBrowsers)
	}
}
