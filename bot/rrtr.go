package bot

import (
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"

	"github.com/roombot/roombot/media"
)

// rrtrFactory makes the interceptor that lets a receiving bot measure the
// round-trip time from RTCP (RFC 3611 §4.4–4.5): once per interval it sends,
// for every received stream, an XR receiver reference time report naming
// that stream's SSRC; the server answers with a DLRR block, and the stats
// interceptor turns the pair into the remote-outbound round-trip time. A bot
// that only receives (an audience member) has no sender reports to learn
// its RTT from otherwise.
//
// It must be registered after the stats interceptor, so that the reports it
// writes pass through the stats interceptor's RTCP writer and are recorded.
type rrtrFactory struct {
	every time.Duration
	// now and tick are for tests (nil: time.Now and a ticker of every).
	now  func() time.Time
	tick <-chan time.Time
}

func (f rrtrFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	every := f.every
	if every <= 0 { // stats off: still measure, at the default rate
		every = DefaultStatsInterval
	}
	now := f.now
	if now == nil {
		now = time.Now
	}
	return &rrtr{every: every, now: now, tick: f.tick, ssrcs: map[uint32]struct{}{}, done: make(chan struct{})}, nil
}

// rrtr is one PeerConnection's reference-time reporter.
type rrtr struct {
	interceptor.NoOp
	every time.Duration
	now   func() time.Time
	tick  <-chan time.Time // nil: a ticker of every

	mu      sync.Mutex // guards ssrcs and started
	ssrcs   map[uint32]struct{}
	started bool

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// BindRTCPWriter starts the reporting loop on the connection's writer.
func (r *rrtr) BindRTCPWriter(w interceptor.RTCPWriter) interceptor.RTCPWriter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started {
		r.started = true
		r.wg.Add(1)
		go r.loop(w)
	}
	return w
}

// BindRemoteStream adds a received stream to the reports.
func (r *rrtr) BindRemoteStream(info *interceptor.StreamInfo, rd interceptor.RTPReader) interceptor.RTPReader {
	r.mu.Lock()
	r.ssrcs[info.SSRC] = struct{}{}
	r.mu.Unlock()
	return rd
}

// UnbindRemoteStream removes a stream that ended.
func (r *rrtr) UnbindRemoteStream(info *interceptor.StreamInfo) {
	r.mu.Lock()
	delete(r.ssrcs, info.SSRC)
	r.mu.Unlock()
}

// Close stops the loop and waits for it.
func (r *rrtr) Close() error {
	r.closeOnce.Do(func() { close(r.done) })
	r.wg.Wait()
	return nil
}

func (r *rrtr) loop(w interceptor.RTCPWriter) {
	defer r.wg.Done()
	tick := r.tick
	if tick == nil {
		t := time.NewTicker(r.every)
		defer t.Stop()
		tick = t.C
	}
	var pkts []rtcp.Packet
	for {
		select {
		case <-r.done:
			return
		case <-tick:
			pkts = pkts[:0]
			r.mu.Lock()
			// Stamped when written, not with the tick's time: on a busy
			// machine the loop runs late, and the server's DLRR counts
			// from the stamp, so a stale one adds the delay to the RTT.
			ntp := media.NTPTime(r.now())
			for ssrc := range r.ssrcs {
				pkts = append(pkts, &rtcp.ExtendedReport{SenderSSRC: ssrc,
					Reports: []rtcp.ReportBlock{&rtcp.ReceiverReferenceTimeReportBlock{NTPTimestamp: ntp}}})
			}
			r.mu.Unlock()
			if len(pkts) > 0 {
				// A failed write (the connection is closing) is not worth
				// reporting: the next tick tries again or Close ends us.
				_, _ = w.Write(pkts, nil)
			}
		}
	}
}

var _ interceptor.Factory = rrtrFactory{}
