package gui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/isolation"
)

// TestMain makes the test binary a worker process when the engine starts it
// as one: in process isolation the engine runs this program (here the test
// binary, see isolation.DefaultCommand) with the hidden "__worker" command,
// which picpool's command line serves and this does the same.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == isolation.WorkerCommand {
		out := os.Stdout
		os.Stdout = os.Stderr // the protocol owns standard output
		if err := isolation.Serve(os.Stdin, out); err != nil && !errors.Is(err, isolation.ErrParentGone) {
			fmt.Fprintln(os.Stderr, "gui test worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// recordingEngine is the real engine that remembers the settings of the
// last batch started.
type recordingEngine struct {
	*Real
	mu   sync.Mutex
	last engine.Settings
}

func (e *recordingEngine) Start(ctx context.Context, b engine.Batch, s engine.Settings) (Run, error) {
	e.mu.Lock()
	e.last = s
	e.mu.Unlock()
	return e.Real.Start(ctx, b, s)
}

func (e *recordingEngine) settings() engine.Settings {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.last
}

// newEngineHarness opens a window on the test driver over eng.
func newEngineHarness(t *testing.T, a fyne.App, eng Engine) *harness {
	t.Helper()
	h := &harness{t: t, app: a, q: &uiQueue{}, log: &syncBuffer{}}
	h.w = newWindow(a, eng, h.q.do, h.log)
	h.w.win.Show()
	t.Cleanup(func() {
		h.w.Close()
		if t.Failed() {
			t.Logf("window log:\n%s", h.log)
		}
	})
	return h
}
