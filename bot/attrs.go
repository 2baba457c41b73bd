package bot

import (
	"github.com/pion/interceptor"
)

// attrsFactory makes an interceptor that gives every received RTP packet a
// reused Attributes map. pion's track reader passes nil attributes, so each
// interceptor that looks at the RTP header (stats, NACK generator, receiver
// reports) parses it again into a fresh allocation; with a map the header
// is parsed once per packet and shared. Registered last, it is the
// outermost reader: it runs before the others see the packet.
type attrsFactory struct{}

func (attrsFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &attrsInterceptor{}, nil
}

type attrsInterceptor struct{ interceptor.NoOp }

// BindRemoteStream wraps one received stream's reader. The stream has one
// reader (the track's read loop), so one map per stream is safe to reuse.
func (*attrsInterceptor) BindRemoteStream(_ *interceptor.StreamInfo, r interceptor.RTPReader) interceptor.RTPReader {
	m := interceptor.Attributes{}
	return interceptor.RTPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		if a == nil {
			clear(m)
			a = m
		}
		return r.Read(b, a)
	})
}

var (
	_ interceptor.Factory     = attrsFactory{}
	_ interceptor.Interceptor = (*attrsInterceptor)(nil)
)
