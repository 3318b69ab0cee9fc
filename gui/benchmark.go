package gui

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/bench"
	"github.com/picpool/picpool/chart"
	"github.com/picpool/picpool/engine"
)

// benchHost is all the Benchmark tab needs from the rest of the window.
type benchHost interface {
	benchBatch() engine.Batch                // the inputs listed on the Batch tab
	benchSettings() (engine.Settings, error) // the chain and output format set there
	applyWorkers(n int)                      // puts a worker count into the run settings
	batchMode() engine.Isolation             // where the Batch tab's workers run
	batchRunning() bool                      // a batch is starting or running
}

// windowBench is the benchHost of a Window.
type windowBench struct{ w *Window }

func (h windowBench) benchBatch() engine.Batch { return h.w.inputs.batch("") }

func (h windowBench) benchSettings() (engine.Settings, error) {
	p, _ := h.w.current()
	if err := p.Validate(); err != nil {
		return engine.Settings{}, err
	}
	s, err := p.Settings("")
	if err != nil {
		return engine.Settings{}, err
	}
	s.OnExists, s.Naming.Dir = "", "" // the benchmark writes into folders of its own
	return engine.Settings{Processing: s}, nil
}

func (h windowBench) applyWorkers(n int) {
	h.w.run.setWorkers(n)
	h.w.app.Preferences().SetInt(prefWorkers, n)
}

func (h windowBench) batchMode() engine.Isolation { return h.w.run.iso.mode() }

func (h windowBench) batchRunning() bool { return h.w.run.run != nil || h.w.run.starting }

// Export sizes.
const (
	exportWidth, exportHeight = chart.DefaultWidth, chart.DefaultHeight
	benchTick                 = 100 * time.Millisecond // how often a running benchmark's progress is shown
)

// benchColumns: "Others" is other programs' CPU use during the runs, marked
// "!" where it makes the row untrustworthy.
var benchColumns = []string{"Mode", "Workers", "Wall (median)", "Min–max", "Images/s", "MP/s", "Speed-up", "Efficiency", "CPU", "Others", "Peak memory"}

// benchPanel is the Benchmark tab: measure the window's inputs at several
// worker counts, with goroutine workers, worker processes or both, and show
// the chart and the table as the runs come in.
type benchPanel struct {
	w    *Window
	host benchHost

	sample, counts     *widget.Entry
	threads, processes *widget.Check // the worker modes to measure
	repeat             *widget.Select
	start, cancel      *widget.Button
	bar                *widget.ProgressBar
	status, verdict    *widget.Label
	warning, machine   *widget.Label // why the figures cannot be trusted; the CPUs measured on
	apply              *widget.Button
	saveChart, saveCSV *widget.Button
	chart              *chartView
	table              *widget.Table
	obj                fyne.CanvasObject

	report  bench.Report // on screen
	running *bench.Bench // nil when none
	busy    bool         // starting or running

	// afterRun, when set (by tests), is called on the benchmark's goroutine
	// after every run, once its figures are handed to the UI: a test can
	// hold the benchmark between two runs there.
	afterRun func(bench.Event)
}

