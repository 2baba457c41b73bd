package keyframe

import (
	"testing"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
)

func TestReportsLocalPLIAndFIR(t *testing.T) {
	t.Parallel()
	var got []Request
	it, err := NewFactory(func(r Request) { got = append(got, r) }).NewInterceptor("")
	if err != nil {
		t.Fatal(err)
	}
	it.BindLocalStream(&interceptor.StreamInfo{SSRC: 5}, nil)
	it.BindLocalStream(&interceptor.StreamInfo{SSRC: 7}, nil)
	it.UnbindLocalStream(&interceptor.StreamInfo{SSRC: 7})
	compound, err := rtcp.Marshal([]rtcp.Packet{
		&rtcp.ReceiverReport{SSRC: 1},
		&rtcp.PictureLossIndication{SenderSSRC: 1, MediaSSRC: 5},
		&rtcp.PictureLossIndication{SenderSSRC: 1, MediaSSRC: 6}, // not ours
		&rtcp.PictureLossIndication{SenderSSRC: 1, MediaSSRC: 7}, // unbound
		&rtcp.FullIntraRequest{SenderSSRC: 1, FIR: []rtcp.FIREntry{{SSRC: 9}, {SSRC: 5, SequenceNumber: 1}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reads := [][]byte{compound, {0x80, 0xff}} // the second is malformed: passed on, not reported
	r := it.BindRTCPReader(interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n := copy(b, reads[0])
		reads = reads[1:]
		return n, a, nil
	}))
	buf := make([]byte, 1500)
	for _, want := range []int{len(compound), 2} {
		n, _, err := r.Read(buf, nil)
		if err != nil || n != want {
			t.Fatalf("read %d bytes, %v; want %d passed through", n, err, want)
		}
	}
	if len(got) != 2 || got[0] != (Request{SSRC: 5, Type: PLI}) || got[1] != (Request{SSRC: 5, Type: FIR}) {
		t.Fatalf("requests %+v, want PLI and FIR for SSRC 5", got)
	}
	if PLI.String() != "PLI" || FIR.String() != "FIR" {
		t.Error("Type.String")
	}
}
