package netem

import (
	"sort"
	"time"
)

// Presets are named networks, the values documented in docs/network.md.
// 3g and call-drop follow testRTC's "Regular 3G" (750 kbit/s, 250 ms, 1.5 %
// loss is its figure; here 0.5 % random loss plus jitter, as Loadero's 3G)
// and "Call Drop" (50 kbit/s, 500 ms, 20 %) profiles, with their latency
// read as the round trip and split evenly over the two directions.
var presets = map[string]Config{
	"wifi": {
		Up:   Link{Delay: 5 * time.Millisecond, Jitter: 3 * time.Millisecond, Loss: 0.001, Rate: 20_000_000},
		Down: Link{Delay: 5 * time.Millisecond, Jitter: 3 * time.Millisecond, Loss: 0.001, Rate: 50_000_000},
	},
	"4g": {
		Up:   Link{Delay: 25 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.005, Rate: 5_000_000},
		Down: Link{Delay: 25 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.005, Rate: 12_000_000},
	},
	"3g": {
		Up:   Link{Delay: 125 * time.Millisecond, Jitter: 20 * time.Millisecond, Loss: 0.005, Rate: 750_000},
		Down: Link{Delay: 125 * time.Millisecond, Jitter: 20 * time.Millisecond, Loss: 0.005, Rate: 750_000},
	},
	"lossy-3g": {
		Up:   Link{Delay: 125 * time.Millisecond, Jitter: 20 * time.Millisecond, Loss: 0.05, Burst: 3, Rate: 750_000},
		Down: Link{Delay: 125 * time.Millisecond, Jitter: 20 * time.Millisecond, Loss: 0.05, Burst: 3, Rate: 750_000},
	},
	"call-drop": {
		Up:   Link{Delay: 250 * time.Millisecond, Loss: 0.20, Rate: 50_000},
		Down: Link{Delay: 250 * time.Millisecond, Loss: 0.20, Rate: 50_000},
	},
	"offline": {Offline: true, Signaling: true},
	"none":    {},
}

// Preset returns the named network; false when there is no such preset.
func Preset(name string) (Config, bool) {
	c, ok := presets[name]
	return c, ok
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	out := make([]string, 0, len(presets))
	for n := range presets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
