package scenario

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrInvalid is wrapped by every scenario validation failure, so callers
// can tell a bad file (exit code 2) from a run that could not be carried out.
var ErrInvalid = errors.New("invalid scenario")

// ErrInterrupted is returned by Runner.Run when the run was stopped by its
// context before its end; the report is still complete.
var ErrInterrupted = errors.New("run interrupted")

// Pos is a position in a scenario file. Line and Col are 1-based; zero
// means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as file:line:col.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// ValidationError is one mistake in a scenario file: where, on which key
// path, what is wrong, and a hint on how to fix it.
type ValidationError struct {
	Pos  Pos
	Path string // e.g. "groups[1].media.codec"
	Msg  string
	Hint string
	// unknownKey marks a key with no field: its misspelt sibling is
	// missing, so what the checks say about the siblings is noise.
	unknownKey bool
}

// Error formats e as "file:line:col: path: message (hint)".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// ValidationErrors is every mistake found in one file, in file order.
type ValidationErrors []*ValidationError

// Error lists the errors one per line.
func (es ValidationErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual errors (errors.Is/As see each of them).
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sorted orders errors by position, keeping the order of equal positions,
// and drops exact duplicates.
func (es ValidationErrors) sorted() ValidationErrors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Pos, es[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	out := es[:0]
	seen := map[string]bool{}
	for _, e := range es {
		k := e.Error()
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// didYouMean returns a hint naming the candidate closest to s, or a list of
// the valid choices when none is close.
func didYouMean(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= 2 && bestD <= len(s)/2 {
		return fmt.Sprintf("did you mean %q?", best)
	}
	if len(candidates) > 0 && len(candidates) <= 24 {
		return "valid: " + strings.Join(candidates, ", ")
	}
	return ""
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
