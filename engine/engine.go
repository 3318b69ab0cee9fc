// Package engine joins processing (what happens to one image) and pool (how
// many run at once): files become jobs, jobs run on workers, results become
// records, and a snapshot of the pool tells the screen what is going on. The
// command line and the window both drive batches through it.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

// Settings is a whole batch's configuration.
type Settings struct {
	Processing processing.Settings
	Workers    int // 0: one per logical core
	// AllowSourceOverwrite must be set for a batch whose outputs would
	// replace its own sources (output folder = input folder, same names,
	// on-exists overwrite).
	AllowSourceOverwrite bool
	MemoryBudget         int64 // bytes, 0 = none
	FanOut               bool  // see pool.Options.FanOut
}

// Batch is the list of inputs found, and of those left out with a reason.
type Batch struct {
	Sources []processing.Source
	Skipped []processing.Skipped
}

// Collect walks the inputs (files and folders), leaving out the output
// folder if it lies inside one of them.
func Collect(ctx context.Context, inputs []string, outDir string) Batch {
	src, skipped := processing.Collect(ctx, inputs, processing.CollectOptions{Exclude: outDir})
	return Batch{Sources: src, Skipped: skipped}
}

// ErrOverwritesSources is returned by Start when outputs would replace
// sources and Settings.AllowSourceOverwrite is not set.
var ErrOverwritesSources = errors.New("the output folder would overwrite source files")

// Record is one input's outcome, as written to the JSON report.
type Record struct {
	Input    string             `json:"input"`
	Status   string             `json:"status"` // done, skipped, failed, canceled
	Output   string             `json:"output,omitempty"`
	Error    string             `json:"error,omitempty"`
	Reason   string             `json:"reason,omitempty"` // a stable error class: "truncated", "too large", …
	Worker   int                `json:"worker"`
	Width    int                `json:"width,omitempty"` // output size
	Height   int                `json:"height,omitempty"`
	BytesIn  int64              `json:"bytes_in"`
	BytesOut int64              `json:"bytes_out,omitempty"`
	StageMS  map[string]float64 `json:"stage_ms,omitempty"` // milliseconds per stage
	TotalMS  float64            `json:"total_ms"`
}

// Summary is the end of a batch.
type Summary struct {
	Total, Done, Skipped, Failed, Canceled int
	BytesIn, BytesOut                      int64
	Megapixels                             float64
	Wall                                   time.Duration
	Interrupted                            bool // cancelled before the end
}

// PerSecond is the throughput in images per second.
func (s Summary) PerSecond() float64 {
	if s.Wall <= 0 {
		return 0
	}
	return float64(s.Done+s.Skipped+s.Failed) / s.Wall.Seconds()
}

// Run is a batch in progress.
type Run struct {
	pool   *pool.Pool
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	records []Record
	summary Summary
}

// Check validates settings and the batch without running anything: the
// filter chain, the encoder options, and that no output replaces a source
// unless allowed.
func Check(b Batch, s Settings) (*processing.Processor, error) {
	ps := s.Processing
	ps.OverwriteSources = s.AllowSourceOverwrite
	proc, err := processing.NewProcessor(ps)
	if err != nil {
		return nil, err
	}
	if s.Processing.OnExists == processing.Overwrite && !s.AllowSourceOverwrite {
		for _, src := range b.Sources {
			// The real format is known only after reading the header; the
			// extension of the source is a good guess for "same".
			target := s.Processing.Naming.Target(src, guessFormat(src, s.Processing.Format))
			if samePath(src.Path, target) {
				return nil, fmt.Errorf("%w (%s would be replaced); choose another folder, a prefix or suffix, or allow it explicitly", ErrOverwritesSources, src.Path)
			}
		}
	}
	return proc, nil
}

func samePath(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(sa, sb)
	}
	aa, _ := filepath.Abs(a)
	bb, _ := filepath.Abs(b)
	return aa == bb
}

