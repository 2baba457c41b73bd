package reports

import (
	"strconv"
	"time"
)

// fastSample decodes b, one stats line, into s without reflection: the
// report path reads hundreds of thousands of these (1,000 bots × 600 s),
// and encoding/json spends ~90 µs on each. It accepts only what it is sure
// encoding/json decodes to the same Sample: compact or spaced JSON of the
// known keys (exact case), ASCII strings without escapes, JSON numbers in
// range of their field, null for pointer fields, "kind":"stats". Anything
// else (an unknown or differently cased key, an escape, a duplicate
// "tracks", a value of the wrong type) returns false, and the caller
// decodes the line with encoding/json, which then decides (and words any
// error). FuzzFastSample checks the two agree.
//
// Repeated strings (user, room, remote, kinds) are shared through in, so a
// loaded run does not hold a copy per line.
func fastSample(b []byte, s *Sample, in interner) bool {
	p := fastParser{b: b, in: in}
	kind, tracks := false, false
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "kind":
			v, ok := p.str()
			kind = ok && string(v) == string(KindStats)
			return kind
		case "ts":
			return p.time(&s.Time)
		case "user":
			return p.intern(&s.User)
		case "room":
			return p.intern(&s.Room)
		case "shard":
			return p.intern(&s.Shard)
		case "interval_s":
			return p.float(&s.Interval)
		case "tx_kbps":
			return p.float(&s.TxKbps)
		case "rx_kbps":
			return p.float(&s.RxKbps)
		case "tx_packets":
			return p.uint(&s.TxPackets)
		case "rx_packets":
			return p.uint(&s.RxPackets)
		case "rx_lost":
			return p.int(&s.RxLost)
		case "rx_loss_pct":
			return p.float(&s.RxLossPct)
		case "rx_expected":
			return p.uint(&s.RxExpected)
		case "rx_repaired":
			return p.uint(&s.RxRepaired)
		case "tx_retransmitted_packets":
			return p.uint(&s.TxRetransmittedPackets)
		case "tx_retransmitted_kbps":
			return p.float(&s.TxRetransmittedKbps)
		case "rtt_ms":
			return p.floatPtr(&s.RTTMs)
		case "jitter_ms":
			return p.floatPtr(&s.JitterMs)
		case "fps":
			return p.float(&s.FPS)
		case "undecodable":
			return p.uint(&s.Undecodable)
		case "mos":
			return p.floatPtr(&s.MOS)
		case "video_score":
			return p.floatPtr(&s.VideoScore)
		case "freezes":
			return p.intN(&s.Freezes)
		case "freeze_ms":
			return p.float(&s.FreezeMs)
		case "e2e_ms":
			return p.floatPtr(&s.E2EMs)
		case "nacks":
			return p.uint(&s.NACKs)
		case "plis":
			return p.uint(&s.PLIs)
		case "firs":
			return p.uint(&s.FIRs)
		case "tracks":
			if tracks {
				return false // encoding/json would decode into the first array's elements
			}
			tracks = true
			return p.tracks(&s.Tracks)
		}
		return false
	})
	return ok && kind && p.end()
}

