// Package profile writes pprof CPU and heap profiles of the running process
// (roombot run --cpuprofile/--memprofile, make profile): where the time and
// memory go is shown, not guessed.
package profile
