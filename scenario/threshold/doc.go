// Package threshold parses and checks roombot's assertion expressions, in
// the syntax users of k6 thresholds already read:
//
//	p(95) < 300ms      avg > 400kbps      rate >= 0.99      count == 0
//	max <= 5%          med < 1s           p(99.9) <= 2s     >= 1   (events)
//
// Grammar (whitespace between tokens is free):
//
//	threshold  = aggregate op value
//	count-expr = [ "count" ] op value          (event assertions)
//	aggregate  = "avg" | "min" | "max" | "med" | "sum" | "count" | "rate"
//	           | "p(" number ")"               (0 < number ≤ 100)
//	op         = "<" | "<=" | ">" | ">=" | "==" | "!="
//	value      = number [ unit ]
//	number     = [ "-" ] digit { digit } [ "." digit { digit } ]
//	unit       = "us" | "ms" | "s" | "m"       (time)
//	           | "bps" | "kbps" | "mbps"       (bitrate)
//	           | "%"                           (percent or ratio)
//
// A value's unit must fit the metric it is compared with: ValueIn converts
// it to the metric's base unit (ms, kbps, percent, ratio or none) and
// refuses a unit of another family, so "p(95) < 300kbps" on a join time is
// an error, not a silent pass.
package threshold
