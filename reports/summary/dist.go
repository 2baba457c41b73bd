package summary

import (
	"math"
	"slices"
)

// Dist describes a set of measured values: count, mean, extremes and exact
// nearest-rank percentiles. A Dist of no values is all zero with N = 0.
type Dist struct {
	N   int     `json:"n"`
	Avg float64 `json:"avg"`
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// NewDist computes the Dist of values. It sorts a copy; values is not
// changed. NaN values are ignored (nothing measured is NaN, but a decoder
// of outside input could produce one only through a bug, and it must not
// poison every figure).
func NewDist(values []float64) Dist { return newDistOwned(slices.Clone(values)) }

// newDistOwned is NewDist of v, which it may reorder and change.
func newDistOwned(v []float64) Dist {
	v = slices.DeleteFunc(v, math.IsNaN)
	if len(v) == 0 {
		return Dist{}
	}
	slices.Sort(v)
	// summed in sorted order: the mean is the same bits whatever order the
	// values came in (live, reloaded, merged from parts)
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return Dist{
		N: len(v), Avg: sum / float64(len(v)), Min: v[0], Max: v[len(v)-1],
		P50: Percentile(v, 50), P95: Percentile(v, 95), P99: Percentile(v, 99),
	}
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, an ascending slice: the smallest value such that at least p% of
// the values are less than or equal to it. It returns 0 for no values.
func Percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// values collects the measured figures of one quantity.
type values []float64

func (v *values) add(x float64) { *v = append(*v, x) }

func (v *values) addPtr(x *float64) {
	if x != nil {
		*v = append(*v, *x)
	}
}