func newBenchPanel(w *Window, host benchHost) *benchPanel {
	p := &benchPanel{w: w, host: host}
	p.sample = widget.NewEntry()
	p.sample.SetText("8")
	p.counts = widget.NewEntry()
	p.counts.SetPlaceHolder("1, 2, 4, …")
	p.threads = widget.NewCheck("threads", nil)
	p.threads.SetChecked(true)
	p.processes = widget.NewCheck("processes", nil)
	p.repeat = widget.NewSelect([]string{"1", "2", "3", "5"}, nil)
	p.repeat.SetSelected(strconv.Itoa(bench.DefaultRepeat))
	p.start = widget.NewButtonWithIcon("Run benchmark", theme.MediaPlayIcon(), p.startBench)
	p.start.Importance = widget.HighImportance
	p.cancel = widget.NewButtonWithIcon("Cancel", theme.MediaStopIcon(), func() {
		if p.running != nil {
			p.running.Cancel()
		}
	})
	p.cancel.Disable()
	p.bar = widget.NewProgressBar()
	p.status = widget.NewLabel("Measures the inputs and filters of the Batch tab at each worker count: with threads (goroutine workers), processes (one per worker) or both, as two series.")
	p.status.Wrapping = fyne.TextWrapWord
	p.verdict = widget.NewLabel("")
	p.verdict.Wrapping = fyne.TextWrapWord
	p.warning = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.warning.Wrapping = fyne.TextWrapWord
	p.warning.Importance = widget.DangerImportance
	p.warning.Hide()
	p.machine = widget.NewLabel("")
	p.machine.SizeName = theme.SizeNameCaptionText
	p.apply = widget.NewButtonWithIcon("Use the recommended count", theme.ConfirmIcon(), p.applyRecommended)
	p.saveChart = widget.NewButtonWithIcon("Save chart (PNG)…", theme.DocumentSaveIcon(), func() { p.save("picpool-scaling.png", p.writeChart) })
	p.saveCSV = widget.NewButtonWithIcon("Save figures (CSV)…", theme.DocumentSaveIcon(), func() { p.save("picpool-scaling.csv", p.writeCSV) })
	p.chart = newChartView(w)
	p.table = widget.NewTable(p.tableSize, func() fyne.CanvasObject { return widget.NewLabel("000.00 s") }, p.updateCell)
	p.table.ShowHeaderRow = true
	p.table.CreateHeader = func() fyne.CanvasObject { return heading("") }
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(benchColumns) {
			o.(*widget.Label).SetText(benchColumns[id.Col])
		}
	}
	for i, width := range []float32{100, 80, 120, 120, 90, 80, 90, 90, 70, 80, 110} {
		p.table.SetColumnWidth(i, width)
	}
	p.showReport(bench.Report{})

	form := container.NewHBox(
		widget.NewLabel("Sample"), sized(p.sample, 60, 0), widget.NewLabel("images · workers"), sized(p.counts, 160, 0),
		widget.NewLabel("as"), p.threads, p.processes, widget.NewLabel("· runs each"), p.repeat)
	controls := container.NewBorder(nil, nil, form, container.NewHBox(p.start, p.cancel))
	// The warning goes with the machine line, above the chart, whose title
	// says it too: the table below keeps its room.
	top := container.NewVBox(controls, p.bar, p.status, p.machine, p.warning)
	actions := container.NewHBox(p.apply, p.saveChart, p.saveCSV)
	bottom := container.NewBorder(container.NewVBox(p.verdict, actions), nil, nil, nil, p.table)
	split := container.NewVSplit(p.chart, bottom)
	split.Offset = 0.62
	p.obj = container.NewBorder(top, nil, nil, nil, split)

	w.goBackground(func() {
		m := bench.ReadMachine()
		counts := bench.DefaultCounts(m.PhysicalCores, m.LogicalCores, m.UsableCPUs)
		w.do(func() {
			p.machine.SetText("This machine: " + m.String())
			if p.counts.Text == "" {
				p.counts.SetText(countsText(counts))
			}
		})
	})
	return p
}

