package reports

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrMalformedLine: a line of events.jsonl or stats.jsonl is not a valid
	// Event or Sample. It travels inside a *LineError naming file and line.
	ErrMalformedLine = errors.New("malformed line")
	// ErrNoStreams: the directory holds neither events.jsonl nor stats.jsonl,
	// so it is not a run directory.
	ErrNoStreams = errors.New("not a run directory (no events.jsonl or stats.jsonl)")
	// ErrClosed: the Dir was already closed.
	ErrClosed = errors.New("run directory writer closed")
)

// LineError reports a bad line of a stream file: where and what.
type LineError struct {
	File string // path of the file
	Line int    // 1-based line number
	Err  error  // wraps ErrMalformedLine
}

// Error formats the error as "file:line: reason".
func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }
