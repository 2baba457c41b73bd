package browser

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/server"
)

// chromiumUsage sums user+sys CPU (clock ticks, USER_HZ 100) and PSS of
// every Chromium process on the machine.
func chromiumUsage() (ticks int64, pssKB int64) {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndex(s, ")")
		if i < 0 || !strings.Contains(s[:i], "chromium") {
			continue
		}
		fl := strings.Fields(s[i+2:])
		if len(fl) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(fl[11], 10, 64)
		st, _ := strconv.ParseInt(fl[12], 10, 64)
		ticks += u + st
		if r, err := os.ReadFile(filepath.Join(filepath.Dir(f), "smaps_rollup")); err == nil {
			for _, line := range strings.Split(string(r), "\n") {
				if v, ok := strings.CutPrefix(line, "Pss:"); ok {
					kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
					pssKB += kb
				}
			}
		}
	}
	return ticks, pssKB
}

// BenchmarkBrowserCost measures what one browser participant costs: it
// sends its fake camera (640×360) and microphone and decodes two bots'
// 360p VP8 at 30 fps, in the grid template. Reported per 20 s window:
// cores (Chromium's user+sys CPU over wall time) and MB of PSS. Run it
// alone: it counts every Chromium process on the machine.
//
//	go test ./browser -run '^$' -bench BrowserCost -benchtime 1x
func BenchmarkBrowserCost(b *testing.B) {
	if FindChromium() == "" {
		b.Skip("chromium not found")
	}
	for i := 0; i < b.N; i++ {
		func() {
			r := newRoom(b, server.Config{}, "front", "back")
			_, _ = r.browser(b, Config{UserID: "web1", Template: "grid"})
			time.Sleep(5 * time.Second) // past the start and the first keyframes
			t0, _ := chromiumUsage()
			w0 := time.Now()
			time.Sleep(20 * time.Second)
			t1, pss := chromiumUsage()
			b.ReportMetric(float64(t1-t0)/100/time.Since(w0).Seconds(), "cores")
			b.ReportMetric(float64(pss)/1024, "MB-PSS")
		}()
	}
}