// track decodes one element of "tracks".
func (p *fastParser) track(t *TrackSample) bool {
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "dir":
			var v string
			ok := p.intern(&v)
			t.Dir = Direction(v)
			return ok
		case "kind":
			return p.intern(&t.Kind)
		case "remote":
			return p.intern(&t.Remote)
		case "ssrc":
			return p.uint32(&t.SSRC)
		case "kbps":
			return p.float(&t.Kbps)
		case "packets":
			return p.uint(&t.Packets)
		case "lost":
			return p.int(&t.Lost)
		case "loss_pct":
			return p.floatPtr(&t.LossPct)
		case "loss_after_repair_pct":
			return p.floatPtr(&t.LossAfterRepairPct)
		case "expected":
			return p.uint(&t.Expected)
		case "loss_burst":
			return p.floatPtr(&t.LossBurst)
		case "repaired":
			return p.uint(&t.Repaired)
		case "retransmitted_packets":
			return p.uint(&t.RetransmittedPackets)
		case "retransmitted_kbps":
			return p.float(&t.RetransmittedKbps)
		case "nacked":
			return p.uint(&t.Nacked)
		case "jitter_ms":
			return p.floatPtr(&t.JitterMs)
		case "rtt_ms":
			return p.floatPtr(&t.RTTMs)
		case "frames":
			return p.uint(&t.Frames)
		case "undecodable":
			return p.uint(&t.Undecodable)
		case "mos":
			return p.floatPtr(&t.MOS)
		case "video_score":
			return p.floatPtr(&t.VideoScore)
		case "fps":
			return p.float(&t.FPS)
		case "freezes":
			return p.intN(&t.Freezes)
		case "freeze_ms":
			return p.float(&t.FreezeMs)
		case "e2e_ms":
			return p.floatPtr(&t.E2EMs)
		case "audio_level":
			return p.floatPtr(&t.AudioLevel)
		case "nacks":
			return p.uint(&t.NACKs)
		case "plis":
			return p.uint(&t.PLIs)
		case "firs":
			return p.uint(&t.FIRs)
		case "source":
			return p.intern(&t.Source)
		case "rid":
			return p.intern(&t.RID)
		case "width":
			return p.intN(&t.Width)
		case "height":
			return p.intN(&t.Height)
		}
		return false
	})
}

func (p *fastParser) tracks(ts *[]TrackSample) bool {
	p.ws()
	if p.lit("null") {
		*ts = nil
		return true
	}
	if !p.byte('[') {
		return false
	}
	out := make([]TrackSample, 0, 12)
	p.ws()
	if p.byte(']') {
		*ts = out
		return true
	}
	for {
		out = append(out, TrackSample{})
		if !p.track(&out[len(out)-1]) {
			return false
		}
		p.ws()
		switch {
		case p.byte(','):
		case p.byte(']'):
			*ts = out
			return true
		default:
			return false
		}
	}
}

// interner shares repeated strings; nil shares nothing.
type interner map[string]string

// fastParser is a cursor over one line.
type fastParser struct {
	b    []byte
	i    int
	in   interner
	slab []float64 // backing of the line's *float64 figures: one allocation, not one each
}

