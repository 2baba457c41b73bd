// Package live plays scenarios for real: it wires scenario.Runner to real
// bots (package bot, one shared bot.Host per process), the reference room
// service's native signaling driver, the admin API for fault steps, and
// the reports writers, and starts the reference service in-process on
// loopback when a scenario names no target.
//
// It is what `roombot run` calls; package scenario itself stays free of
// sockets so that parsing, planning, scheduling and assertions are tested
// on their own.
package live
