package keyframe

import (
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
)

// Type says which RTCP message asked for a keyframe.
type Type uint8

// Request types.
const (
	PLI Type = iota + 1 // Picture Loss Indication
	FIR                 // Full Intra Request
)

// String returns "PLI" or "FIR".
func (t Type) String() string {
	if t == FIR {
		return "FIR"
	}
	return "PLI"
}

// Request is one keyframe request for a local stream.
type Request struct {
	SSRC uint32 // the media SSRC asked for a keyframe
	Type Type
}

// Handler receives keyframe requests. It runs on pion's RTCP read path: it
// must not block (calling a player's RequestKeyframe is fine).
type Handler func(Request)

// Factory creates the keyframe-request interceptor for each PeerConnection
// built with the registry it is added to.
type Factory struct{ handler Handler }

var _ interceptor.Factory = (*Factory)(nil)

// NewFactory returns a factory whose interceptors call h for every PLI or FIR
// naming an SSRC the PeerConnection sends. h must not be nil.
func NewFactory(h Handler) *Factory { return &Factory{handler: h} }

// NewInterceptor implements interceptor.Factory.
func (f *Factory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &Interceptor{handler: f.handler, local: map[uint32]struct{}{}}, nil
}

// Interceptor reports keyframe requests for its PeerConnection's local
// streams; create it with a Factory.
type Interceptor struct {
	interceptor.NoOp
	handler Handler

	mu    sync.RWMutex
	local map[uint32]struct{} // SSRCs of bound local streams
}

var _ interceptor.Interceptor = (*Interceptor)(nil)

// BindLocalStream implements interceptor.Interceptor: it remembers the SSRC
// (and the RTX/FEC SSRCs do not matter: requests name the media SSRC).
func (i *Interceptor) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	i.mu.Lock()
	i.local[info.SSRC] = struct{}{}
	i.mu.Unlock()
	return w
}

// UnbindLocalStream implements interceptor.Interceptor.
func (i *Interceptor) UnbindLocalStream(info *interceptor.StreamInfo) {
	i.mu.Lock()
	delete(i.local, info.SSRC)
	i.mu.Unlock()
}

// BindRTCPReader implements interceptor.Interceptor: it inspects every
// compound RTCP packet read and passes it on unchanged.
func (i *Interceptor) BindRTCPReader(r interceptor.RTCPReader) interceptor.RTCPReader {
	return interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := r.Read(b, a)
		if err != nil {
			return n, a, err
		}
		if a == nil {
			a = interceptor.Attributes{}
		}
		pkts, perr := a.GetRTCPPackets(b[:n])
		if perr != nil {
			return n, a, nil // malformed RTCP is for the next reader to report
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication:
				i.report(p.MediaSSRC, PLI)
			case *rtcp.FullIntraRequest:
				for _, e := range p.FIR {
					i.report(e.SSRC, FIR)
				}
			}
		}
		return n, a, nil
	})
}

func (i *Interceptor) report(ssrc uint32, t Type) {
	i.mu.RLock()
	_, ok := i.local[ssrc]
	i.mu.RUnlock()
	if ok {
		i.handler(Request{SSRC: ssrc, Type: t})
	}
}
