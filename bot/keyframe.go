package bot

import (
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
)

// keyframeWatcher is an interceptor that calls back with the media SSRC of
// every PLI and FIR arriving for the bot's senders.
type keyframeWatcher struct {
	interceptor.NoOp
	cb func(ssrc uint32)
}

type keyframeFactory struct{ cb func(uint32) }

func newKeyframeWatcher(cb func(uint32)) interceptor.Factory { return keyframeFactory{cb: cb} }

func (f keyframeFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &keyframeWatcher{cb: f.cb}, nil
}

func (k *keyframeWatcher) BindRTCPReader(r interceptor.RTCPReader) interceptor.RTCPReader {
	return interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := r.Read(b, a)
		if err != nil {
			return n, a, err
		}
		if a == nil {
			a = interceptor.Attributes{}
		}
		pkts, err := a.GetRTCPPackets(b[:n])
		if err != nil {
			return n, a, nil // not ours to judge; the next reader sees the error
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication:
				k.cb(p.MediaSSRC)
			case *rtcp.FullIntraRequest:
				for _, e := range p.FIR {
					k.cb(e.SSRC)
				}
			}
		}
		return n, a, nil
	})
}
