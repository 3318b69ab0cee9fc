package gui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/pool"
)

// workersView is the live list of workers, one row each: state, current
// file, jobs done, time on the current job. When workers are goroutines of
// this process, its CPU and memory are shown in the header; when they are
// separate processes, each row also shows its process's PID, CPU and
// resident memory, and the header their sum.
type workersView struct {
	workers []pool.WorkerStatus
	procs   []engine.WorkerProcess // by worker; nil when workers are goroutines
	header  *widget.Label
	list    *widget.List
	hint    *widget.Label
	obj     fyne.CanvasObject
}

func newWorkersView() *workersView {
	v := &workersView{}
	v.header = widget.NewLabelWithStyle("Workers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.list = widget.NewList(func() int { return len(v.workers) }, v.newRow, v.updateRow)
	v.hint = widget.NewLabel("Each worker shows here while a batch runs: what it is doing, on which file, for how long (and, as a separate process, its PID, CPU and memory).")
	v.hint.Wrapping = fyne.TextWrapWord
	v.hint.Importance = widget.LowImportance
	v.obj = container.NewBorder(v.header, nil, nil, nil, container.NewStack(v.list, container.NewVBox(v.hint)))
	return v
}

func (v *workersView) newRow() fyne.CanvasObject {
	id := widget.NewLabelWithStyle("#00", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	state := widget.NewLabel("")
	file := widget.NewLabel("")
	file.Truncation = fyne.TextTruncateEllipsis
	done := widget.NewLabel("")
	done.Alignment = fyne.TextAlignTrailing
	onJob := widget.NewLabel("")
	onJob.Alignment = fyne.TextAlignTrailing
	proc := widget.NewLabel("")
	proc.Truncation = fyne.TextTruncateEllipsis
	procBox := sized(proc, 200, 0)
	procBox.Hide()
	return container.NewBorder(nil, nil,
		container.NewHBox(id, sized(state, 90, 0)),
		container.NewHBox(sized(done, 70, 0), sized(onJob, 60, 0), procBox),
		file)
}

func (v *workersView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.workers) {
		return
	}
	ws := v.workers[i]
	row := o.(*fyne.Container)
	file := row.Objects[0].(*widget.Label)
	left := row.Objects[1].(*fyne.Container)
	right := row.Objects[2].(*fyne.Container)
	left.Objects[0].(*widget.Label).SetText(fmt.Sprintf("#%d", ws.ID+1))
	state := stackedLabel(left.Objects[1])
	state.SetText(string(ws.State))
	if ws.Current != "" {
		file.SetText(filepath.Base(ws.Current))
	} else {
		file.SetText("—")
	}
	stackedLabel(right.Objects[0]).SetText(fmt.Sprintf("%d done", ws.JobsDone))
	onJob := ""
	if ws.OnJob > 0 {
		onJob = durationText(ws.OnJob)
	}
	stackedLabel(right.Objects[1]).SetText(onJob)
	procBox := right.Objects[2]
	if i >= len(v.procs) {
		if procBox.Visible() {
			procBox.Hide()
			right.Refresh()
		}
		return
	}
	stackedLabel(procBox).SetText(processText(v.procs[i]))
	if !procBox.Visible() {
		procBox.Show()
		right.Refresh()
	}
}

// stackedLabel finds the label in a sized() stack.
func stackedLabel(o fyne.CanvasObject) *widget.Label {
	return o.(*fyne.Container).Objects[1].(*widget.Label)
}

// show puts one snapshot of the workers on screen, with their processes'
// figures (nil for goroutine workers): only the visible rows are refreshed.
func (v *workersView) show(ws []pool.WorkerStatus, procs []engine.WorkerProcess, ps pool.ProcStats, psOK bool) {
	v.workers, v.procs = ws, procs
	busy := 0
	for _, w := range ws {
		if w.Current != "" {
			busy++
		}
	}
	text := fmt.Sprintf("Workers: %d busy of %d", busy, len(ws))
	if procs != nil {
		text += " · " + processesText(procs)
	} else if psOK {
		text += fmt.Sprintf(" · process CPU %.0f%% · memory %s", ps.CPUPercent, bytesText(int64(ps.RSS)))
	}
	v.header.SetText(text)
	if v.hint.Visible() {
		v.hint.Hide()
	}
	v.list.Refresh()
}

// failuresView lists the files that failed, with the reason, as they fail,
// and those written with warnings (metadata dropped as unreadable, …).
type failuresView struct {
	failed []engine.Record // failed and warned, in finishing order
	nFail  int
	nWarn  int
	header *widget.Label
	list   *widget.List
	obj    fyne.CanvasObject
}

func newFailuresView() *failuresView {
	v := &failuresView{}
	v.header = widget.NewLabelWithStyle("Failures", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.list = widget.NewList(func() int { return len(v.failed) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			why := widget.NewLabel("")
			why.Truncation = fyne.TextTruncateEllipsis
			why.Importance = widget.DangerImportance
			return container.NewBorder(nil, nil, name, nil, why)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.failed) {
				return
			}
			rec := v.failed[i]
			row := o.(*fyne.Container)
			row.Objects[1].(*widget.Label).SetText(shortPath(rec.Input))
			why := row.Objects[0].(*widget.Label)
			why.Importance = widget.DangerImportance
			if rec.Status != "failed" {
				why.Importance = widget.WarningImportance
			}
			why.SetText(failureText(rec))
		})
	v.obj = container.NewBorder(v.header, nil, nil, nil, v.list)
	v.reset()
	return v
}

// failureText is a failed record's reason and message: "truncated: …", or
// a warned record's warnings: "warning: EXIF dropped: …".
func failureText(rec engine.Record) string {
	if rec.Status != "failed" {
		return "warning: " + strings.Join(rec.Warnings, "; ")
	}
	if rec.Reason != "" && rec.Reason != "error" {
		return rec.Reason + ": " + rec.Error
	}
	return rec.Error
}

func (v *failuresView) reset() {
	v.failed, v.nFail, v.nWarn = nil, 0, 0
	v.header.SetText("Failures: none")
	v.list.Refresh()
}

// add appends the failed records among recs, and the warned ones.
func (v *failuresView) add(recs []engine.Record) {
	n := len(v.failed)
	for _, rec := range recs {
		switch {
		case rec.Status == "failed":
			v.nFail++
		case len(rec.Warnings) > 0:
			v.nWarn++
		default:
			continue
		}
		v.failed = append(v.failed, rec)
	}
	if len(v.failed) == n {
		return
	}
	text := "Failures: none"
	if v.nFail > 0 {
		text = fmt.Sprintf("Failures: %d", v.nFail)
	}
	if v.nWarn > 0 {
		text += fmt.Sprintf(" · warnings: %d", v.nWarn)
	}
	v.header.SetText(text)
	v.list.Refresh()
	v.list.ScrollToBottom()
}
