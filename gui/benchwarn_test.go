package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/bench"
)

// measuredReport is a finished benchmark at 1 and 2 workers whose runs saw
// other programs take share of the CPUs' time.
func measuredReport(share float64) bench.Report {
	var runs []bench.Measurement
	for _, w := range []int{1, 2} {
		runs = append(runs, bench.Measurement{Workers: w, Wall: time.Duration(4/w) * time.Second, Done: 4, CPUPercent: 98 * float64(w),
			Busy: share, OtherCPUPercent: share * 200})
	}
	rep := bench.Report{Images: 4, Repeat: 1, Counts: []int{1, 2}, Tolerance: 0.05, Runs: runs, Complete: true,
		Machine: bench.Machine{LogicalCores: 2, PhysicalCores: 2, UsableCPUs: 2}}
	rep.Rows = bench.Summarize(runs)
	rep.Recommended, rep.Best = bench.Recommend(rep.Rows, rep.Tolerance), bench.Best(rep.Rows)
	return rep
}

// TestBenchmarkTabSaysWhenBusy: figures taken while other programs used the
// CPUs come with a warning above the verdict and a marked "Others" cell;
// quiet figures with neither. The tab names the usable CPUs it measures on.
func TestBenchmarkTabSaysWhenBusy(t *testing.T) {
	h := newHarness(t)
	h.w.tabs.SelectIndex(1)
	p := h.w.bench
	cell := func(row, col int) *widget.Label {
		l := widget.NewLabel("")
		p.updateCell(widget.TableCellID{Row: row, Col: col}, l)
		return l
	}
	p.showReport(measuredReport(0.4))
	if !p.warning.Visible() || !strings.Contains(p.warning.Text, "These figures cannot be trusted: other programs used the CPUs") {
		t.Errorf("busy: warning shown %v: %q", p.warning.Visible(), p.warning.Text)
	}
	if benchColumns[9] != "Others" || cell(1, 9).Text != "80% !" || cell(1, 9).Importance != widget.DangerImportance {
		t.Errorf("busy: Others cell %q (%v)", cell(1, 9).Text, cell(1, 9).Importance)
	}
	p.showReport(measuredReport(0.01))
	if p.warning.Visible() || cell(1, 9).Text != "2%" {
		t.Errorf("quiet: warning shown %v %q, Others cell %q", p.warning.Visible(), p.warning.Text, cell(1, 9).Text)
	}
	h.waitFor("the machine line", 10*time.Second, func() bool { return p.machine.Text != "" })
	if !strings.Contains(p.machine.Text, "usable CPU") || !strings.Contains(p.machine.Text, "logical core") {
		t.Errorf("machine line %q", p.machine.Text)
	}
}
