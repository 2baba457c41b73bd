package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MarshalJSON encodes s as one line of stats.jsonl: the Sample's fields plus
// "kind":"stats", so that every line of a run's streams says what it is and a
// reader can route lines without knowing which file they came from.
// Figures are written to the stream's precision (Sample.Rounded).
func (s Sample) MarshalJSON() ([]byte, error) { return marshalRounded(s.Rounded()) }

// marshalRounded is MarshalJSON of a Sample already Rounded.
func marshalRounded(s Sample) ([]byte, error) {
	type plain Sample // drops the method, keeps the tags
	return json.Marshal(struct {
		Kind Kind `json:"kind"`
		plain
	}{KindStats, plain(s)})
}

// Line is one decoded line of a run's streams: exactly one of Event and
// Sample is set.
type Line struct {
	Event  *Event
	Sample *Sample
}

// knownKinds are the kinds a line may carry.
var knownKinds = map[Kind]bool{
	KindRoom: true, KindIM: true, KindMedia: true, KindAction: true, KindRun: true, KindStats: true,
	KindHealth: true,
}

// DecodeLine decodes one JSON line of events.jsonl or stats.jsonl. Lines
// with "kind":"stats" are Samples, every other known kind is an Event.
// Unknown fields are ignored (a newer writer may add some); a missing or
// unknown kind, a missing timestamp, an Event without a name or a Sample
// without a user is an error wrapping ErrMalformedLine. It never panics.
func DecodeLine(b []byte) (Line, error) { return decodeLine(b, false) }

// sampleLine is a stats line as decoded in one pass.
type sampleLine struct {
	Kind *Kind `json:"kind"`
	Sample
}

// decodeLine is DecodeLine with a guess of the line's type (stats.jsonl
// holds Samples, events.jsonl Events): a valid line of the guessed type is
// decoded in one pass; anything else takes the exact two-pass path, so the
// result never depends on the guess.
func decodeLine(b []byte, stats bool) (Line, error) { return decodeLineIn(b, stats, nil) }

// decodeLineIn is decodeLine sharing repeated strings through in (nil: no
// sharing); stats lines of the writer's shape take fastSample.
func decodeLineIn(b []byte, stats bool, in interner) (Line, error) {
	if stats {
		if s := new(Sample); fastSample(b, s, in) && checkSample(s) == nil {
			return Line{Sample: s}, nil
		}
		var s sampleLine
		if json.Unmarshal(b, &s) == nil && s.Kind != nil && *s.Kind == KindStats && checkSample(&s.Sample) == nil {
			return Line{Sample: &s.Sample}, nil
		}
	} else {
		var e Event
		if json.Unmarshal(b, &e) == nil && e.Kind != KindStats && knownKinds[e.Kind] && checkEvent(&e) == nil {
			return Line{Event: &e}, nil
		}
	}
	return decodeExact(b)
}

// decodeExact reads the kind first, then the line as that kind's type.
func decodeExact(b []byte) (Line, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return Line{}, fmt.Errorf("%w: empty line", ErrMalformedLine)
	}
	var head struct {
		Kind *Kind `json:"kind"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Line{}, fmt.Errorf("%w: %v", ErrMalformedLine, err)
	}
	switch {
	case head.Kind == nil:
		return Line{}, fmt.Errorf("%w: no \"kind\" field", ErrMalformedLine)
	case !knownKinds[*head.Kind]:
		return Line{}, fmt.Errorf("%w: unknown kind %q", ErrMalformedLine, truncate(string(*head.Kind), 40))
	case *head.Kind == KindStats:
		var s Sample
		if err := json.Unmarshal(b, &s); err != nil {
			return Line{}, fmt.Errorf("%w: stats: %v", ErrMalformedLine, err)
		}
		if err := checkSample(&s); err != nil {
			return Line{}, err
		}
		return Line{Sample: &s}, nil
	default:
		var e Event
		if err := json.Unmarshal(b, &e); err != nil {
			return Line{}, fmt.Errorf("%w: event: %v", ErrMalformedLine, err)
		}
		if err := checkEvent(&e); err != nil {
			return Line{}, err
		}
		return Line{Event: &e}, nil
	}
}

func checkEvent(e *Event) error {
	switch {
	case e.Time.IsZero():
		return fmt.Errorf("%w: event %q has no \"ts\"", ErrMalformedLine, truncate(e.Event, 40))
	case e.Event == "":
		return fmt.Errorf("%w: %s event has no \"event\" name", ErrMalformedLine, e.Kind)
	}
	return nil
}

func checkSample(s *Sample) error {
	switch {
	case s.Time.IsZero():
		return fmt.Errorf("%w: stats line has no \"ts\"", ErrMalformedLine)
	case s.User == "":
		return fmt.Errorf("%w: stats line has no \"user\"", ErrMalformedLine)
	case s.Interval < 0:
		return fmt.Errorf("%w: stats line of %q has negative interval_s %v", ErrMalformedLine, truncate(s.User, 40), s.Interval)
	}
	return nil
}

// truncate shortens outside text quoted in errors.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
