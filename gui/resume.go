package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/engine"
)

// Resuming: every batch the window starts keeps the resume journal in its
// output folder (engine.Settings.Journal). When Start finds there an
// unfinished batch (a crash, a kill, a power cut, or Cancel), it asks
// whether to resume it, skipping the files that batch finished, or to start
// over.

// checkResume reads the output folder's journal off the UI goroutine, then
// asks about an unfinished batch or launches this one.
func (r *runPanel) checkResume(b engine.Batch, s engine.Settings) {
	r.starting = true
	r.start.Disable()
	r.iso.enable(false)
	r.stats.SetText("Looking for an unfinished batch in the output folder…")
	eng, dir := r.w.eng, s.Processing.Naming.Dir
	r.w.goBackground(func() {
		prior, unfinished := eng.Unfinished(dir)
		r.w.do(func() {
			if unfinished {
				r.askResume(prior, b, s)
			} else {
				r.launch(b, s)
			}
		})
	})
}

// resumeChoice is an answer to the resume question.
type resumeChoice int

const (
	resumeCancel resumeChoice = iota
	resumeIt
	resumeStartOver
)

// askResume asks what to do about the unfinished batch prior: resume it,
// start over, or not start.
func (r *runPanel) askResume(prior engine.JournalRun, b engine.Batch, s engine.Settings) {
	r.stats.SetText("An unfinished batch is in the output folder: resume it?")
	msg := widget.NewLabel(resumeQuestion(prior))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons("Resume the unfinished batch?", sized(msg, 460, 0), r.w.win)
	choice := resumeCancel
	button := func(text string, c resumeChoice) *widget.Button {
		return widget.NewButton(text, func() {
			choice = c
			d.Hide()
		})
	}
	resume := button("Resume it", resumeIt)
	resume.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{button("Cancel", resumeCancel), button("Start over", resumeStartOver), resume})
	d.SetOnClosed(func() {
		switch choice {
		case resumeIt:
			s.Resume = true
			r.launch(b, s)
		case resumeStartOver:
			r.launch(b, s)
		default:
			r.idle()
			r.stats.SetText("Not started.")
		}
	})
	d.Show()
}

// resumeQuestion describes an unfinished batch and the choices.
func resumeQuestion(prior engine.JournalRun) string {
	done := prior.Resumed + prior.Done + prior.Skipped
	text := fmt.Sprintf("An unfinished batch was found in this folder (%d of %d done", done, prior.Total)
	if prior.Failed > 0 {
		text += fmt.Sprintf(", %d failed", prior.Failed)
	}
	text += ").\n\nResume it to process only the files it did not finish"
	if prior.Failed > 0 {
		text += " (failed files are tried again)"
	}
	return text + ", with the same filters and output options; or start over to take every file again (outputs already there follow the \"If exists\" choice)."
}
