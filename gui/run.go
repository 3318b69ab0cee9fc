package gui

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

var debugTicks = os.Getenv("PICPOOL_DEBUG_TICKS") == "1"

const (
	tickEvery   = 100 * time.Millisecond // how often a running batch is shown
	sampleEvery = 500 * time.Millisecond // how often CPU and memory (the app's, the worker processes') are read
	notifyAfter = 10 * time.Second       // batches longer than this end with a notification
)

// runPanel starts, pauses and cancels batches and shows their progress, the
// workers, the failures and the summary.
type runPanel struct {
	w          *Window
	workersCtl *paramControl
	workers    int // 0 while the typed count is invalid
	workersSet bool
	machine    *widget.Label
	iso        *isolationChoice
	start      *widget.Button
	pause      *widget.Button
	cancel     *widget.Button
	bar        *widget.ProgressBar
	stats      *widget.Label
	summary    *widget.Label
	openOut    *widget.Button
	finished   fyne.CanvasObject // summary and "Open output folder"
	view       *workersView
	fails      *failuresView
	obj        fyne.CanvasObject

	run      Run // the batch on screen, nil when none
	starting bool
	outDir   string
	result   *engine.Summary // the last batch's summary
}

// workersParam bounds the worker count to four per logical core: more only
// costs memory.
var workersParam = processing.ParamInfo{Name: "workers", Label: "Workers", Type: processing.Int, Min: 1, Max: float64(min(256, max(8, 4*runtime.NumCPU())))}

func newRunPanel(w *Window) *runPanel {
	r := &runPanel{w: w, workers: max(1, runtime.NumCPU())}
	r.workersCtl = newParamControl(workersParam, strconv.Itoa(r.workers),
		func(v string) {
			r.workers, _ = strconv.Atoi(v)
			r.workersSet = true
			if !w.loading {
				w.app.Preferences().SetInt(prefWorkers, r.workers)
			}
		},
		func(string, error) { r.workers = 0 })
	r.machine = widget.NewLabel("")
	r.machine.SizeName = theme.SizeNameCaptionText
	r.iso = newIsolationChoice(func(m engine.Isolation) {
		if !w.loading {
			w.app.Preferences().SetString(prefIsolation, string(m))
		}
	})
	r.start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), r.startBatch)
	r.start.Importance = widget.HighImportance
	r.pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), r.togglePause)
	r.cancel = widget.NewButtonWithIcon("Cancel", theme.MediaStopIcon(), r.cancelBatch)
	r.bar = widget.NewProgressBar()
	r.bar.TextFormatter = func() string {
		if r.bar.Max <= 1 && r.run == nil && r.result == nil {
			return "No batch yet"
		}
		return fmt.Sprintf("%.0f / %.0f (%.0f%%)", r.bar.Value, r.bar.Max, 100*r.bar.Value/max(r.bar.Max, 1))
	}
	r.stats = widget.NewLabel("Ready.")
	r.stats.Truncation = fyne.TextTruncateEllipsis
	r.summary = widget.NewLabel("")
	r.summary.Wrapping = fyne.TextWrapWord
	r.summary.Importance = widget.SuccessImportance
	r.openOut = widget.NewButtonWithIcon("Open output folder", theme.FolderOpenIcon(), r.openFolder)
	r.finished = container.NewBorder(nil, nil, nil, r.openOut, r.summary)
	r.finished.Hide()
	r.view = newWorkersView()
	r.fails = newFailuresView()

	// Workers [count] run as (•) threads ( ) processes (why…)  [Start][Pause][Cancel]
	controls := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabelWithStyle("Workers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), sized(r.workersCtl.obj, 230, 0), r.iso.obj),
		container.NewHBox(r.start, r.pause, r.cancel), r.iso.why)
	stats := container.NewBorder(nil, nil, nil, r.machine, r.stats)
	progress := container.NewVBox(controls, r.bar, stats, r.finished)
	lists := container.NewHSplit(r.view.obj, r.fails.obj)
	lists.Offset = 0.55
	r.obj = container.NewBorder(progress, nil, nil, nil, lists)
	r.idle()

	eng := w.eng
	w.goBackground(func() {
		m, _ := eng.Machine()
		w.do(func() { r.showMachine(m) })
	})
	return r
}

