package gui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/samples"
)

// The "Workers run as" switch is saved with the last-used settings, comes
// back in the next window, and reaches engine.Settings.Isolation; a real
// batch in process mode shows each worker process's PID, CPU and memory in
// the worker rows (children of this test binary, see TestMain) and writes
// every output.
func TestProcessWorkersShowTheirProcesses(t *testing.T) {
	a := test.NewTempApp(t)
	eng := &recordingEngine{Real: NewEngine()}
	h := newEngineHarness(t, a, eng)
	r := h.w.run
	if r.iso.mode() != engine.Goroutines {
		t.Fatalf("default isolation %q, want goroutine", r.iso.mode())
	}
	if !shows(r.obj, "run as") || !shows(r.obj, "threads") || !shows(r.obj, "processes") {
		t.Errorf("the switch is not shown: %q", texts(r.iso.obj))
	}
	r.iso.radio.SetSelected(isolationOptions[1]) // what a tap does
	if !shows(r.obj, "(separate: a crash or out-of-memory costs only its file)") {
		t.Errorf("process mode explained as %q", texts(r.iso.why))
	}
	if got := a.Preferences().String(prefIsolation); got != string(engine.Processes) {
		t.Fatalf("saved isolation %q, want process", got)
	}
	again := newEngineHarness(t, a, NewEngine())
	if got := again.w.run.iso.mode(); got != engine.Processes {
		t.Fatalf("next window: isolation %q, want process", got)
	}
	again.w.Close()

	out := h.setUp("resize=240x0", 2)
	test.Tap(r.start)
	h.waitFor("the batch to start", 20*time.Second, func() bool { return r.run != nil })
	test.Tap(r.pause) // hold the processes on screen, however fast the machine
	if s := eng.settings(); s.Isolation != engine.Processes || !s.Journal || s.Resume {
		t.Errorf("settings: isolation %q, journal %v, resume %v; want process, true, false", s.Isolation, s.Journal, s.Resume)
	}
	var pids []int
	h.waitFor("two worker processes in the rows", 30*time.Second, func() bool {
		pids = pids[:0]
		for _, p := range r.view.procs {
			if p.PID > 0 && p.PID != os.Getpid() && shows(r.view.list, fmt.Sprintf("PID %d · ", p.PID)) {
				pids = append(pids, p.PID)
			}
		}
		return len(pids) == 2
	})
	if pids[0] == pids[1] || !strings.Contains(r.view.header.Text, "2 processes: CPU ") {
		t.Errorf("PIDs %v, header %q", pids, r.view.header.Text)
	}
	test.Tap(r.pause) // Resume
	h.waitFor("the batch to end", 90*time.Second, func() bool { return r.result != nil })
	n := len(samples.Names())
	if s := *r.result; s.Done != n || s.Failed != 0 || s.Interrupted {
		t.Fatalf("summary %+v, want %d done", s, n)
	}
	if files := outputs(t, out); len(files) != n {
		t.Fatalf("%d outputs, want %d", len(files), n)
	}
	if !shows(r.view.list, "ended · peak ") {
		t.Errorf("rows after the end: %q", texts(r.view.list))
	}
}
