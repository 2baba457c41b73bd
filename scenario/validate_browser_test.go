package scenario

import (
	"strings"
	"testing"
)

// TestBrowserGroups: kind and template are checked, and what a browser
// cannot do is an error at its place in the file.
func TestBrowserGroups(t *testing.T) {
	t.Parallel()
	good := "rooms: 1\ngroups:\n  - {name: bots, count: 2}\n  - {name: web, count: 1, kind: browser, template: grid, im: true}\n"
	c, err := Parse("f.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.Groups[0].Kind != "bot" || c.Groups[1].Kind != "browser" || c.Groups[1].Template != "grid" {
		t.Errorf("groups: %+v", c.Groups)
	}
	c, err = Parse("f.yaml", []byte("rooms: 1\ngroups:\n  - {name: web, count: 1, kind: browser}\n"))
	if err != nil || c.Groups[0].Template != "float" {
		t.Fatalf("default template: %v %+v", err, c)
	}
	for _, tc := range []struct{ name, group, want string }{
		{"unknown kind", "kind: browsr", `f.yaml:5:11: groups[0].kind: unknown value "browsr" (did you mean "browser"?)`},
		{"template on bots", "template: grid", `groups[0].template: template "grid" on a group of bots`},
		{"unknown template", "kind: browser\n    template: mosaic", `groups[0].template: unknown value "mosaic"`},
		{"codec", "kind: browser\n    media: {codec: h264}", `f.yaml:6:20: groups[0].media.codec: media.codec is not supported by kind: browser`},
		{"live", "kind: browser\n    media: {live: true}", `groups[0].media.live: media.live is not supported by kind: browser`},
		{"network", "kind: browser\n    network: {delay: 50ms}", `groups[0].network: network is not supported by kind: browser`},
		{"max_members", "kind: browser\n    template: bigsmall\n    max_members: 3", `groups[0].max_members: max_members 3 with template bigsmall`},
		{"too many", "kind: browser\n    count: 9", `groups: 9 browser users, at most 8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "rooms: 1\ngroups:\n  - name: g\n    count: 1\n    " + tc.group + "\n"
			if strings.Contains(tc.group, "count:") {
				src = "rooms: 1\ngroups:\n  - name: g\n    " + tc.group + "\n"
			}
			_, err := Parse("f.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant %s", err, tc.want)
			}
		})
	}
	// media.audio / media.video do apply to a browser.
	if _, err := Parse("f.yaml", []byte("rooms: 1\ngroups:\n  - {name: web, count: 1, kind: browser, media: {video: false}}\n")); err != nil {
		t.Errorf("media.video on a browser: %v", err)
	}
}
