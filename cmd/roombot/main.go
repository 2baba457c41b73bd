// Command roombot runs headless WebRTC room participants (bots), the
// reference room service they join, and scenarios of many bots with
// assertions and reports. See README.md.
package main

import "os"

func main() {
	os.Exit(Main(os.Args, OSEnv()))
}
