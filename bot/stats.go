package bot

import (
	"time"

	"github.com/pion/interceptor/pkg/stats"
	"github.com/roombot/roombot/reports"
)

// rxCounters and txCounters are the cumulative interceptor counters of one
// track at the previous sample; a sample reports the difference.
type rxCounters struct {
	packets, bytes    uint64
	nacks, plis, firs uint32
	rtts              uint64 // remote-outbound RTT measurements (DLRR answers)
}

type txCounters struct {
	packets, bytes    uint64
	remoteLost        int64
	nacks, plis, firs uint32
	reports           uint64 // receiver reports seen (RTT measurements)
	wire              txWireCounts
}

// statsLoop takes one Sample per interval until Stop.
func (b *Bot) statsLoop() {
	defer b.wg.Done()
	t := time.NewTicker(b.statsEvery)
	defer t.Stop()
	last := b.now()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			now := b.now()
			// Out of the room (kicked, connection lost) nothing is
			// measured: a sample of zeros, or a "freeze" of media that
			// can no longer come, would not be true.
			b.mu.Lock()
			in := b.state == stateIn
			b.mu.Unlock()
			if in {
				b.sink.WriteSample(b.sample(now, now.Sub(last)))
			}
			last = now
		}
	}
}

// sample measures every track over the interval ending at now. Tx figures
// come from the stats interceptor (what this bot sent, and the receiver
// reports about it); rx figures from the interceptor (packets, sequence
// number loss, jitter, the NACK/PLI/FIR this bot sent) and from the track's
// analysis (frames, freezes, e2e latency, audio level, camera).
func (b *Bot) sample(now time.Time, iv time.Duration) reports.Sample {
	secs := iv.Seconds()
	if secs <= 0 {
		secs = b.statsEvery.Seconds()
	}
	b.mu.Lock()
	s := reports.Sample{Time: now, User: b.userID, Room: b.room, Interval: secs}
	local := append([]*localTrack(nil), b.local...)
	var remote []*remoteTrack
	for _, r := range b.remotes {
		remote = append(remote, r.tracks...)
	}
	b.mu.Unlock()

	var rtts, jitters, e2es []float64
	var expected uint64
	for _, lt := range local {
		b.mu.Lock()
		ssrc := lt.ssrc
		b.mu.Unlock()
		if ssrc == 0 {
			continue
		}
		st := b.getters.get(ssrc)
		if st == nil {
			continue
		}
		ts := txTrack(lt, ssrc, st, b.wire.counts(ssrc), secs)
		s.Tracks = append(s.Tracks, ts)
		s.TxKbps += ts.Kbps
		s.TxPackets += ts.Packets
		s.TxRetransmittedPackets += ts.RetransmittedPackets
		s.TxRetransmittedKbps += ts.RetransmittedKbps
		if ts.RTTMs != nil {
			rtts = append(rtts, *ts.RTTMs)
		}
	}
	for _, rt := range remote {
		ts := reports.TrackSample{Dir: reports.Rx, Kind: rt.kind, Remote: rt.user, SSRC: rt.ssrc}
		if st := b.getters.get(rt.ssrc); st != nil {
			expected += rxTrack(rt, st, secs, &ts)
		}
		snap := rt.an.Snapshot(now)
		ts.Frames, ts.Undecodable, ts.FPS, ts.Freezes, ts.FreezeMs = snap.Frames, snap.Undecodable, snap.FPS, snap.Freezes, snap.FreezeMs
		ts.E2EMs, ts.AudioLevel, ts.Source = snap.E2EMs, snap.AudioLevel, snap.Source
		ts.JitterMs = snap.JitterMs
		if rt.kind == "video" {
			ts.Width, ts.Height = snap.Width, snap.Height
		}
		scoreTrack(&ts, snap.Height, secs)
		s.Tracks = append(s.Tracks, ts)
		s.RxKbps += ts.Kbps
		s.RxPackets += ts.Packets
		s.RxLost += ts.Lost
		s.RxRepaired += ts.Repaired
		s.NACKs += ts.NACKs
		s.PLIs += ts.PLIs
		s.FIRs += ts.FIRs
		if rt.kind == "video" {
			s.FPS += ts.FPS
			s.Undecodable += ts.Undecodable
		}
		s.Freezes += ts.Freezes
		s.FreezeMs += ts.FreezeMs
		if ts.JitterMs != nil {
			jitters = append(jitters, *ts.JitterMs)
		}
		if ts.RTTMs != nil {
			rtts = append(rtts, *ts.RTTMs)
		}
		if ts.E2EMs != nil {
			e2es = append(e2es, *ts.E2EMs)
		}
	}
	s.RxExpected = expected
	if expected > 0 && s.RxLost > 0 {
		s.RxLossPct = 100 * float64(s.RxLost) / float64(expected)
	}
	s.RTTMs, s.JitterMs, s.E2EMs = mean(rtts), mean(jitters), mean(e2es)
	var mos, vs []float64
	for _, ts := range s.Tracks {
		if ts.MOS != nil {
			mos = append(mos, *ts.MOS)
		}
		if ts.VideoScore != nil {
			vs = append(vs, *ts.VideoScore)
		}
	}
	s.MOS, s.VideoScore = mean(mos), mean(vs)
	return s
}