func countsText(counts []int) string {
	s := make([]string, len(counts))
	for i, n := range counts {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// startBench checks the choices and starts a benchmark off the UI goroutine.
func (p *benchPanel) startBench() {
	if p.busy {
		return
	}
	fail := func(err error) { p.status.SetText("Cannot start: " + err.Error()) }
	sample, err := strconv.Atoi(strings.TrimSpace(p.sample.Text))
	if err != nil || sample < 0 {
		fail(errors.New("the sample size must be a whole number (0 for all images)"))
		return
	}
	var counts []int
	if strings.TrimSpace(p.counts.Text) != "" {
		if counts, err = bench.ParseCounts(p.counts.Text); err != nil {
			fail(err)
			return
		}
	}
	var modes []engine.Isolation
	if p.threads.Checked {
		modes = append(modes, engine.Goroutines)
	}
	if p.processes.Checked {
		modes = append(modes, engine.Processes)
	}
	if len(modes) == 0 {
		fail(errors.New("choose threads, processes or both"))
		return
	}
	repeat, _ := strconv.Atoi(p.repeat.Selected)
	b := p.host.benchBatch()
	s, err := p.host.benchSettings()
	switch {
	case p.host.batchRunning():
		err = errors.New("a batch is running on the Batch tab, and the figures would be wrong; wait for it to end")
	case len(b.Sources) == 0:
		err = errors.New("add some inputs on the Batch tab first")
	}
	if err != nil {
		fail(err)
		return
	}
	p.busy = true
	p.start.Disable()
	p.bar.SetValue(0)
	p.status.SetText("Starting…")
	cfg := bench.Config{Counts: counts, Modes: modes, Repeat: repeat, Sample: sample, Settings: s}
	cfg.OnRun = func(ev bench.Event) {
		// On the benchmark's goroutine between runs: drawing the chart here
		// is not measured.
		img, gen := p.chart.renderNow(ev.Report)
		rep := ev.Report
		p.w.do(func() {
			p.chart.show(img, gen)
			p.showReport(rep)
		})
		if p.afterRun != nil {
			p.afterRun(ev)
		}
	}
	ctx := p.w.ctx
	p.w.goBackground(func() {
		bn, err := bench.Start(ctx, b, cfg)
		if err != nil {
			p.w.do(func() { p.end(bench.Report{}, err) })
			return
		}
		p.w.do(func() { p.begin(bn) })
		p.watch(bn)
	})
}

func (p *benchPanel) begin(bn *bench.Bench) {
	p.running = bn
	p.cancel.Enable()
	rep := bn.Report()
	p.chart.setReport(rep)
	p.chart.request()
	p.showReport(rep)
}

// watch shows the progress until the benchmark ends; off the UI goroutine.
func (p *benchPanel) watch(bn *bench.Bench) {
	t := time.NewTicker(benchTick)
	defer t.Stop()
	for {
		select {
		case <-bn.Done():
			rep, err := bn.Wait()
			img, gen := p.chart.renderNow(rep)
			p.w.do(func() {
				p.chart.show(img, gen)
				p.end(rep, err)
			})
			return
		case <-t.C:
			pr := bn.Progress()
			p.w.do(func() { p.showProgress(pr) })
		}
	}
}

func (p *benchPanel) showProgress(pr bench.Progress) {
	if !p.busy {
		return
	}
	p.bar.SetValue(pr.Fraction())
	what := fmt.Sprintf("Run %d of %d", pr.RunsDone-pr.Warmups+1, pr.Runs-pr.Warmups)
	if pr.Warmup {
		what = "Warm-up run (not counted)"
	}
	workers := plural(pr.Workers, "worker", "workers")
	if pr.Warmups > 1 {
		workers += " as " + bench.ModeShort(pr.Mode)
	}
	if pr.Workers > 0 {
		p.status.SetText(fmt.Sprintf("%s: %s, %d / %d images…", what, workers, pr.ImagesDone, pr.Images))
	}
}

func (p *benchPanel) end(rep bench.Report, err error) {
	p.busy, p.running = false, nil
	p.start.Enable()
	p.cancel.Disable()
	if len(rep.Counts) > 0 {
		p.showReport(rep)
	}
	switch {
	case err != nil && len(rep.Rows) > 0:
		p.status.SetText("Stopped: " + err.Error() + ". The figures so far are shown.")
	case err != nil:
		p.status.SetText("Cannot run the benchmark: " + err.Error())
	default:
		p.bar.SetValue(1)
		modes := make([]string, len(rep.ModeList()))
		for i, m := range rep.ModeList() {
			modes[i] = bench.ModeShort(m)
		}
		p.status.SetText(fmt.Sprintf("Done: %s at %s as %s, %s each, on %s.", plural(rep.Images, "image", "images"),
			plural(len(rep.Counts), "worker count", "worker counts"), strings.Join(modes, " and "), plural(rep.Repeat, "run", "runs"), rep.Machine))
	}
}

// showReport puts figures on screen (the chart draws itself).
func (p *benchPanel) showReport(rep bench.Report) {
	p.report = rep
	p.table.Refresh()
	p.verdict.SetText(rep.Verdict())
	if warn := rep.Warning(); warn != p.warning.Text || (warn != "") != p.warning.Visible() {
		p.warning.SetText(warn)
		if warn != "" {
			p.warning.Show()
		} else {
			p.warning.Hide()
		}
		p.obj.Refresh() // lay the chart out below the warning, or in its place
	}
	p.refreshApply()
	if len(rep.Rows) > 0 {
		p.saveChart.Enable()
		p.saveCSV.Enable()
	} else {
		p.saveChart.Disable()
		p.saveCSV.Disable()
	}
}

// refreshApply names the count the apply button puts into the Batch tab.
func (p *benchPanel) refreshApply() {
	if mode, n := p.recommended(); n > 0 && p.report.Complete {
		text := fmt.Sprintf("Use %s", plural(n, "worker", "workers"))
		if len(p.report.ModeList()) > 1 {
			text += " (" + bench.ModeShort(mode) + ")"
		}
		p.apply.SetText(text)
		p.apply.Enable()
	} else {
		p.apply.SetText("Use the recommended count")
		p.apply.Disable()
	}
}

// recommended is the count for the Batch tab: the recommendation for the
// mode its workers run in when that mode was measured, else the first
// mode's.
func (p *benchPanel) recommended() (engine.Isolation, int) {
	if c := p.report.Choice(p.host.batchMode()); c.Recommended > 0 {
		return c.Mode, c.Recommended
	}
	return p.report.ModeList()[0], p.report.Recommended
}

func (p *benchPanel) applyRecommended() {
	mode, n := p.recommended() // for the Batch tab's mode now: it may have changed since the label was set
	if n < 1 {
		return
	}
	p.host.applyWorkers(n)
	p.refreshApply()
	text := fmt.Sprintf("The Batch tab now runs %s.", plural(n, "worker", "workers"))
	if len(p.report.ModeList()) > 1 {
		text = fmt.Sprintf("The Batch tab now runs %s, the count recommended for %s.", plural(n, "worker", "workers"), bench.ModeName(mode))
	}
	p.status.SetText(text)
}

func (p *benchPanel) tableSize() (int, int) { return len(p.report.Rows), len(benchColumns) }

func (p *benchPanel) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(p.report.Rows) {
		l.SetText("")
		return
	}
	r := p.report.Rows[id.Row]
	l.TextStyle.Bold = r.Workers == p.report.Choice(r.Mode).Recommended
	l.Importance = widget.MediumImportance
	if l.TextStyle.Bold {
		l.Importance = widget.HighImportance
	}
	speed, eff, others := "–", "–", "–"
	if r.SpeedUp > 0 {
		speed, eff = fmt.Sprintf("%.2f×", r.SpeedUp), fmt.Sprintf("%.0f%%", r.Efficiency*100)
	}
	if r.Busy >= 0 {
		others = fmt.Sprintf("%.0f%%", r.OtherCPUPercent)
	}
	if p.report.RowBusy(r) {
		others += " !"
		if id.Col == 9 {
			l.Importance = widget.DangerImportance
		}
	}
	mode := bench.ModeShort(r.Mode)
	l.SetText([]string{
		strings.ToUpper(mode[:1]) + mode[1:], strconv.Itoa(r.Workers), fmt.Sprintf("%.2f s", r.Wall.Seconds()),
		fmt.Sprintf("%.2f–%.2f s", r.WallMin.Seconds(), r.WallMax.Seconds()),
		fmt.Sprintf("%.2f", r.ImagesPerSec), fmt.Sprintf("%.1f", r.MPPerSec), speed, eff,
		fmt.Sprintf("%.0f%%", r.CPUPercent), others, bytesText(int64(r.PeakRSS)),
	}[id.Col])
}

// save asks for a file and writes it off the UI goroutine.
func (p *benchPanel) save(name string, write func(io.Writer, bench.Report) error) {
	rep := p.report
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		p.w.goBackground(func() {
			err := write(wc, rep)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			p.w.do(func() {
				if err != nil {
					dialog.ShowError(err, p.w.win)
					return
				}
				p.status.SetText("Saved " + wc.URI().Path())
			})
		})
	}, p.w.win)
	d.SetFileName(name)
	d.Show()
}

func (p *benchPanel) writeChart(w io.Writer, rep bench.Report) error {
	return chart.WritePNG(w, rep, exportWidth, exportHeight)
}

func (p *benchPanel) writeCSV(w io.Writer, rep bench.Report) error { return bench.WriteCSV(w, rep) }