func (p *fastParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fastParser) byte(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *fastParser) lit(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// end: only whitespace is left.
func (p *fastParser) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// object reads {"key": value, …}, calling field with the cursor before
// each value; field reads the value and reports success.
func (p *fastParser) object(field func(key []byte) bool) bool {
	p.ws()
	if !p.byte('{') {
		return false
	}
	p.ws()
	if p.byte('}') {
		return true
	}
	for {
		p.ws()
		k, ok := p.str()
		if !ok {
			return false
		}
		p.ws()
		if !p.byte(':') {
			return false
		}
		p.ws()
		if !field(k) {
			return false
		}
		p.ws()
		switch {
		case p.byte(','):
		case p.byte('}'):
			return true
		default:
			return false
		}
	}
}

// str reads a string of printable ASCII without escapes: its bytes are its
// value exactly as encoding/json would decode it.
func (p *fastParser) str() ([]byte, bool) {
	if !p.byte('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return p.b[start : p.i-1], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

func (p *fastParser) intern(dst *string) bool {
	v, ok := p.str()
	if !ok {
		return false
	}
	if p.in == nil {
		*dst = string(v)
		return true
	}
	s, found := p.in[string(v)] // no allocation for the lookup
	if !found {
		s = string(v)
		if len(p.in) < 1<<16 { // bounded: a stream of distinct names must not grow it without end
			p.in[s] = s
		}
	}
	*dst = s
	return true
}

func (p *fastParser) time(t *time.Time) bool {
	start := p.i
	if _, ok := p.str(); !ok {
		return false
	}
	return t.UnmarshalJSON(p.b[start:p.i]) == nil
}

// number reads a JSON number token (RFC 8259 grammar, which strconv alone
// does not enforce: it would take "+1", "01", ".5", "1_0", "inf").
func (p *fastParser) number() ([]byte, bool) {
	start, b := p.i, p.b
	digits := func() bool {
		n := p.i
		for p.i < len(b) && b[p.i] >= '0' && b[p.i] <= '9' {
			p.i++
		}
		return p.i > n
	}
	p.byte('-')
	switch {
	case p.byte('0'):
	case p.i < len(b) && b[p.i] >= '1' && b[p.i] <= '9':
		digits()
	default:
		return nil, false
	}
	if p.byte('.') && !digits() {
		return nil, false
	}
	if p.byte('e') || p.byte('E') {
		if !p.byte('+') {
			p.byte('-')
		}
		if !digits() {
			return nil, false
		}
	}
	return b[start:p.i], true
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// shortFloat reads a JSON number of at most 15 significant digits and 22
// decimals, without an exponent (what the stream's rounded figures are),
// in the one pass that checks its grammar. Its mantissa and power of ten
// are exact in a float64, so one division is correctly rounded: the bits
// strconv.ParseFloat returns. Anything else leaves p unmoved and returns
// false, for number and strconv.
func (p *fastParser) shortFloat() (float64, bool) {
	b, i := p.b, p.i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	j, mant, ok := intPart(b, i)
	if !ok {
		return 0, false
	}
	sig, frac := 0, 0
	if b[i] != '0' { // by digit, not by mant, which wraps past 19 digits
		sig = j - i
	}
	i = j
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			mant = mant*10 + uint64(b[i]-'0')
			if sig > 0 || b[i] != '0' {
				sig++
			}
		}
		frac = i - start
		if frac == 0 {
			return 0, false
		}
	}
	if sig > 15 || frac >= len(pow10) || i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		return 0, false
	}
	v := float64(mant) / pow10[frac]
	if neg {
		v = -v
	}
	p.i = i
	return v, true
}

// intPart reads the integer part of a JSON number at b[i:] ("0" or a
// digit 1-9 and more digits) and returns where it ends and its value
// (meaningful up to 19 digits).
func intPart(b []byte, i int) (end int, v uint64, ok bool) {
	switch {
	case i < len(b) && b[i] == '0':
		return i + 1, 0, true
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			v = v*10 + uint64(b[i]-'0')
		}
		return i, v, true
	}
	return i, 0, false
}

// shortUint reads a JSON integer of at most 18 digits (no sign, fraction
// or exponent) in one pass; anything else leaves p unmoved and returns
// false, for number and strconv.
func (p *fastParser) shortUint() (uint64, bool) {
	b := p.b
	i, v, ok := intPart(b, p.i)
	if !ok || i-p.i > 18 || i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, false
	}
	p.i = i
	return v, true
}

func (p *fastParser) float(dst *float64) bool {
	if v, ok := p.shortFloat(); ok {
		*dst = v
		return true
	}
	n, ok := p.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(string(n), 64)
	*dst = v
	return err == nil
}

func (p *fastParser) floatPtr(dst **float64) bool {
	if p.lit("null") {
		*dst = nil
		return true
	}
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]float64, 0, 64)
	}
	p.slab = p.slab[:len(p.slab)+1]
	v := &p.slab[len(p.slab)-1]
	if !p.float(v) {
		return false
	}
	*dst = v
	return true
}

func (p *fastParser) uint(dst *uint64) bool {
	if v, ok := p.shortUint(); ok {
		*dst = v
		return true
	}
	n, ok := p.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseUint(string(n), 10, 64)
	*dst = v
	return err == nil
}

func (p *fastParser) uint32(dst *uint32) bool {
	n, ok := p.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseUint(string(n), 10, 32)
	*dst = uint32(v)
	return err == nil
}

func (p *fastParser) int(dst *int64) bool {
	n, ok := p.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	*dst = v
	return err == nil
}

func (p *fastParser) intN(dst *int) bool {
	n, ok := p.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseInt(string(n), 10, strconv.IntSize)
	*dst = int(v)
	return err == nil
}
