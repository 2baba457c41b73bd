package pcpair

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/media"
)

// Pair is a connected sender/receiver PeerConnection pair.
type Pair struct {
	Sender, Receiver *webrtc.PeerConnection
	// Tracks arrive on this channel as the receiver gets them.
	Tracks chan Remote
	once   sync.Once
	wg     sync.WaitGroup // RTCP readers of the sender
}

// Remote is a track the receiver got, with its receiver.
type Remote struct {
	Track    *webrtc.TrackRemote
	Receiver *webrtc.RTPReceiver
}

// api builds a pion API on loopback only with roombot's extensions and the
// default interceptors plus extra ones (registered first).
func api(extra ...interceptor.Factory) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	for _, uri := range []string{media.AbsCaptureTimeURI, media.AudioLevelURI} {
		for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
			if uri == media.AudioLevelURI && k == webrtc.RTPCodecTypeVideo {
				continue
			}
			if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: uri}, k); err != nil {
				return nil, err
			}
		}
	}
	ir := &interceptor.Registry{}
	for _, f := range extra {
		ir.Add(f)
	}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, err
	}
	var se webrtc.SettingEngine
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}

// New creates a sender with the given tracks and a receiver, negotiates, and
// waits (up to ctx) for the connection. senderInterceptors are added to the
// sender's registry first. RTCP is read on every sender so that interceptors
// see it.
func New(ctx context.Context, tracks []webrtc.TrackLocal, senderInterceptors ...interceptor.Factory) (*Pair, error) {
	sapi, err := api(senderInterceptors...)
	if err != nil {
		return nil, err
	}
	rapi, err := api()
	if err != nil {
		return nil, err
	}
	p := &Pair{Tracks: make(chan Remote, len(tracks))}
	if p.Sender, err = sapi.NewPeerConnection(webrtc.Configuration{}); err != nil {
		return nil, err
	}
	if p.Receiver, err = rapi.NewPeerConnection(webrtc.Configuration{}); err != nil {
		_ = p.Sender.Close()
		return nil, err
	}
	p.Receiver.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) { p.Tracks <- Remote{t, r} })
	for _, t := range tracks {
		s, err := p.Sender.AddTrack(t)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			buf := make([]byte, 1500)
			for {
				if _, _, err := s.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	// Media flows only once both ends have finished DTLS: wait for both.
	connected := make(chan struct{}, 2)
	for _, pc := range []*webrtc.PeerConnection{p.Sender, p.Receiver} {
		var once sync.Once
		pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
			if s == webrtc.PeerConnectionStateConnected {
				once.Do(func() { connected <- struct{}{} })
			}
		})
	}
	if err := signal(ctx, p.Sender, p.Receiver); err != nil {
		p.Close()
		return nil, err
	}
	for range 2 {
		select {
		case <-connected:
		case <-ctx.Done():
			p.Close()
			return nil, fmt.Errorf("pcpair: connect: %w", ctx.Err())
		}
	}
	return p, nil
}

func signal(ctx context.Context, a, b *webrtc.PeerConnection) error {
	offer, err := a.CreateOffer(nil)
	if err != nil {
		return err
	}
	gather := webrtc.GatheringCompletePromise(a)
	if err := a.SetLocalDescription(offer); err != nil {
		return err
	}
	select {
	case <-gather:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := b.SetRemoteDescription(*a.LocalDescription()); err != nil {
		return err
	}
	answer, err := b.CreateAnswer(nil)
	if err != nil {
		return err
	}
	gather = webrtc.GatheringCompletePromise(b)
	if err := b.SetLocalDescription(answer); err != nil {
		return err
	}
	select {
	case <-gather:
	case <-ctx.Done():
		return ctx.Err()
	}
	return a.SetRemoteDescription(*b.LocalDescription())
}

// SenderExtensions returns the extension IDs negotiated for the sender's
// i-th transceiver.
func (p *Pair) SenderExtensions(i int) media.Extensions {
	hx := p.Sender.GetTransceivers()[i].Sender().GetParameters().HeaderExtensions
	return media.ExtensionsFromParams(len(hx), func(i int) (string, int) { return hx[i].URI, hx[i].ID })
}

// ReceiverExtensions returns the extension IDs negotiated for a receiver.
func ReceiverExtensions(r *webrtc.RTPReceiver) media.Extensions {
	hx := r.GetParameters().HeaderExtensions
	return media.ExtensionsFromParams(len(hx), func(i int) (string, int) { return hx[i].URI, hx[i].ID })
}

// Close closes both connections. It is idempotent.
func (p *Pair) Close() {
	p.once.Do(func() {
		_ = errors.Join(p.Sender.Close(), p.Receiver.Close())
		p.wg.Wait()
	})
}

// Timeout is the tests' bound for anything that should happen promptly.
const Timeout = 10 * time.Second
