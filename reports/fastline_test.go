package reports

import (
	"bufio"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writerLines returns stats lines as the Dir writer encodes them: every
// field of Sample and TrackSample set (pointers too), one sample without
// tracks, one with all-zero figures.
func writerLines(t testing.TB) [][]byte {
	f := func(v float64) *float64 { return &v }
	full := Sample{Time: t0, User: "bot-7", Room: "1001", Interval: 0.998, TxKbps: 512.25, RxKbps: 1024.0625, TxPackets: 90, RxPackets: 180,
		RxLost: -2, RxLossPct: 1.5, RxExpected: 182, RxRepaired: 3, TxRetransmittedPackets: 4, TxRetransmittedKbps: 8.5, RTTMs: f(20.25),
		JitterMs: f(3.125), FPS: 29.97, Freezes: 1, FreezeMs: 250, E2EMs: f(41), NACKs: 5, PLIs: 6, FIRs: 7, Shard: "m1",
		Tracks: []TrackSample{{Dir: Rx, Kind: "video", Remote: "bot-8", SSRC: 4294967295, Kbps: 480.5, Packets: 44, Lost: 2, LossPct: f(4.3),
			LossAfterRepairPct: f(0.5), Expected: 46, Repaired: 2, RetransmittedPackets: 1, RetransmittedKbps: 1.5, Nacked: 3, JitterMs: f(2.5e-7),
			RTTMs: f(1e21), Frames: 15, FPS: 15.000000000000002, Freezes: 1, FreezeMs: 250, E2EMs: f(40), AudioLevel: f(0), NACKs: 3, PLIs: 1, FIRs: 1, Source: "front"}}}
	var every Sample
	fill(t, reflect.ValueOf(&every).Elem())
	var out [][]byte
	for _, s := range []Sample{every, full, {Time: t0, User: "u"}, {Time: t0, User: "u", Tracks: []TrackSample{}}} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// fill sets every field of v to a value that is not zero, so that every
// key the writer can write is in the line: a field added to Sample or
// TrackSample is covered without editing this test.
func fill(t testing.TB, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(t0))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i))
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(t, v.Index(0))
		fill(t, v.Index(1))
	case reflect.String:
		v.SetString("x-" + v.Type().Name())
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.25)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(-3)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	default:
		t.Fatalf("fill: a field of kind %s: teach fill and fastSample about it", v.Kind())
	}
}

// stdSample is what encoding/json makes of b (ok false: it refuses b or b
// is not a stats line).
func stdSample(b []byte) (Sample, bool) {
	var s sampleLine
	if json.Unmarshal(b, &s) != nil || s.Kind == nil || *s.Kind != KindStats {
		return Sample{}, false
	}
	return s.Sample, true
}

// TestFastSampleEveryField: every field the writer writes is decoded by
// the fast path (a field added to Sample or TrackSample without it would
// send every line to encoding/json and fail here) and equals encoding/json's.
func TestFastSampleEveryField(t *testing.T) {
	for _, b := range writerLines(t) {
		var got Sample
		if !fastSample(b, &got, interner{}) {
			t.Fatalf("fast path refused the writer's line %s", b)
		}
		want, _ := stdSample(b)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: fast path differs from encoding/json (-std +fast):\n%s", b, d)
		}
	}
}

// TestFastSampleRefuses: inputs the fast path must leave to encoding/json
// (which rejects some and reads others its own way).
func TestFastSampleRefuses(t *testing.T) {
	for _, line := range []string{
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","USER":"u"}`,                         // json matches keys case-insensitively
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"\u0075"}`,                    // escape
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","tx_packets":1.5}`,        // wrong type
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","tx_kbps":+1}`,            // not a JSON number
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","tx_kbps":01}`,            // leading zero
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","tx_kbps":1e999}`,         // out of range
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","tracks":[],"tracks":[]}`, // duplicate tracks
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","future":4.2}`,            // a field the fast path does not know
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u"} x`,                       // trailing data
		`{"kind":"room","ts":"2026-11-26T09:00:00Z","user":"u"}`,                          // not a stats line
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"ü"}`,                         // non-ASCII
		`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","fps":null}`,              // null for a non-pointer
	} {
		var s Sample
		if fastSample([]byte(line), &s, nil) {
			t.Errorf("fast path accepted %s", line)
		}
	}
}

