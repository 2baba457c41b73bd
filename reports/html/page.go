package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// Table caps: beyond these the page shows the first rows and says where the
// rest is (summary.json has every room and user; events.jsonl every event).
const (
	MaxRooms  = 200
	MaxUsers  = 200
	MaxErrors = 300
)

//go:embed report.tmpl
var pageSrc string

var pageTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"num":    num,
	"ms":     func(v float64) string { return num(v) + " ms" },
	"rate":   rate,
	"when":   func(t time.Time) string { return when(t) },
	"clock":  fmtClock,
	"code":   codeLabel,
	"text":   codes.Text,
	"deref":  func(p *float64) float64 { return *p },
	"anchor": userAnchor,
}).Parse(pageSrc))

// page is what the template renders.
type page struct {
	Sum      *summary.Summary
	Charts   []template.HTML
	Timeline template.HTML
	Figures  []statRow

	Rooms     []summary.Room
	RoomsNote string
	Users     []summary.User
	UsersNote string
	Groups    []summary.Group
	Details   []userDetail
	Outliers  []outlier
	Errors    []errRow
	ErrNote   string
}

// statRow is one line of the stats aggregates table.
type statRow struct {
	Name, Unit string
	summary.Dist
}

// errRow is one error event of the errors table.
type errRow struct {
	At string
	reports.Event
	Label string
}

// Write renders d (summarized as s) as report.html to w: WriteColumns fed
// d's lines.
func Write(w io.Writer, d *reports.Dataset, s *summary.Summary) error {
	return WriteColumns(w, reports.ColumnsOf(d), DrillOf(d), s)
}

// WriteColumns renders a run's lines as report.html to w: c holds its events
// and samples' figures, dr its listed bots' tracks, s is its summary.
func WriteColumns(w io.Writer, c *reports.Columns, dr *Drill, s *summary.Summary) error {
	p := build(c, dr, s)
	if err := pageTmpl.Execute(w, p); err != nil {
		return fmt.Errorf("report.html: %w", err)
	}
	return nil
}

func build(c *reports.Columns, dr *Drill, s *summary.Summary) *page {
	d := &reports.Dataset{Events: c.Events()} // the events-only parts read a Dataset of events
	// the axis spans run.json's times and every line, so nothing is clamped
	start, end := s.Run.Started, s.Run.Ended
	if first, last := c.Span(); !first.IsZero() {
		if start.IsZero() || first.Before(start) {
			start = first
		}
		if last.After(end) {
			end = last
		}
	}
	a := newAxis(start, end)
	marks := marksOf(d, a)
	p := &page{Sum: s}
	plots := []*plot{joinsPlot(d, a, marks)}
	bands := bandPlots(c, a, marks)
	for i, f := range figures {
		plots = append(plots, bands[i])
		if f.id == "fps" {
			plots = append(plots, freezesPlot(d, c.Len(), a, marks))
		}
	}
	plots = append(plots, healthPlots(d, a, marks)...)
	acts := actsOf(d, a)
	for _, pl := range plots {
		pl.acts = acts
		p.Charts = append(p.Charts, template.HTML(pl.svg())) // built with esc() on every text
	}
	p.Timeline = template.HTML(timeline(d, a, marks))
	st := s.Stats
	p.Figures = []statRow{
		{"join time", "ms", s.Joins.JoinMs}, {"time to first frame", "ms", s.Joins.TTFFMs},
		{"bitrate out", "kbps", st.TxKbps}, {"bitrate in", "kbps", st.RxKbps}, {"receive loss", "%", st.LossPct},
		{"jitter", "ms", st.JitterMs}, {"RTT", "ms", st.RTTMs}, {"frame rate per video track", "fps", st.FPS},
		{"freeze duration", "ms", st.FreezeDur}, {"end-to-end latency", "ms", st.E2EMs},
	}
	p.Rooms, p.RoomsNote = capRows(s.Rooms, MaxRooms, "rooms")
	p.Users, p.UsersNote = capRows(s.Users, MaxUsers, "bots")
	p.Groups = s.Groups
	p.Details = userDetails(d, dr, a, p.Users)
	p.Outliers = outliers(s.Users)
	n := 0
	for _, e := range d.Events {
		if !summary.IsError(e) {
			continue
		}
		n++
		if len(p.Errors) < MaxErrors {
			p.Errors = append(p.Errors, errRow{At: fmtClock(a.sec(e.Time)), Event: e, Label: errKey(e)})
		}
	}
	if n > MaxErrors {
		p.ErrNote = fmt.Sprintf("showing the first %d of %d error events; all are in events.jsonl", MaxErrors, n)
	}
	return p
}

func capRows[T any](rows []T, n int, what string) ([]T, string) {
	if len(rows) <= n {
		return rows, ""
	}
	return rows[:n], fmt.Sprintf("showing the first %d of %d %s; all are in summary.json", n, len(rows), what)
}

// num prints a measured figure with sensible precision.
func num(v float64) string {
	switch a := math.Abs(v); {
	case v == math.Trunc(v) && a < 1e15:
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 1:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

// rate prints a 0…1 ratio as a percentage, "–" when unknown.
func rate(r *float64) string {
	if r == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100**r)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}
