package gui

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/samples"
)

// testdata is the project's shared test images, seen from this package.
const testdata = "../../shared/testdata"

// uiQueue stands in for the UI goroutine's queue: background goroutines
// queue functions with do, and the test goroutine runs them with pump. So
// every widget is touched by the test goroutine only, as on a real screen
// where only the main goroutine touches them, and the race detector agrees.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

func (q *uiQueue) pump() {
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}

// syncBuffer is a log the window writes from any goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	t   *testing.T
	app fyne.App
	w   *Window
	q   *uiQueue
	log *syncBuffer
}

// newHarness opens a window on the test driver with the real engine.
func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWithApp(t, test.NewTempApp(t))
}

func newHarnessWithApp(t *testing.T, a fyne.App) *harness {
	t.Helper()
	return newEngineHarness(t, a, NewEngine())
}

// waitFor runs the UI queue until cond holds, failing the test after timeout.
func (h *harness) waitFor(what string, timeout time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		h.q.pump()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// drop drops paths on the window as a file manager would.
func (h *harness) drop(paths ...string) {
	h.t.Helper()
	var uris []fyne.URI
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			h.t.Fatal(err)
		}
		uris = append(uris, storage.NewFileURI(abs))
	}
	h.w.dropped(fyne.NewPos(300, 300), uris)
}

// dropAndWait drops paths and waits until n inputs are listed with their
// headers read.
func (h *harness) dropAndWait(n int, paths ...string) {
	h.t.Helper()
	h.drop(paths...)
	h.waitFor("inputs to load", 20*time.Second, func() bool {
		if len(h.w.inputs.items) != n || h.w.inputs.pending > 0 {
			return false
		}
		for _, it := range h.w.inputs.items {
			if !it.probed {
				return false
			}
		}
		return true
	})
}

// sample extracts the embedded samples and returns the path of the one
// called name (800x600 or 600x800: cheap to decode under the race detector).
func sample(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := samples.Extract(dir); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// addStep chooses a filter kind by title and taps "Add step".
func (h *harness) addStep(title string) *stepCard {
	h.t.Helper()
	h.w.chain.kind.SetSelected(title)
	test.Tap(h.w.chain.add)
	return h.w.chain.cards[len(h.w.chain.cards)-1]
}

// typeInto replaces an entry's text by typing.
func typeInto(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// texts collects the text of every label and canvas text shown under obj,
// through the widgets' renderers: what is on screen.
func texts(obj fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
			return
		case *canvas.Text:
			out = append(out, v.Text)
			return
		case *widget.Button:
			out = append(out, v.Text)
			return
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(obj)
	return out
}

// shows reports whether some text under obj contains sub.
func shows(obj fyne.CanvasObject, sub string) bool {
	for _, s := range texts(obj) {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// findButton finds a visible button by its text under obj.
func findButton(obj fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Button:
			if v.Text == text {
				found = v
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(obj)
	return found
}
