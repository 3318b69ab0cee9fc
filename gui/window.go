// Package gui is PicPool's window: drop folders, build a filter chain, watch
// the workers. Each part of the screen is a small struct that owns its
// widgets (inputs.go, chain.go, preview.go, output.go, presets.go, run.go
// with isolation.go, resume.go and watch.go, workers.go, benchmark.go);
// Window (this file) lays them out and joins them. The window
// knows the batch engine only through the Engine interface (engine.go).
//
// Threading: widgets are touched only on the UI goroutine. Work (walking
// folders, reading headers, previews, batches) runs on goroutines that hand
// their results back through Window.do (fyne.Do), batched: a running batch is
// shown by one ticker that applies one snapshot per tick.
package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/processing"
)

// AppID is the application's identifier (preferences and storage live under it).
const AppID = "io.github.picpool"

// Window is PicPool's main window.
type Window struct {
	app fyne.App
	win fyne.Window
	eng Engine
	// uiDo runs a function on the UI goroutine: fyne.Do, or a queue in
	// tests. Use do, which drops functions once the window is closed.
	uiDo   func(func())
	log    io.Writer
	closed atomic.Bool
	once   sync.Once

	ctx  context.Context // cancelled by Close: stops background work
	stop context.CancelFunc
	bg   sync.WaitGroup // background goroutines, joined by Close

	tabs    *container.AppTabs
	about   *widget.Button
	inputs  *inputsPanel
	chain   *chainEditor
	preview *previewPanel
	output  *outputPanel
	color   *colorPart
	presets *presetsBar
	run     *runPanel
	bench   *benchPanel

	loading      bool     // settings are being applied: don't save them back
	onInputsDone []func() // called once after the next inputs are added
	tempMu       sync.Mutex
	tempDirs     []string // extracted samples, removed by Close
}

// Main opens the window with the given files and folders as inputs and runs
// the app until the window is closed.
func Main(inputs []string) {
	a := app.NewWithID(AppID)
	w := New(a, NewEngine())
	w.autostart()
	if len(inputs) > 0 {
		w.AddInputs(inputs)
	}
	w.win.ShowAndRun()
	w.Close()
}

// New builds the window for app a over engine eng; it is not shown yet.
func New(a fyne.App, eng Engine) *Window {
	return newWindow(a, eng, fyne.Do, os.Stderr)
}

func newWindow(a fyne.App, eng Engine, do func(func()), log io.Writer) *Window {
	w := &Window{app: a, eng: eng, uiDo: do, log: log}
	w.ctx, w.stop = context.WithCancel(context.Background())
	w.win = a.NewWindow("PicPool")

	w.inputs = newInputsPanel(w)
	w.chain = newChainEditor(w)
	w.preview = newPreviewPanel(w)
	w.output = newOutputPanel(w)
	w.color = newColorPart(w)
	w.presets = newPresetsBar(w)
	w.run = newRunPanel(w)

	w.loadLast()

	right := container.NewVSplit(w.preview.obj, container.NewBorder(nil, w.color.obj, nil, nil, w.output.obj))
	right.Offset = 0.48
	middle := container.NewHSplit(w.chain.obj, right)
	middle.Offset = 0.45
	top := container.NewHSplit(w.inputs.obj, middle)
	top.Offset = 0.3
	main := container.NewVSplit(top, w.run.obj)
	main.Offset = 0.68
	w.about = newAboutButton(w)
	bar := container.NewBorder(nil, nil, nil, w.about, w.presets.obj)
	batch := container.NewBorder(bar, nil, nil, nil, main)

	w.tabs = container.NewAppTabs(container.NewTabItem("Batch", batch))
	w.bench = newBenchPanel(w, windowBench{w})
	w.AddTab("Benchmark", w.bench.obj)
	w.win.SetContent(w.tabs)
	w.win.Resize(fyne.NewSize(1200, 800))
	w.win.SetOnDropped(w.dropped)
	w.win.SetOnClosed(w.Close)
	return w
}

// Window returns the Fyne window.
func (w *Window) Window() fyne.Window { return w.win }

// AddTab adds a tab beside "Batch" (the benchmark screen, for one).
func (w *Window) AddTab(title string, content fyne.CanvasObject) {
	w.tabs.Append(container.NewTabItem(title, content))
}

// AddInputs adds files and folders as inputs; folders are walked in the
// background.
func (w *Window) AddInputs(paths []string) { w.inputs.add(paths) }

// Inputs returns the inputs listed on the Batch tab. Call it on the UI
// goroutine.
func (w *Window) Inputs() engine.Batch { return w.inputs.batch("") }

// SetWorkers puts a worker count into the Batch tab and remembers it for
// the next start. Call it on the UI goroutine.
func (w *Window) SetWorkers(n int) {
	n = max(1, min(n, int(workersParam.Max)))
	w.run.setWorkers(n)
	w.app.Preferences().SetInt(prefWorkers, n)
}

// dropped is the window's drop handler: every dropped file or folder
// becomes an input.
func (w *Window) dropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() != "file" {
			w.logf("dropped %s: not a local file, ignored", u)
			continue
		}
		paths = append(paths, u.Path())
	}
	if len(paths) > 0 {
		w.AddInputs(paths)
	}
}