// FuzzFastSample: whatever the fast path accepts, encoding/json (the
// reference) accepts as a stats line and decodes to the same Sample.
func FuzzFastSample(f *testing.F) {
	for _, b := range writerLines(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","rtt_ms":null,"tracks":null}`))
	f.Add([]byte(` { "kind" : "stats" , "ts" : "2026-11-26T09:00:00.5+01:00" , "user" : "u" , "tx_kbps" : -0.0e-0 } `))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got Sample
		if !fastSample(b, &got, interner{}) {
			return
		}
		want, ok := stdSample(b)
		if !ok {
			t.Fatalf("fast path accepted what encoding/json refuses: %q", b)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%q: fast path differs from encoding/json (-std +fast):\n%s", b, d)
		}
	})
}

// BenchmarkDecodeStatsLine is the reader's cost per stats line of a room of
// six (12 tracks): fast path and encoding/json.
func BenchmarkDecodeStatsLine(b *testing.B) {
	dir := b.TempDir()
	w, err := Create(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range writerLines(b)[:1] {
		var s Sample
		_ = json.Unmarshal(l, &s)
		for len(s.Tracks) < 12 {
			s.Tracks = append(s.Tracks, s.Tracks[0])
		}
		w.WriteSample(s)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	fh, err := os.Open(filepath.Join(dir, StatsFile))
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	line, _ := bufio.NewReader(fh).ReadBytes('\n')
	b.Run("fast", func(b *testing.B) {
		in := interner{}
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for b.Loop() {
			if l, err := decodeLineIn(line, true, in); err != nil || len(l.Sample.Tracks) != 12 {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := stdSample(line); !ok {
				b.Fatal("refused")
			}
		}
	})
}

// TestShortNumbersAsStrconv: the one-pass number readers return strconv's
// bits for every number they take, and leave the rest (exponents, 16+
// significant digits, leading zeros, signs on integers) to it.
func TestShortNumbersAsStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var cases []string
	for range 200_000 {
		x := (rng.Float64() - 0.3) * math.Pow10(rng.IntN(12)-3)
		for _, d := range []int{-1, 0, 1, 3, 6, 9, 14} {
			cases = append(cases, strconv.FormatFloat(x, 'f', d, 64))
		}
		cases = append(cases, strconv.FormatUint(rng.Uint64()>>rng.IntN(64), 10))
	}
	cases = append(cases, "0", "-0", "0.0", "-0.000", "00", "01.5", "1.", ".5", "-", "1e3", "1E-2", "2.5e+1",
		"123456789012345", "1234567890123456", "1"+strings.Repeat("0", 64), "1"+strings.Repeat("0", 64)+".5", "0.000000000000000000001", "0.0000000000000000000001", "18446744073709551615")
	taken := 0
	for _, c := range cases {
		p := fastParser{b: []byte(c + ",")}
		if v, ok := p.shortFloat(); ok {
			taken++
			want, err := strconv.ParseFloat(c[:p.i], 64)
			if err != nil || math.Float64bits(v) != math.Float64bits(want) {
				t.Fatalf("shortFloat(%q) = %v (read %q), strconv %v, %v", c, v, c[:p.i], want, err)
			}
			if c[:p.i] != c && !strings.HasPrefix(c, "0") {
				t.Fatalf("shortFloat(%q) stopped at %d", c, p.i)
			}
		} else if p.i != 0 {
			t.Fatalf("shortFloat(%q) refused but moved to %d", c, p.i)
		}
		p = fastParser{b: []byte(c + ",")}
		if v, ok := p.shortUint(); ok {
			want, err := strconv.ParseUint(c[:p.i], 10, 64)
			if err != nil || v != want {
				t.Fatalf("shortUint(%q) = %v, strconv %v, %v", c, v, want, err)
			}
		} else if p.i != 0 {
			t.Fatalf("shortUint(%q) refused but moved to %d", c, p.i)
		}
	}
	if taken < len(cases)/2 {
		t.Fatalf("shortFloat took %d of %d numbers: the fast path is not used", taken, len(cases))
	}
}
