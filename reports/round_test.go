package reports

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// TestRoundedStream: a stats line carries 3 decimals (the interval 6), the
// caller's Sample is not changed, rounding twice changes nothing, and the
// line reads back to the rounded Sample.
func TestRoundedStream(t *testing.T) {
	rtt, lvl := 1.4574022848652217, 13.497649045945586
	s := Sample{Time: time.Date(2026, 12, 2, 19, 0, 0, 0, time.UTC), User: "u", Interval: 1.000443532094095, TxKbps: 551.1697286628945, RxLossPct: -0.00001, RTTMs: &rtt,
		Tracks: []TrackSample{{Dir: Rx, Kind: "audio", Kbps: 33.15252681211856, AudioLevel: &lvl}}}
	r := s.Rounded()
	if r.Interval != 1.000444 || r.TxKbps != 551.17 || *r.RTTMs != 1.457 || r.Tracks[0].Kbps != 33.153 || *r.Tracks[0].AudioLevel != 13.498 {
		t.Fatalf("rounded: %+v, track %+v", r, r.Tracks[0])
	}
	if math.Signbit(r.RxLossPct) {
		t.Error("-0 written")
	}
	if rtt != 1.4574022848652217 || s.Tracks[0].Kbps != 33.15252681211856 {
		t.Error("Rounded changed its receiver's figures")
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"interval_s":1.000444,`, `"tx_kbps":551.17,`, `"rtt_ms":1.457,`, `"kbps":33.153,`, `"audio_level":13.498`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("line %s lacks %s", b, want)
		}
	}
	l, err := DecodeLine(b)
	if err != nil {
		t.Fatal(err)
	}
	rr := r.Rounded()
	if l.Sample.TxKbps != rr.TxKbps || *l.Sample.RTTMs != *rr.RTTMs || l.Sample.Tracks[0].Kbps != rr.Tracks[0].Kbps || l.Sample.Interval != rr.Interval {
		t.Errorf("read back %+v, want %+v", *l.Sample, rr)
	}
}
