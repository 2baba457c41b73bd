package html

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func render(t *testing.T, bots, per, secs int) []byte {
	t.Helper()
	d := fixture(bots, per, secs)
	var b bytes.Buffer
	if err := Write(&b, d, summary.Compute(d)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	t.Parallel()
	got := render(t, 6, 3, 12)
	path := filepath.Join("testdata", "report.golden.html")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		os.WriteFile(filepath.Join(t.TempDir(), "got.html"), got, 0o644)
		t.Fatalf("report.html differs from %s (len %d vs %d); run go test ./reports/html -run TestGolden -update and review the diff", path, len(got), len(want))
	}
}

// TestSelfContained: nothing in the file points outside it.
func TestSelfContained(t *testing.T) {
	t.Parallel()
	page := string(render(t, 20, 4, 30))
	for _, bad := range []string{"http:", "https:", "//cdn", "src=", "@import", "url(", "<link", "<iframe", "<img"} {
		if i := strings.Index(page, bad); i >= 0 {
			t.Errorf("report.html contains %q: …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	// Links only within the page (to a bot's drill-down).
	if n, in := strings.Count(page, "href="), strings.Count(page, `href="#`); n != in {
		t.Errorf("report.html has %d links out of the page", n-in)
	}
}

func TestContent(t *testing.T) {
	t.Parallel()
	page := string(render(t, 20, 4, 30))
	for _, want := range []string{
		`id="chart-joins"`, `id="chart-tx"`, `id="chart-rx"`, `id="chart-loss"`, `id="chart-jitter"`, `id="chart-rtt"`,
		`id="chart-fps"`, `id="chart-freezes"`, `id="chart-e2e"`, `id="chart-timeline"`,
		"-100018 userSig check failed", // error code labelled with its text
		"expected p(95) &lt; 1%, measured 4.8%", "FAIL", "1 of 2 assertions failed",
		"<td>1001</td>", "bot-19", "fault", "heal",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	// every band chart drew a band and a median line
	if n := strings.Count(page, `class="band"`); n != len(figures) {
		t.Errorf("%d bands, want %d", n, len(figures))
	}
	if strings.Contains(page, `id="overloaded"`) {
		t.Error("overload banner shown for a healthy run")
	}
	if !regexp.MustCompile(`<svg[^>]*>`).MatchString(page) {
		t.Error("no svg")
	}
}

func TestOverloadBannerAndCaps(t *testing.T) {
	t.Parallel()
	d := fixture(MaxUsers+50, 2, 3)
	d.Info.Health.Overloaded = true
	d.Info.Health.Notes = []string{"CPU at 97% of 2 cores"}
	var b bytes.Buffer
	if err := Write(&b, d, summary.Compute(d)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	i := strings.Index(page, `id="overloaded"`)
	if i < 0 || !strings.Contains(page[i:i+300], "CPU at 97% of 2 cores") || i > strings.Index(page, `id="assertions"`) {
		t.Error("overload banner missing or not above the assertions")
	}
	if !strings.Contains(page, "showing the first 200 of 250 bots") {
		t.Error("bot table not capped with a note")
	}
}

func TestEmptyDataset(t *testing.T) {
	t.Parallel()
	d := fixture(0, 1, 0)
	var b bytes.Buffer
	if err := Write(&b, d, summary.Compute(d)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "not measured in this run") {
		t.Error("empty charts do not say so")
	}
}

// TestEscapesOutsideText: names and messages come from outside (scenario
// files, servers); they must never become markup.
func TestEscapesOutsideText(t *testing.T) {
	t.Parallel()
	d := fixture(4, 2, 3)
	evil := `<script>alert("x")</script>`
	d.Info.Name = evil
	d.Info.Checks[0].Message = evil
	for i := range d.Events {
		d.Events[i].User, d.Events[i].Room, d.Events[i].Message = evil, evil, evil
	}
	d.Events = append(d.Events, reports.Event{Time: t0, Kind: reports.KindRun, Event: reports.EvMark, Message: evil})
	for i := range d.Samples {
		d.Samples[i].User = evil
	}
	var b bytes.Buffer
	if err := Write(&b, d, summary.Compute(d)); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "<script"); n != 1 { // only the page's own
		t.Fatalf("%d <script elements: outside text became markup", n)
	}
}
