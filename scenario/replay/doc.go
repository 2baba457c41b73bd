// Package replay turns a customer's room-event log into a scenario that
// plays the same story against a room service: who was in which room and
// when they entered, what they did (a peer's 1033/1034 become that user's
// camera and microphone actions), what their network did (1101 uplink too
// slow becomes a bandwidth cap; 1102 reconnecting an offline window) and
// what the service did (-100018 a refused enter; a kick a kick), with
// assertions that the customer's error codes recur.
//
// It reads two kinds of log (fixtures/logs/README.md): roombot's own
// events.jsonl, and a component log as customers have it, in JSON lines or
// a console dump of bindRoomEvent / bindIMEvent details. Every line is
// either used, or reported as unknown or malformed with its line number:
// nothing is dropped silently.
package replay
