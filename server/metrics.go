package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/roombot/roombot/server/sfu"
)

// metrics lives on a private registry so that several servers can run in
// one process.
type metrics struct {
	reg    *prometheus.Registry
	errors *prometheus.CounterVec
	enters prometheus.Counter
	im     *prometheus.CounterVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "roombot_errors_total",
			Help: "Failures sent to clients, by reference code."}, []string{"code"}),
		enters: prometheus.NewCounter(prometheus.CounterOpts{Name: "roombot_enters_total", Help: "Successful room enters."}),
		im: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "roombot_im_messages_total",
			Help: "IM messages delivered, by kind (group, c2c)."}, []string{"kind"}),
	}
	st := func() *sfu.Stats { return s.sfu.Stats() }
	m.reg.MustRegister(m.errors, m.enters, m.im,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "roombot_rooms", Help: "Rooms open."}, func() float64 {
			s.mu.Lock()
			defer s.mu.Unlock()
			return float64(len(s.rooms))
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "roombot_members", Help: "Participants in rooms."},
			func() float64 { return float64(s.memberCount.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roombot_forwarded_packets_total", Help: "RTP packets written to subscribers."},
			func() float64 { return float64(st().PacketsOut.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roombot_forwarded_bytes_total", Help: "RTP bytes written to subscribers."},
			func() float64 { return float64(st().BytesOut.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roombot_received_packets_total", Help: "RTP packets read from publishers."},
			func() float64 { return float64(st().PacketsIn.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roombot_held_packets_total", Help: "RTP packets not forwarded (muted, blocked, paused)."},
			func() float64 { return float64(st().PacketsHeld.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roombot_keyframe_requests_total", Help: "PLIs sent to publishers."},
			func() float64 { return float64(st().KeyframeRequests.Load()) }),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
