package threshold

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Threshold
	}{
		{"p(95) < 300ms", Threshold{Agg: Percentile, P: 95, Op: LT, Value: 300, Unit: "ms"}},
		{"p(99.9)<=2s", Threshold{Agg: Percentile, P: 99.9, Op: LE, Value: 2, Unit: "s"}},
		{"avg > 400kbps", Threshold{Agg: Avg, Op: GT, Value: 400, Unit: "kbps"}},
		{"rate >= 0.99", Threshold{Agg: Rate, Op: GE, Value: 0.99}},
		{"count == 0", Threshold{Agg: Count, Op: EQ, Value: 0}},
		{"  max <= 5%  ", Threshold{Agg: Max, Op: LE, Value: 5, Unit: "%"}},
		{"min != -1", Threshold{Agg: Min, Op: NE, Value: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Expr = tc.in
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", `"" at column 1: expected an aggregate: avg, min, max, med, sum, count, rate or p(N)`},
		{"p95 < 3", `"p95 < 3" at column 2: a percentile is written p(95)`},
		{"p(0) < 3", `"p(0) < 3" at column 1: percentile 0 is outside (0, 100]`},
		{"p(95 < 3", `"p(95 < 3" at column 6: missing ")" after the percentile`},
		{"avg 3", `"avg 3" at column 5: expected a comparison: <, <=, >, >=, == or !=`},
		{"avg < ms", `"avg < ms" at column 7: expected a number`},
		{"avg < 3 ms", `"avg < 3 ms" at column 9: unexpected "ms" after the value`},
		{"avg < 3hours", `"avg < 3hours" at column 8: unknown unit "hours": use us, ms, s, m, bps, kbps, mbps or %`},
		{"avg < 3.", `"avg < 3." at column 9: expected digits after the decimal point`},
		{"mean < 3", `"mean < 3" at column 1: expected an aggregate: avg, min, max, med, sum, count, rate or p(N)`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tc.in)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Parse(%q) error = %v, want %s", tc.in, err, tc.want)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error does not wrap ErrSyntax")
			}
		})
	}
}

func TestParseCount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Threshold{
		">= 1":       {Agg: Count, Op: GE, Value: 1},
		"count == 0": {Agg: Count, Op: EQ, Value: 0},
		"<3":         {Agg: Count, Op: LT, Value: 3},
	} {
		got, err := ParseCount(in)
		want.Expr = in
		if err != nil || got != want {
			t.Errorf("ParseCount(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{">= 1.5", ">= 1ms", "avg >= 1", ">= -1", ""} {
		if _, err := ParseCount(in); err == nil {
			t.Errorf("ParseCount(%q) succeeded", in)
		}
	}
}

func TestValueIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, base string
		want       float64
		err        bool
	}{
		{"avg < 2s", BaseMs, 2000, false},
		{"avg < 250us", BaseMs, 0.25, false},
		{"avg < 1m", BaseMs, 60000, false},
		{"avg > 1.5mbps", BaseKbps, 1500, false},
		{"avg > 64000bps", BaseKbps, 64, false},
		{"max <= 5%", BasePct, 5, false},
		{"rate >= 99%", BaseRatio, 0.99, false},
		{"rate >= 0.99", BaseRatio, 0.99, false},
		{"avg < 3s", BaseKbps, 0, true},
		{"avg < 3kbps", BaseMs, 0, true},
		{"count < 3ms", BaseNone, 0, true},
		{"rate < 3ms", BaseRatio, 0, true},
	}
	for _, tc := range tests {
		th, err := Parse(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := th.ValueIn(tc.base)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("%q in %q = %v, %v; want %v (err %v)", tc.expr, tc.base, got, err, tc.want, tc.err)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op        Op
		obs, want float64
		ok        bool
	}{
		{LT, 1, 2, true}, {LT, 2, 2, false}, {LE, 2, 2, true}, {GT, 3, 2, true}, {GT, 2, 2, false},
		{GE, 2, 2, true}, {EQ, 0, 0, true}, {EQ, 1, 0, false}, {NE, 1, 0, true}, {NE, 0, 0, false},
	} {
		if got := (Threshold{Op: tc.op}).Check(tc.obs, tc.want); got != tc.ok {
			t.Errorf("%v %s %v = %v, want %v", tc.obs, tc.op, tc.want, got, tc.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"p(95) < 300ms", "avg > 400kbps", "rate >= 0.99", "count == 0", "max <= 5%", ">= 1", "p(", "p(1e9)<1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		if th.Agg == "" || th.Op == "" || (th.Agg == Percentile && (th.P <= 0 || th.P > 100)) {
			t.Fatalf("Parse(%q) = %+v: incomplete", s, th)
		}
		for _, base := range []string{BaseMs, BaseKbps, BasePct, BaseRatio, BaseNone} {
			_, _ = th.ValueIn(base)
		}
		_, _ = ParseCount(s)
	})
}