// setWorkers sets the worker count (from the preferences).
func (r *runPanel) setWorkers(n int) {
	r.workersCtl.set(strconv.Itoa(n))
	r.workers, r.workersSet = n, true
}

// showMachine shows the CPUs this process may use beside the core counts,
// and makes them the worker count unless one was chosen.
func (r *runPanel) showMachine(m pool.Machine) {
	r.machine.SetText(machineText(m))
	if n := m.CPUs.N; !r.workersSet && n > 0 {
		r.workersCtl.set(strconv.Itoa(n))
		r.workers = n
	}
}

// machineText is "2 usable CPUs · 2 logical cores, 2 physical · 21 GiB of
// 24 GiB memory free", with what limits the usable CPUs when they are
// fewer than the logical cores ("1 usable CPU (CPU affinity)").
func machineText(m pool.Machine) string {
	text := ""
	if m.CPUs.N > 0 {
		text = plural(m.CPUs.N, "usable CPU", "usable CPUs")
		if why := m.CPUs.Reason(); why != "" {
			text += " (" + why + ")"
		}
		text += " · "
	}
	text += fmt.Sprintf("%s, %s", plural(m.LogicalCores, "logical core", "logical cores"), plural(m.PhysicalCores, "physical", "physical"))
	if m.AvailableMemory > 0 {
		text += fmt.Sprintf(" · %s of %s memory free", bytesText(int64(m.AvailableMemory)), bytesText(int64(m.TotalMemory)))
	}
	return text
}

// idle sets the buttons for "no batch running".
func (r *runPanel) idle() {
	r.run, r.starting = nil, false
	r.start.Enable()
	r.iso.enable(true)
	r.pause.Disable()
	r.pause.SetText("Pause")
	r.pause.SetIcon(theme.MediaPauseIcon())
	r.cancel.Disable()
}

// startBatch checks the settings and starts a batch of the listed inputs.
func (r *runPanel) startBatch() {
	if r.run != nil || r.starting {
		return
	}
	p, out := r.w.current()
	var problem error
	switch {
	case r.w.bench != nil && r.w.bench.busy:
		problem = errors.New("the benchmark is running on the Benchmark tab: wait for it to end, or cancel it there")
	case len(r.w.inputs.items) == 0:
		problem = errors.New("add some inputs first: drop files or folders on the window")
	case out == "":
		problem = errors.New("choose an output folder")
	case r.workers < 1:
		problem = errors.New("the worker count is not valid")
	default:
		problem = p.Validate()
	}
	if problem != nil {
		r.stats.SetText("Cannot start: " + problem.Error())
		dialog.ShowError(problem, r.w.win)
		return
	}
	s := engine.Settings{
		Workers:    r.workers,
		Processing: p.Settings(out),
		Isolation:  r.iso.mode(),
		Journal:    true, // so that a crash or a cancel can be resumed
	}
	prefs := r.w.app.Preferences()
	prefs.SetInt(prefWorkers, r.workers)
	prefs.SetString(prefIsolation, string(s.Isolation))
	r.w.saveLast()
	r.checkResume(r.w.inputs.batch(out), s)
}

// launch starts the batch off the UI goroutine (the engine checks every
// target path first) and asks before replacing sources.
func (r *runPanel) launch(b engine.Batch, s engine.Settings) {
	r.starting = true
	r.start.Disable()
	r.iso.enable(false)
	r.stats.SetText(fmt.Sprintf("Starting %s…", plural(len(b.Sources), "file", "files")))
	ctx, eng := r.w.ctx, r.w.eng
	r.w.goBackground(func() {
		run, err := eng.Start(ctx, b, s)
		if err == nil && ctx.Err() != nil {
			run.Wait() // the window closed meanwhile: let the batch wind down
			return
		}
		r.w.do(func() {
			switch {
			case errors.Is(err, engine.ErrOverwritesSources):
				r.confirmOverwrite(b, s, err)
			case err != nil:
				r.idle()
				r.stats.SetText("Cannot start: " + err.Error())
				dialog.ShowError(err, r.w.win)
			default:
				r.begin(run, s, len(b.Sources))
			}
		})
	})
}