// txTrack is one sent track's figures; it advances lt.last. Kbps and
// Packets are everything the RTP stack sent on the track, retransmissions
// included (W3C bytesSent), before the bot's own emulated impairment
// (netem) drops any; RetransmittedPackets/Kbps are the NACK resends among
// them.
func txTrack(lt *localTrack, ssrc uint32, st *stats.Stats, wire txWireCounts, secs float64) reports.TrackSample {
	o, ri := st.OutboundRTPStreamStats, st.RemoteInboundRTPStreamStats
	cur := txCounters{packets: o.PacketsSent, bytes: o.BytesSent, remoteLost: ri.PacketsLost,
		nacks: o.NACKCount, plis: o.PLICount, firs: o.FIRCount, reports: ri.RoundTripTimeMeasurements, wire: wire}
	prev := lt.last
	lt.last = cur
	ts := reports.TrackSample{
		Dir: reports.Tx, Kind: lt.kind, SSRC: ssrc, RID: lt.rid,
		Kbps:                 kbps(cur.bytes-prev.bytes, secs),
		Packets:              cur.packets - prev.packets,
		Lost:                 cur.remoteLost - prev.remoteLost,
		NACKs:                uint64(cur.nacks - prev.nacks),
		PLIs:                 uint64(cur.plis - prev.plis),
		FIRs:                 uint64(cur.firs - prev.firs),
		RetransmittedPackets: wire.rtxPackets - prev.wire.rtxPackets,
		RetransmittedKbps:    kbps(wire.rtxBytes-prev.wire.rtxBytes, secs),
		Nacked:               wire.nacked - prev.wire.nacked,
	}
	// The remote's view (RTT, jitter, fraction lost) is reported only for
	// an interval in which a new receiver report arrived: the interceptor
	// keeps the last values forever, and repeating them when reports stop
	// (an outage) would present stale figures as measured. Loss is
	// likewise absent without a report, never 0.
	if cur.reports > prev.reports {
		ts.LossAfterRepairPct = ptr(100 * ri.FractionLost)
		ts.LossPct = txPathLoss(lt.kind, ri.FractionLost, ts.Nacked, wire.packets-prev.wire.packets)
		ts.JitterMs = ptr(ri.Jitter * 1000)
		ts.RTTMs = rtt(ri.RoundTripTime)
	}
	return ts
}

// txPathLoss is a sent track's loss on the path to the receiver, before
// repair. Video is NACKed (the receiver names every packet it missed), so
// it is the distinct NACKed sequence numbers over the originals sent; the
// receiver report's fraction lost counts a repaired packet as received.
// Audio is not repaired: its fraction lost is the path loss.
func txPathLoss(kind string, fractionLost float64, nacked, sent uint64) *float64 {
	if kind != "video" {
		return ptr(100 * fractionLost)
	}
	if sent == 0 {
		return nil
	}
	return ptr(100 * min(1, float64(nacked)/float64(sent)))
}

// rxTrack fills one received track's interceptor and loss figures; it
// advances rt.last and rt.lastLoss.
func rxTrack(rt *remoteTrack, st *stats.Stats, secs float64, ts *reports.TrackSample) (expected uint64) {
	in, ro := st.InboundRTPStreamStats, st.RemoteOutboundRTPStreamStats
	cur := rxCounters{packets: in.PacketsReceived, bytes: in.BytesReceived,
		nacks: in.NACKCount, plis: in.PLICount, firs: in.FIRCount, rtts: ro.RoundTripTimeMeasurements}
	prev := rt.last
	rt.last = cur
	ts.Kbps = kbps(cur.bytes-prev.bytes, secs)
	ts.Packets = cur.packets - prev.packets
	// Loss is network loss from sequence-number gaps (seqLoss), so that a
	// NACK repair on the same SSRC does not hide it.
	lc := rt.loss.counters()
	pl := rt.lastLoss
	rt.lastLoss = lc
	ts.Lost = int64(lc.lost - pl.lost)
	expected = lc.expected - pl.expected
	ts.Expected, ts.Repaired = expected, lc.repaired-pl.repaired
	if bursts := lc.bursts - pl.bursts; bursts > 0 && ts.Lost > 0 {
		ts.LossBurst = ptr(float64(ts.Lost) / float64(bursts))
	}
	if expected > 0 {
		ts.LossPct = ptr(100 * float64(max(ts.Lost, 0)) / float64(expected))
	}
	if cur.rtts > prev.rtts { // a new measurement in this interval (see txTrack)
		ts.RTTMs = rtt(ro.RoundTripTime)
	}
	ts.NACKs = uint64(cur.nacks - prev.nacks)
	ts.PLIs = uint64(cur.plis - prev.plis)
	ts.FIRs = uint64(cur.firs - prev.firs)
	return expected
}

// maxRTT bounds a plausible round-trip time. pion computes one from every
// receiver report, also from a report sent before any sender report
// arrived (LSR 0), which gives nonsense such as −65536 s: such values are
// not measurements and are left out.
const maxRTT = 60 * time.Second

func rtt(d time.Duration) *float64 {
	if d < 0 || d > maxRTT {
		return nil
	}
	return ptr(float64(d) / float64(time.Millisecond))
}

func kbps(bytes uint64, secs float64) float64 { return float64(bytes) * 8 / 1000 / secs }

func ptr(f float64) *float64 { return &f }

func mean(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return ptr(s / float64(len(v)))
}
