package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/engine"
)

// Where the workers run (engine.Settings.Isolation): goroutines of this
// app, or one child process per worker, so that a file that crashes its
// decoder or runs out of memory fails alone. The choice is saved with the
// last-used settings.

const prefIsolation = "last.isolation"

// The switch's options, in the order of isolationModes, and what each
// means, shown beside it.
var (
	isolationOptions = []string{"threads", "processes"}
	isolationModes   = []engine.Isolation{engine.Goroutines, engine.Processes}
	isolationWhy     = []string{
		"(in this app; fastest, but out-of-memory stops the app)",
		"(separate: a crash or out-of-memory costs only its file)",
	}
)

// isolationChoice is the switch "Workers … run as (•) threads ( ) processes",
// and a caption that says what the choice means.
type isolationChoice struct {
	radio *widget.RadioGroup
	why   *widget.Label
	obj   fyne.CanvasObject // "run as" and the radio buttons
}

// newIsolationChoice makes the switch; changed is called after the user
// (or set) changes it.
func newIsolationChoice(changed func(engine.Isolation)) *isolationChoice {
	c := &isolationChoice{}
	c.why = widget.NewLabel("")
	c.why.SizeName = theme.SizeNameCaptionText
	c.why.Importance = widget.LowImportance
	c.why.Truncation = fyne.TextTruncateEllipsis
	c.radio = widget.NewRadioGroup(isolationOptions, func(string) {
		c.explain()
		changed(c.mode())
	})
	c.radio.Horizontal = true
	c.radio.Required = true
	c.radio.Selected = isolationOptions[0]
	c.explain()
	c.obj = container.NewHBox(widget.NewLabelWithStyle("run as", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), c.radio)
	return c
}

// explain shows what the chosen mode means.
func (c *isolationChoice) explain() {
	for i, o := range isolationOptions {
		if c.radio.Selected == o {
			c.why.SetText(isolationWhy[i])
		}
	}
}

// mode is the chosen isolation.
func (c *isolationChoice) mode() engine.Isolation {
	for i, o := range isolationOptions {
		if c.radio.Selected == o {
			return isolationModes[i]
		}
	}
	return engine.Goroutines
}

// set shows an isolation mode.
func (c *isolationChoice) set(m engine.Isolation) {
	for i, mm := range isolationModes {
		if mm == m {
			c.radio.SetSelected(isolationOptions[i])
		}
	}
}

func (c *isolationChoice) enable(on bool) {
	if on {
		c.radio.Enable()
	} else {
		c.radio.Disable()
	}
}

// processText is a worker process's row figures: "PID 4242 · 97% · 48.1 MB",
// or its peak memory once it has ended.
func processText(p engine.WorkerProcess) string {
	var s string
	switch {
	case p.PID > 0:
		s = fmt.Sprintf("PID %d · %.0f%% · %s", p.PID, p.CPUPercent, bytesText(int64(p.RSS)))
	case p.PeakRSS > 0:
		s = "ended · peak " + bytesText(int64(p.PeakRSS))
	default:
		s = "no process"
	}
	if p.Lost > 0 {
		s += fmt.Sprintf(" · %d lost", p.Lost)
	}
	return s
}

// processesText sums the worker processes for the workers' header.
func processesText(procs []engine.WorkerProcess) string {
	var cpu float64
	var rss uint64
	alive := 0
	for _, p := range procs {
		if p.PID > 0 {
			alive++
			cpu += p.CPUPercent
			rss += p.RSS
		}
	}
	if alive == 0 {
		return "worker processes ended"
	}
	return fmt.Sprintf("%s: CPU %.0f%% · memory %s", plural(alive, "process", "processes"), cpu, bytesText(int64(rss)))
}