// Close cancels background work and any running batch, waits for them to
// end (so no partial output is left behind) and removes extracted samples.
// It is safe to call more than once.
func (w *Window) Close() {
	w.once.Do(func() {
		w.closed.Store(true)
		w.stop()
		w.bg.Wait()
		w.tempMu.Lock()
		for _, d := range w.tempDirs {
			os.RemoveAll(d)
		}
		w.tempDirs = nil
		w.tempMu.Unlock()
	})
}

// tempDir makes a temporary folder that Close removes.
func (w *Window) tempDir(pattern string) (string, error) {
	w.tempMu.Lock()
	defer w.tempMu.Unlock()
	if w.closed.Load() {
		return "", errors.New("the window is closed")
	}
	dir, err := os.MkdirTemp("", pattern)
	if err == nil {
		w.tempDirs = append(w.tempDirs, dir)
	}
	return dir, err
}

// do runs f on the UI goroutine, unless the window has been closed.
func (w *Window) do(f func()) {
	if w.closed.Load() {
		return
	}
	w.uiDo(func() {
		if !w.closed.Load() {
			f()
		}
	})
}

// goBackground runs f on a goroutine that Close waits for.
func (w *Window) goBackground(f func()) {
	w.bg.Add(1)
	go func() {
		defer w.bg.Done()
		f()
	}()
}

func (w *Window) logf(format string, args ...any) {
	fmt.Fprintf(w.log, "picpool: "+format+"\n", args...)
}

// current returns the window's settings as a preset (chain and output
// options) and the output folder.
func (w *Window) current() (processing.Preset, string) {
	p := w.output.preset()
	p.Filters = w.chain.chainCopy()
	w.color.fill(&p)
	return p, w.output.folder()
}

// apply puts a preset's settings into the editors.
func (w *Window) apply(p processing.Preset) {
	w.loading = true
	w.chain.setChain(p.Filters)
	w.output.setPreset(p)
	w.color.setPreset(p)
	w.loading = false
	w.settingsChanged()
}

// settingsChanged is called by the editors after every valid change: it
// refreshes the preview and remembers the settings for the next start.
func (w *Window) settingsChanged() {
	if w.loading {
		return
	}
	w.preview.request()
	w.saveLast()
}

// Preferences keys for the last used settings.
const (
	prefLast    = "last.settings" // a preset's JSON
	prefLastOut = "last.output"
	prefWorkers = "last.workers"
)

func (w *Window) saveLast() {
	p, out := w.current()
	prefs := w.app.Preferences()
	prefs.SetString(prefLastOut, out)
	if p.Validate() != nil {
		return // keep the last valid settings
	}
	if data, err := p.MarshalIndent(); err == nil {
		prefs.SetString(prefLast, string(data))
	}
}

func (w *Window) loadLast() {
	prefs := w.app.Preferences()
	data := prefs.String(prefLast)
	w.loading = true
	defer func() { w.loading = false }()
	w.output.setFolder(prefs.String(prefLastOut))
	if n := prefs.Int(prefWorkers); n > 0 {
		w.run.setWorkers(n)
	}
	if m, err := engine.ParseIsolation(prefs.String(prefIsolation)); err == nil {
		w.run.iso.set(m)
	}
	if data == "" {
		return
	}
	p, err := processing.ParsePreset([]byte(data))
	if err != nil {
		w.logf("last settings not restored: %v", err)
		return
	}
	w.chain.setChain(p.Filters)
	w.output.setPreset(p)
	w.color.setPreset(p)
}

// autostart starts a batch as soon as the inputs are loaded when
// PICPOOL_AUTOSTART=1 and PICPOOL_OUT names the output folder; PICPOOL_CHAIN
// may give the filter chain in the command line's text form. It exists for
// scripts/window-test.sh, which screenshots a batch in progress. (Another
// diagnostic variable, PICPOOL_DEBUG_TICKS=1, logs how late each progress
// update reaches the screen: see run.go.)
func (w *Window) autostart() {
	if os.Getenv("PICPOOL_AUTOSTART") != "1" || os.Getenv("PICPOOL_OUT") == "" {
		return
	}
	if text := os.Getenv("PICPOOL_CHAIN"); text != "" {
		c, err := processing.ParseChain(text)
		if err != nil {
			w.logf("PICPOOL_CHAIN: %v", err)
		} else {
			w.chain.setChain(c)
		}
	}
	w.output.setFolder(os.Getenv("PICPOOL_OUT"))
	w.onInputsDone = append(w.onInputsDone, func() {
		w.logf("autostart: output in %s", w.output.folder())
		w.run.startBatch()
	})
}

// inputsAdded runs the one-shot hooks waiting for inputs.
func (w *Window) inputsAdded() {
	hooks := w.onInputsDone
	w.onInputsDone = nil
	for _, f := range hooks {
		f()
	}
}

// fileURI turns a path into a URI for dialogs.
func fileURI(path string) fyne.ListableURI {
	if strings.TrimSpace(path) == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(path))
	if err != nil {
		return nil
	}
	return l
}
