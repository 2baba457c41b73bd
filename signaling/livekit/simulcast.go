package livekit

import (
	"fmt"
	"sync"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/signaling"
)

// Simulcast as LiveKit's clients do it: one camera track, one transceiver,
// three encodings (RIDs q, h, f) declared in the AddTrackRequest as the
// LOW, MEDIUM and HIGH layers; every packet carries the MID and RID
// header extensions, by which the server's pion tells the layers apart
// (a simulcast offer's SSRCs are not used). The server's
// SubscribedQualityUpdate (dynacast) pauses the layers nobody receives.

// qualities are the LiveKit qualities of the layers, lowest first.
var qualities = []livekit.VideoQuality{livekit.VideoQuality_LOW, livekit.VideoQuality_MEDIUM, livekit.VideoQuality_HIGH}

// videoLayers is the AddTrackRequest's description of the layers.
func videoLayers(ls []signaling.Layer) []*livekit.VideoLayer {
	out := make([]*livekit.VideoLayer, 0, len(ls))
	for i, l := range ls {
		out = append(out, &livekit.VideoLayer{Quality: qualities[min(i, len(qualities)-1)], Width: uint32(l.Width),
			Height: uint32(l.Height), Bitrate: uint32(l.Kbps * 1000), Rid: l.RID})
	}
	return out
}

// addLayers attaches the simulcast layers to one sendonly transceiver.
func (s *session) addLayers() error {
	ls := s.p.VideoLayers
	tracks := make([]*layerTrack, len(ls))
	for i, l := range ls {
		tracks[i] = &layerTrack{TrackLocal: l.Track}
	}
	tr, err := s.pub.pc.AddTransceiverFromTrack(tracks[0], webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return fmt.Errorf("livekit: attach simulcast layer %s: %w", ls[0].RID, err)
	}
	if err := onlyCodecOf(tr, ls[0].Track); err != nil {
		return err
	}
	sender := tr.Sender()
	for i, t := range tracks[1:] {
		if err := sender.AddEncoding(t); err != nil {
			return fmt.Errorf("livekit: attach simulcast layer %s: %w", ls[i+1].RID, err)
		}
	}
	for _, t := range tracks {
		t.tr = tr
		rid := t.RID()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			signaling.DrainRTCPLayer(sender, rid)
		}()
	}
	return nil
}

// qualityUpdate turns a SubscribedQualityUpdate for our camera track
// into a LayerDemand.
func (s *session) qualityUpdate(u *livekit.SubscribedQualityUpdate) {
	s.mu.Lock()
	video := s.local[webrtc.RTPCodecTypeVideo]
	s.mu.Unlock()
	if len(s.p.VideoLayers) == 0 || u.GetTrackSid() != video {
		return
	}
	qs := u.GetSubscribedQualities()
	if cs := u.GetSubscribedCodecs(); len(cs) > 0 {
		qs = cs[0].GetQualities()
	}
	d := signaling.LayerDemand{Enabled: map[string]bool{}}
	for _, q := range qs {
		for i, l := range s.p.VideoLayers {
			if i < len(qualities) && qualities[i] == q.GetQuality() {
				d.Enabled[l.RID] = q.GetEnabled()
			}
		}
	}
	s.d.log.Debug("livekit: subscribed qualities", "user", s.p.UserID, "enabled", d.Enabled)
	if len(d.Enabled) > 0 {
		s.q.Push(d)
	}
}

// viewSettings are the track settings of a wanted remote video: the view
// size when there is one (the server picks the layer that fits), else the
// best quality. Without either LiveKit's settings mean LOW.
func (s *session) viewSettings(sids []string) *livekit.UpdateTrackSettings {
	st := &livekit.UpdateTrackSettings{TrackSids: sids, Quality: livekit.VideoQuality_HIGH}
	if h := s.view; h > 0 {
		st.Width, st.Height = uint32(h*16/9), uint32(h)
	}
	return st
}

// layerTrack is one simulcast layer as the transceiver sees it: the bot's
// track, bound to a writer that adds the MID and RID header extensions.
type layerTrack struct {
	webrtc.TrackLocal
	tr *webrtc.RTPTransceiver // set before negotiation
}

// Bind binds the bot's track through a ridWriter.
func (t *layerTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	w := &ridWriter{next: ctx.WriteStream(), rid: []byte(t.RID()), tr: t.tr}
	for _, e := range ctx.HeaderExtensions() {
		switch e.URI {
		case sdp.SDESMidURI:
			w.midID = uint8(e.ID)
		case sdp.SDESRTPStreamIDURI:
			w.ridID = uint8(e.ID)
		}
	}
	return t.TrackLocal.Bind(ridContext{ctx, w})
}

type ridContext struct {
	webrtc.TrackLocalContext
	w webrtc.TrackLocalWriter
}

func (c ridContext) WriteStream() webrtc.TrackLocalWriter { return c.w }

// ridWriter writes every packet of a layer with its MID and RID header
// extensions (as browsers do while the layer is new to the server). It
// copies the header (the caller's stays untouched) into a reused buffer.
type ridWriter struct {
	next         webrtc.TrackLocalWriter
	tr           *webrtc.RTPTransceiver
	midID, ridID uint8
	rid          []byte

	mu  sync.Mutex
	mid []byte
	h   rtp.Header
	ext []rtp.Extension
}

func (w *ridWriter) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mid == nil && w.tr != nil {
		if m := w.tr.Mid(); m != "" {
			w.mid = []byte(m)
		}
	}
	w.h = *h
	w.h.Extensions = append(w.ext[:0], h.Extensions...)
	if w.midID != 0 && w.mid != nil {
		_ = w.h.SetExtension(w.midID, w.mid)
	}
	if w.ridID != 0 {
		_ = w.h.SetExtension(w.ridID, w.rid)
	}
	w.ext = w.h.Extensions
	return w.next.WriteRTP(&w.h, payload)
}

func (w *ridWriter) Write(b []byte) (int, error) {
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil {
		return 0, err
	}
	if _, err := w.WriteRTP(&p.Header, p.Payload); err != nil {
		return 0, err
	}
	return len(b), nil
}