func (r *runPanel) confirmOverwrite(b engine.Batch, s engine.Settings, err error) {
	msg := widget.NewLabel(err.Error() + "\n\nThe originals will be lost. Replace them?")
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Replace the source files?", "Replace sources", "Cancel", sized(msg, 420, 0), func(yes bool) {
		if !yes {
			r.idle()
			r.stats.SetText("Not started: the outputs would replace the sources.")
			return
		}
		s.AllowSourceOverwrite = true
		r.launch(b, s)
	}, r.w.win)
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// begin shows a started batch and starts the one ticker that watches it.
func (r *runPanel) begin(run Run, s engine.Settings, total int) {
	r.run, r.starting, r.outDir, r.result = run, false, s.Processing.Naming.Dir, nil
	r.start.Disable()
	r.iso.enable(false)
	r.pause.Enable()
	r.cancel.Enable()
	r.finished.Hide()
	r.obj.Refresh()
	r.fails.reset()
	r.bar.Max = float64(max(total, 1))
	r.bar.SetValue(0)
	r.w.goBackground(func() { r.watch(run) })
}

// end shows the summary of a finished batch.
func (r *runPanel) end(s engine.Summary) {
	r.result = &s
	r.idle()
	text := fmt.Sprintf("%d processed · %d skipped · %d failed", s.Done, s.Skipped-s.Resumed, s.Failed)
	if s.Resumed > 0 {
		text = fmt.Sprintf("%d already done (resumed) · ", s.Resumed) + text
	}
	if s.Canceled > 0 {
		text += fmt.Sprintf(" · %d canceled", s.Canceled)
	}
	text += fmt.Sprintf(" · %s · %.1f images/s · %s in, %s out", durationText(s.Wall), s.PerSecond(), bytesText(s.BytesIn), bytesText(s.BytesOut))
	head := "Finished: "
	r.summary.Importance = widget.SuccessImportance
	switch {
	case s.Interrupted:
		head = "Canceled: "
		r.summary.Importance = widget.WarningImportance
	case s.Failed > 0 || len(s.Warnings) > 0:
		r.summary.Importance = widget.WarningImportance
	}
	if len(s.Warnings) > 0 {
		text += " · warning: " + strings.Join(s.Warnings, "; ")
	}
	r.summary.SetText(head + text)
	r.finished.Show()
	r.obj.Refresh()
	r.stats.SetText(fmt.Sprintf("%d / %d done in %s", s.Done+s.Skipped+s.Failed, s.Total, durationText(s.Wall)))
	r.w.logf("batch: %s%s", head, text)
	if s.Wall > notifyAfter {
		title := "PicPool: batch finished"
		if s.Interrupted {
			title = "PicPool: batch canceled"
		}
		r.w.app.SendNotification(fyne.NewNotification(title, text))
	}
}

func (r *runPanel) togglePause() {
	if r.run == nil {
		return
	}
	if r.run.IsPaused() {
		r.run.Resume()
		r.pause.SetText("Pause")
		r.pause.SetIcon(theme.MediaPauseIcon())
	} else {
		r.run.Pause()
		r.pause.SetText("Resume")
		r.pause.SetIcon(theme.MediaPlayIcon())
	}
}

// cancelBatch stops the batch; the ticker shows its end.
func (r *runPanel) cancelBatch() {
	if r.run == nil {
		return
	}
	r.run.Cancel() // paused workers see it too

	r.cancel.Disable()
	r.pause.Disable()
	r.stats.SetText(r.stats.Text + " · canceling…")
}

func (r *runPanel) openFolder() {
	abs, err := filepath.Abs(r.outDir)
	if err != nil {
		return
	}
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if err := r.w.app.OpenURL(u); err != nil {
		dialog.ShowError(err, r.w.win)
	}
}
