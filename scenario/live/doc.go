// Package live plays scenarios for real: it wires scenario.Runner to real
// bots (package bot, one shared bot.Host per process), the target's
// signaling driver and fault injector, and the reports writers, and starts
// the reference service in-process on loopback when a scenario names no
// target.
//
// Targets (targets.go) are a registry: each server kind (embedded, native,
// livekit, …) registers how it is opened and what it cannot do, in a file
// of its own; Check refuses a scenario that asks a target for a feature it
// lacks before anything connects.
//
// It is what `roombot run` calls; package scenario itself stays free of
// sockets so that parsing, planning, scheduling and assertions are tested
// on their own.
package live
