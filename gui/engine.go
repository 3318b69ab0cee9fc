package gui

import (
	"context"
	"image"
	"os"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/pool"
)

// Engine is all the window needs from the batch engine. The window never
// imports a widget into the engine nor the engine's internals into a widget:
// Real is the adapter over engine, processing and pool; tests use it too,
// since they run real batches.
type Engine interface {
	// Collect expands dropped or chosen files and folders into inputs.
	Collect(ctx context.Context, paths []string) engine.Batch
	// Probe reads an input's header (format, size, orientation).
	Probe(path string) (codec.Info, error)
	// PreviewBase decodes an input upright and shrinks it so that its
	// longest side is at most maxSide pixels.
	PreviewBase(path string, maxSide int) (*image.NRGBA, codec.Info, error)
	// Start checks the settings and starts a batch.
	Start(ctx context.Context, b engine.Batch, s engine.Settings) (Run, error)
	// Machine reads the core counts and memory.
	Machine() (pool.Machine, error)
	// ProcStats samples this process's CPU use and memory; ok is false when
	// it cannot be read.
	ProcStats() (st pool.ProcStats, ok bool)
	// Unfinished reports whether the last batch written into an output
	// folder stopped before its end, with what it had done (its resume
	// journal): Start offers to resume it.
	Unfinished(outDir string) (engine.JournalRun, bool)
}

// Run is a batch in progress, as *engine.Run provides it.
type Run interface {
	Snapshot() pool.Snapshot
	Pause()
	Resume()
	IsPaused() bool
	Cancel()
	Done() <-chan struct{}
	Records(from int) []engine.Record
	Wait() engine.Summary
	// Processes samples the worker processes (process isolation), in the
	// order of Snapshot's workers; nil when workers are goroutines.
	Processes() []engine.WorkerProcess
}

// previewMaxPixels keeps a preview from decoding a huge image: bigger inputs
// say so instead of taking seconds and gigabytes.
const previewMaxPixels = 64_000_000

// Real is the Engine backed by the engine, processing and pool packages.
type Real struct {
	sampler *pool.ProcSampler
	colors  *codec.ColorConverter // the previews' colour transforms
}

// NewEngine returns the real engine adapter.
func NewEngine() *Real {
	s, _ := pool.NewProcSampler(int32(os.Getpid()))
	return &Real{sampler: s, colors: codec.NewColorConverter()}
}

// Collect walks the inputs with engine.Collect.
func (r *Real) Collect(ctx context.Context, paths []string) engine.Batch {
	return engine.Collect(ctx, paths, "")
}

// Probe reads the header with the default pixel limit.
func (r *Real) Probe(path string) (codec.Info, error) {
	return codec.Probe(path, codec.DecodeOptions{})
}

// PreviewBase decodes and shrinks one input, in sRGB.
func (r *Real) PreviewBase(path string, maxSide int) (*image.NRGBA, codec.Info, error) {
	d, err := codec.Decode(path, codec.DecodeOptions{MaxPixels: previewMaxPixels})
	if err != nil {
		return nil, codec.Info{}, err
	}
	img := r.colors.ForScreen(d) // as the output will look (in sRGB), whatever the file's profile
	b := img.Bounds()
	if b.Dx() > maxSide || b.Dy() > maxSide {
		return imaging.Fit(img, maxSide, maxSide, imaging.Linear), d.Info, nil
	}
	return imaging.Clone(img), d.Info, nil
}

// Start starts a batch with engine.Start.
func (r *Real) Start(ctx context.Context, b engine.Batch, s engine.Settings) (Run, error) {
	run, err := engine.Start(ctx, b, s)
	if err != nil {
		return nil, err
	}
	return run, nil
}

// Machine reads the machine with pool.ReadMachine.
func (r *Real) Machine() (pool.Machine, error) { return pool.ReadMachine() }

// ProcStats samples this process.
func (r *Real) ProcStats() (pool.ProcStats, bool) {
	if r.sampler == nil {
		return pool.ProcStats{}, false
	}
	st, err := r.sampler.Sample()
	return st, err == nil
}

// Unfinished reads the output folder's resume journal.
func (r *Real) Unfinished(outDir string) (engine.JournalRun, bool) {
	return engine.Unfinished(outDir)
}
