package threshold

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Aggregate is how the values of a metric are reduced to one number.
type Aggregate string

// Aggregates.
const (
	Avg        Aggregate = "avg"
	Min        Aggregate = "min"
	Max        Aggregate = "max"
	Med        Aggregate = "med"
	Sum        Aggregate = "sum"
	Count      Aggregate = "count"
	Rate       Aggregate = "rate"
	Percentile Aggregate = "p"
)

// Op is a comparison operator.
type Op string

// Operators.
const (
	LT Op = "<"
	LE Op = "<="
	GT Op = ">"
	GE Op = ">="
	EQ Op = "=="
	NE Op = "!="
)

// Base units a metric can be measured in (see ValueIn).
const (
	BaseMs    = "ms"
	BaseKbps  = "kbps"
	BasePct   = "%"     // a percentage: 5 means 5 %
	BaseRatio = "ratio" // a fraction: 0.05 means 5 %
	BaseNone  = ""
)

// Threshold is one parsed expression. Value is as written, in Unit.
type Threshold struct {
	Expr  string
	Agg   Aggregate
	P     float64 // percentile for Agg == Percentile
	Op    Op
	Value float64
	Unit  string
}

// ErrSyntax is wrapped by every *SyntaxError.
var ErrSyntax = errors.New("threshold syntax")

// SyntaxError says where in an expression parsing failed.
type SyntaxError struct {
	Expr   string
	Offset int // byte offset in Expr
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%q at column %d: %s", e.Expr, e.Offset+1, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// AggName returns the aggregate as written ("p(95)", "avg").
func (t Threshold) AggName() string {
	if t.Agg == Percentile {
		return "p(" + strconv.FormatFloat(t.P, 'f', -1, 64) + ")"
	}
	return string(t.Agg)
}

// Check reports whether observed (in the same unit as want) satisfies
// the comparison.
func (t Threshold) Check(observed, want float64) bool {
	switch t.Op {
	case LT:
		return observed < want
	case LE:
		return observed <= want
	case GT:
		return observed > want
	case GE:
		return observed >= want
	case EQ:
		return observed == want
	case NE:
		return observed != want
	}
	return false
}

// ValueIn converts Value to base (one of the Base constants). A unit from
// another family, or a unit on a unitless base, is an error.
func (t Threshold) ValueIn(base string) (float64, error) {
	v, u := t.Value, t.Unit
	if u == "" {
		return v, nil
	}
	bad := func() (float64, error) {
		if base == BaseNone || base == BaseRatio && u != "%" {
			return 0, fmt.Errorf("unit %q does not fit this value: write a plain number", u)
		}
		return 0, fmt.Errorf("unit %q does not fit a value in %s", u, base)
	}
	switch base {
	case BaseMs:
		switch u {
		case "us":
			return v / 1000, nil
		case "ms":
			return v, nil
		case "s":
			return v * 1000, nil
		case "m":
			return v * 60000, nil
		}
	case BaseKbps:
		switch u {
		case "bps":
			return v / 1000, nil
		case "kbps":
			return v, nil
		case "mbps":
			return v * 1000, nil
		}
	case BasePct:
		if u == "%" {
			return v, nil
		}
	case BaseRatio:
		if u == "%" {
			return v / 100, nil
		}
	}
	return bad()
}

// Parse reads a threshold expression: aggregate op value.
func Parse(expr string) (Threshold, error) {
	p := &parser{s: expr}
	t := Threshold{Expr: expr}
	p.space()
	if err := p.aggregate(&t); err != nil {
		return Threshold{}, err
	}
	if err := p.rest(&t); err != nil {
		return Threshold{}, err
	}
	return t, nil
}

// ParseCount reads an event-count expression: [count] op value. The value
// must be a whole number with no unit.
func ParseCount(expr string) (Threshold, error) {
	p := &parser{s: expr}
	t := Threshold{Expr: expr, Agg: Count}
	p.space()
	if strings.HasPrefix(p.s[p.i:], "count") {
		p.i += len("count")
	}
	if err := p.rest(&t); err != nil {
		return Threshold{}, err
	}
	if t.Unit != "" || t.Value != float64(int64(t.Value)) || t.Value < 0 {
		return Threshold{}, &SyntaxError{Expr: expr, Offset: p.valueAt, Msg: "an event count is a whole number ≥ 0 with no unit"}
	}
	return t, nil
}

type parser struct {
	s       string
	i       int
	valueAt int
}

func (p *parser) fail(msg string, args ...any) error {
	return &SyntaxError{Expr: p.s, Offset: p.i, Msg: fmt.Sprintf(msg, args...)}
}

func (p *parser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *parser) aggregate(t *Threshold) error {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= 'a' && p.s[p.i] <= 'z' {
		p.i++
	}
	word := p.s[start:p.i]
	switch Aggregate(word) {
	case Avg, Min, Max, Med, Sum, Count, Rate:
		t.Agg = Aggregate(word)
		return nil
	case Percentile:
		if p.i >= len(p.s) || p.s[p.i] != '(' {
			return p.fail(`a percentile is written p(95)`)
		}
		p.i++
		p.space()
		n, err := p.number()
		if err != nil {
			return err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return p.fail(`missing ")" after the percentile`)
		}
		p.i++
		if n <= 0 || n > 100 {
			return &SyntaxError{Expr: p.s, Offset: start, Msg: fmt.Sprintf("percentile %v is outside (0, 100]", n)}
		}
		t.Agg, t.P = Percentile, n
		return nil
	}
	p.i = start
	return p.fail("expected an aggregate: avg, min, max, med, sum, count, rate or p(N)")
}

func (p *parser) rest(t *Threshold) error {
	p.space()
	ops := []Op{LE, GE, EQ, NE, LT, GT}
	found := false
	for _, op := range ops {
		if strings.HasPrefix(p.s[p.i:], string(op)) {
			t.Op, found = op, true
			p.i += len(op)
			break
		}
	}
	if !found {
		return p.fail("expected a comparison: <, <=, >, >=, == or !=")
	}
	p.space()
	p.valueAt = p.i
	v, err := p.number()
	if err != nil {
		return err
	}
	t.Value = v
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] >= 'a' && p.s[p.i] <= 'z' || p.s[p.i] == '%') {
		p.i++
	}
	unit := p.s[start:p.i]
	switch unit {
	case "", "us", "ms", "s", "m", "bps", "kbps", "mbps", "%":
		t.Unit = unit
	default:
		p.i = start
		return p.fail("unknown unit %q: use us, ms, s, m, bps, kbps, mbps or %%", unit)
	}
	p.space()
	if p.i != len(p.s) {
		return p.fail("unexpected %q after the value", p.s[p.i:])
	}
	return nil
}

func (p *parser) number() (float64, error) {
	start := p.i
	if p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
	}
	digits := 0
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
		digits++
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		frac := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			frac++
		}
		if frac == 0 {
			return 0, p.fail("expected digits after the decimal point")
		}
	}
	if digits == 0 {
		p.i = start
		return 0, p.fail("expected a number")
	}
	v, err := strconv.ParseFloat(p.s[start:p.i], 64)
	if err != nil {
		p.i = start
		return 0, p.fail("bad number %q", p.s[start:p.i])
	}
	return v, nil
}

// UnmarshalText parses a threshold expression, so a Threshold can be a
// flag value or a text field.
func (t *Threshold) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalText returns the expression as written.
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.Expr), nil }