// Start checks the settings and starts the batch in the background.
func Start(ctx context.Context, b Batch, s Settings) (*Run, error) {
	proc, err := Check(b, s)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &Run{cancel: cancel, done: make(chan struct{})}
	r.pool = pool.New(pool.Options{
		Workers:      s.Workers,
		MemoryBudget: s.MemoryBudget,
		FanOut:       s.FanOut,
		OnResult:     r.record,
	})
	sources := planNames(b.Sources, s.Processing)
	jobs := make([]pool.Job, len(sources))
	for i, src := range sources {
		jobs[i] = pool.Job{ID: i, Name: src.Path, Size: src.Size, Run: jobFor(proc, src)}
	}
	go func() {
		defer close(r.done)
		defer cancel()
		err := r.pool.Run(ctx, jobs)
		snap := r.pool.Snapshot()
		t := snap.Totals
		r.mu.Lock()
		r.summary = Summary{
			Total: t.Total, Done: t.Done, Skipped: t.Skipped, Failed: t.Failed, Canceled: t.Canceled,
			BytesIn: t.BytesIn, BytesOut: t.BytesOut, Megapixels: t.Megapixels(), Wall: t.Elapsed,
			Interrupted: err != nil,
		}
		r.mu.Unlock()
	}()
	return r, nil
}

// jobFor makes the pool job that processes one source.
func jobFor(proc *processing.Processor, src processing.Source) func(context.Context, pool.Progress) pool.Outcome {
	return func(ctx context.Context, p pool.Progress) pool.Outcome {
		res, err := proc.Process(ctx, src, func(stage string) error { return p.Stage(pool.State(stage)) })
		out := pool.Outcome{Status: pool.Done, BytesOut: res.BytesOut, Pixels: res.Info.Pixels(), Value: res}
		if err != nil {
			out.Err = err
			switch processing.KindOf(err) {
			case processing.ErrExists:
				out.Status = pool.Skipped
			case processing.ErrCanceled:
				out.Status = pool.Canceled
			default:
				out.Status = pool.Failed
			}
		}
		return out
	}
}

// record turns a pool result into a Record; it runs on the worker, briefly.
func (r *Run) record(res pool.Result) {
	rec := Record{
		Input: res.Job.Name, Status: res.Status.String(), Worker: res.Worker, BytesIn: res.Job.Size,
		BytesOut: res.BytesOut, TotalMS: ms(res.Duration),
	}
	if pr, ok := res.Value.(processing.Result); ok {
		rec.Output, rec.Width, rec.Height = pr.Output, pr.Width, pr.Height
	}
	if res.Err != nil {
		rec.Error = res.Err.Error()
		rec.Reason = processing.KindOf(res.Err).String()
		var pe *pool.PanicError
		if errors.As(res.Err, &pe) {
			rec.Reason = "crash"
		}
	}
	if rec.Status != "done" {
		rec.Width, rec.Height = 0, 0
		if rec.Status != "skipped" {
			rec.Output = ""
		}
	}
	if len(res.Stages) > 0 {
		rec.StageMS = make(map[string]float64, len(res.Stages))
		for _, st := range res.Stages {
			rec.StageMS[string(st.Stage)] += ms(st.Duration)
		}
	}
	r.mu.Lock()
	r.records = append(r.records, rec)
	r.mu.Unlock()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Snapshot is the pool's live status.
func (r *Run) Snapshot() pool.Snapshot { return r.pool.Snapshot() }

// Pause stops workers at their next stage boundary; Resume lets them go on.
func (r *Run) Pause()         { r.pool.Pause() }
func (r *Run) Resume()        { r.pool.Resume() }
func (r *Run) IsPaused() bool { return r.pool.IsPaused() }

// Cancel stops the batch: running files are abandoned with no output left
// behind, files not started are reported canceled.
func (r *Run) Cancel() { r.cancel() }

// Done is closed when the batch has ended.
func (r *Run) Done() <-chan struct{} { return r.done }

// Records returns the records finished since index from, in finishing order.
func (r *Run) Records(from int) []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	if from >= len(r.records) {
		return nil
	}
	return append([]Record(nil), r.records[from:]...)
}

// Wait blocks until the batch ends and returns its summary.
func (r *Run) Wait() Summary {
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.summary
}
