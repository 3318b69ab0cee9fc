package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/isolation"
	"github.com/picpool/picpool/processing"
)

// TestMain makes the test binary a worker process when the engine starts it
// as one: in process isolation the engine runs this program (here the test
// binary, see isolation.DefaultCommand) with the hidden "__worker" command,
// which picpool's command line serves and this does the same.
func TestMain(m *testing.M) {
	if (len(os.Args) == 2 || len(os.Args) == 3) && os.Args[1] == isolation.WorkerCommand {
		var out io.Writer = os.Stdout
		if len(os.Args) == 3 { // a gatedEngine's worker
			out = &gatedWriter{w: os.Stdout, dir: os.Args[2]}
		}
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

// gatedEngine is the real engine with its workers in processes (this test
// binary, see TestMain) that each start a file only when the test allows
// it: a worker process's k-th file (from 1) begins once a file named k, or
// one named "all", is in dir. So a batch can be held with exactly some files
// done, however fast they are processed.
type gatedEngine struct {
	*Real
	dir string
}

func newGatedEngine(t *testing.T) *gatedEngine {
	return &gatedEngine{Real: NewEngine(), dir: t.TempDir()}
}

func (e *gatedEngine) Start(ctx context.Context, b engine.Batch, s engine.Settings) (Run, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	s.Isolation = engine.Processes
	s.WorkerCommand = []string{exe, isolation.WorkerCommand, e.dir}
	return e.Real.Start(ctx, b, s)
}

// allow lets each worker process start its k-th file ("all": every file).
func (e *gatedEngine) allow(t *testing.T, k string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(e.dir, k), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// cancelAfterFirstFiles starts the batch set up in h with each worker
// process allowed one file, pauses once a file is done, cancels, lets the
// held files see the cancel and returns the batch's summary. afterCancel,
// if set, runs right after Cancel is tapped, while the files are held.
func (e *gatedEngine) cancelAfterFirstFiles(h *harness, afterCancel func()) engine.Summary {
	h.t.Helper()
	r := h.w.run
	e.allow(h.t, "1")
	test.Tap(r.start)
	h.waitFor("a first file done", 45*time.Second, func() bool {
		if r.run != nil && r.bar.Value >= 1 {
			test.Tap(r.pause)
			return true
		}
		return false
	})
	test.Tap(r.cancel)
	if afterCancel != nil {
		afterCancel()
	}
	e.allow(h.t, "all") // the held files see the cancel
	h.waitFor("the batch to stop", 30*time.Second, func() bool { return r.result != nil })
	return *r.result
}

// gatedWriter is a gated worker process's output to its supervisor: it holds
// the first stage event of each file (so the file itself) until the file is
// allowed, or the gate's folder is gone (the test is over).
type gatedWriter struct {
	w     io.Writer
	dir   string
	files int
}

func (g *gatedWriter) Write(frame []byte) (int, error) {
	// One Write per frame: a 4-byte length, then the message in JSON.
	var m struct{ Op, Stage string }
	if len(frame) > 4 && json.Unmarshal(frame[4:], &m) == nil && m.Op == "stage" && m.Stage == processing.StageDecoding {
		g.files++
		for !g.allowed(strconv.Itoa(g.files)) {
			time.Sleep(time.Millisecond)
		}
	}
	return g.w.Write(frame)
}

func (g *gatedWriter) allowed(k string) bool {
	if _, err := os.Stat(g.dir); err != nil {
		return true
	}
	for _, name := range []string{k, "all"} {
		if _, err := os.Stat(filepath.Join(g.dir, name)); err == nil {
			return true
		}
	}
	return false
}
