package render

import (
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/html"
	"github.com/roombot/roombot/reports/summary"
)

// Acc is everything the reports need of a run's lines, gathered in one
// pass: summary.json's accumulator, the Columns it keeps, which the HTML
// series and the assertions read too, and the tracks of the bots the drill-down lists. It is a
// reports.Sink, fed by reports.Read from a run directory or live by the
// runner (reports.WithTee), and safe for concurrent use. No Sample is
// retained.
type Acc struct {
	Summary *summary.Acc
	Columns *reports.Columns
	Drill   *html.Drill
	tee     reports.Tee
}

// NewAcc returns an empty Acc.
func NewAcc() *Acc {
	sum := summary.NewAcc()
	a := &Acc{Summary: sum, Columns: sum.Columns(), Drill: html.NewDrill()}
	a.tee = reports.Tee{a.Summary, a.Drill} // the summary feeds the Columns
	return a
}

// AccOf is the Acc of a loaded Dataset.
func AccOf(d *reports.Dataset) *Acc {
	a := NewAcc()
	d.Feed(a)
	return a
}

// WriteEvent hands e to every part.
func (a *Acc) WriteEvent(e reports.Event) { a.tee.WriteEvent(e) }

// WriteSample hands s to every part.
func (a *Acc) WriteSample(s reports.Sample) { a.tee.WriteSample(s) }

var _ reports.Sink = (*Acc)(nil)
