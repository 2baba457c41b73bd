package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// TestSharedCertificate: the bots of one Host offer one DTLS fingerprint
// (no certificate generated per PeerConnection) and media still flows both
// ways, so the service's DTLS handshakes accept it.
func TestSharedCertificate(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	a, as := e.bot("cert-a", room, nil)
	b, bs := e.bot("cert-b", room, nil)
	start(t, a)
	start(t, b)
	as.wait(t, 5*time.Second, "first audio frame of cert-b", is(reports.EvFirstFrame, "cert-b", "audio"))
	bs.wait(t, 5*time.Second, "first audio frame of cert-a", is(reports.EvFirstFrame, "cert-a", "audio"))
	fp := func(x *Bot) string {
		x.mu.Lock()
		defer x.mu.Unlock()
		if len(x.peers) == 0 || x.peers[0].LocalDescription() == nil {
			t.Fatalf("%s has no PeerConnection with a local description", x.UserID())
		}
		for _, l := range strings.Split(x.peers[0].LocalDescription().SDP, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), "a=fingerprint:"); ok {
				return v
			}
		}
		t.Fatalf("%s's SDP has no fingerprint", x.UserID())
		return ""
	}
	want, err := e.host.certificate()
	if err != nil {
		t.Fatal(err)
	}
	fps, err := want.GetFingerprints()
	if err != nil || len(fps) == 0 {
		t.Fatalf("host certificate fingerprints: %v %v", fps, err)
	}
	host := fps[0].Algorithm + " " + strings.ToUpper(fps[0].Value)
	if fa, fb := fp(a), fp(b); fa != fb || !strings.EqualFold(fa, host) {
		t.Fatalf("fingerprints %q and %q, host certificate %q: want one shared", fa, fb, host)
	}
}
