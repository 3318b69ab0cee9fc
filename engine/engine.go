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
	"strings"
	"sync"
	"time"

	"github.com/picpool/picpool/isolation"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

// Settings is a whole batch's configuration.
type Settings struct {
	Processing processing.Settings
	Workers    int // 0: one per CPU this process may use (pool.UsableCPUs)
	// AllowSourceOverwrite must be set for a batch whose outputs would
	// replace its own sources (output folder = input folder, same names,
	// on-exists overwrite).
	AllowSourceOverwrite bool
	// MemoryBudget in bytes, 0 = none (see AutoMemoryBudget): a file starts
	// only when its estimated memory, read from its header, fits beside
	// the files running; one that needs more than the whole budget fails.
	MemoryBudget int64
	FanOut       bool // see pool.Options.FanOut

	// Isolation says where workers run: goroutines of this process ("", the
	// default) or child processes, one per worker, each on one core.
	Isolation Isolation
	// For process isolation: the worker command (nil: this program's
	// hidden "__worker" command; tests give their own binary), the time one
	// file may take (pauses not counted) and the memory one worker process
	// may use beyond its idle footprint, 0 meaning no limit.
	WorkerCommand []string
	Timeout       time.Duration
	WorkerMemory  int64
	// Journal keeps the resume journal in the output folder (see package
	// journal); Resume skips the inputs an unfinished earlier run with the
	// same settings finished, and removes the temporary files it left.
	// After a run that finished every input (none failed or was left
	// undone) the journal is removed, so that the folder holds only the
	// outputs, unless KeepJournal is set.
	Journal, Resume, KeepJournal bool
	// Shard, when set, runs one shard of a planned batch (a Batch from
	// ShardBatch): the journal is the attempt's own and holds paths
	// relative to the plan's root, resuming reads every attempt's, and
	// only stale temporary files are removed (the other shards write into
	// the same folder). See ShardRun.
	Shard *ShardRun
}

// Isolation is where workers run.
type Isolation string

const (
	Goroutines Isolation = "goroutine" // workers share this process (the default)
	Processes  Isolation = "process"   // a crash, hang or memory blow-up costs only its file
)

// ParseIsolation reads "goroutine" or "process" ("" is goroutine).
func ParseIsolation(s string) (Isolation, error) {
	switch Isolation(strings.ToLower(strings.TrimSpace(s))) {
	case "", Goroutines, "goroutines":
		return Goroutines, nil
	case Processes, "processes":
		return Processes, nil
	}
	return "", fmt.Errorf("unknown isolation %q (use goroutine or process)", s)
}

// Batch is the list of inputs found, and of those left out with a reason.
type Batch struct {
	Sources []processing.Source
	Skipped []processing.Skipped
	// Planned says that the sources already carry their number and clash
	// numbers over a whole batch they are a part of (a plan's shard):
	// Start keeps them instead of numbering these sources alone.
	Planned bool
}

// Collect walks the inputs (files and folders), leaving out the output
// folder if it lies inside one of them.
func Collect(ctx context.Context, inputs []string, outDir string) Batch {
	src, skipped := processing.Collect(ctx, inputs, processing.CollectOptions{Exclude: outDir})
	return Batch{Sources: src, Skipped: skipped}
}

// Without returns the batch without the sources that lie inside dir when
// dir lies inside the folder they were found in: the output folder inside an
// input folder holds the outputs of an earlier batch, which Collect leaves
// out of a fresh walk, and so must a list of inputs made before the output
// folder was chosen (the window's).
func (b Batch) Without(dir string) Batch {
	out, err := filepath.Abs(dir)
	if err != nil || dir == "" {
		return b
	}
	kept := Batch{Sources: make([]processing.Source, 0, len(b.Sources)), Skipped: b.Skipped}
	for _, src := range b.Sources {
		root, _ := filepath.Abs(strings.TrimSuffix(src.Path, src.Rel))
		path, _ := filepath.Abs(src.Path)
		if isInside(out, root) && isInside(path, out) {
			continue
		}
		kept.Sources = append(kept.Sources, src)
	}
	return kept
}

// isInside reports whether path lies below dir.
func isInside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && !strings.HasPrefix(rel, "..")
}

// ErrOverwritesSources is returned by Start when outputs would replace
// sources and Settings.AllowSourceOverwrite is not set.
var ErrOverwritesSources = errors.New("the output folder would overwrite source files")

// Summary is the end of a batch.
type Summary struct {
	Total, Done, Skipped, Failed, Canceled int
	BytesIn, BytesOut                      int64
	Megapixels                             float64
	Wall                                   time.Duration
	Interrupted                            bool // cancelled before the end
	Resumed                                int  // of Skipped: done by an earlier run (Settings.Resume)
	WithWarnings                           int  // files with warnings (see Record.Warnings)
	// Warnings are problems that did not stop the batch (the journal could
	// not be written: resuming may redo some files).
	Warnings []string
	// Journal is the resume journal left in the output folder (with
	// Settings.Journal: while inputs failed or were not processed, or with
	// Settings.KeepJournal); "" when there is none.
	Journal string
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

	sup     *isolation.Supervisor // process isolation, else nil
	journal *journal.Writer       // Settings.Journal, else nil
	files   []fileState           // by job ID
	outs    []processing.Output   // the batch's outputs
	shard   *ShardRun             // Settings.Shard
	outDir  string

	mu      sync.Mutex
	records []Record
	summary Summary
	resumed int
	warned  int // records with warnings
	warn    []string
}

// Check validates settings and the batch without running anything: the
// filter chains, the encoder options, the outputs and their names (no two
// writing the same file), and that no output replaces a source unless
// allowed.
func Check(b Batch, s Settings) (*processing.Processor, error) {
	ps := s.Processing
	ps.OverwriteSources = s.AllowSourceOverwrite
	proc, err := processing.NewProcessor(ps)
	if err != nil {
		return nil, err
	}
	if s.AllowSourceOverwrite {
		return proc, nil
	}
	for j, o := range proc.Outputs() {
		if o.OnExists != processing.Overwrite {
			continue
		}
		for _, src := range b.Sources {
			// The real format is known only after reading the header; the
			// extension of the source is a good guess for "same".
			target := proc.Target(src, j, guessFormat(src, o.Format))
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
	// An output moved into place just before a kill is not in the journal:
	// with Rename, a resumed batch would write it again as name-1. It finds
	// it instead (the bytes are the same: processing is deterministic).
	s.Processing.AdoptIdentical = false
	for _, o := range s.Processing.OutputList() {
		s.Processing.AdoptIdentical = s.Processing.AdoptIdentical || (s.Resume && o.OnExists == processing.Rename)
	}
	proc, err := Check(b, s)
	if err != nil {
		return nil, err
	}
	mode, err := ParseIsolation(string(s.Isolation))
	if err != nil {
		return nil, err
	}
	outDir := s.Processing.Naming.Dir
	fp := settingsFingerprint(s.Processing)
	var prior *journal.Journal
	if s.Resume {
		if prior, err = loadPrior(outDir, s.Shard); err != nil {
			return nil, fmt.Errorf("cannot read the resume journal: %w", err)
		}
		if last, ok := prior.Last(); ok && !last.Finished && last.Settings != fp {
			return nil, fmt.Errorf("%w: resume with the same filters and output options, or run without resuming", ErrResumeSettings)
		}
		// No worker of this run writes yet: every temporary file there is
		// a leftover, but in a shard's folder the other shards write.
		var before time.Time
		if s.Shard != nil {
			before = time.Now().Add(-staleTemp)
		}
		if _, err := processing.RemoveTemp(outDir, before); err != nil {
			return nil, fmt.Errorf("cannot remove temporary files left in the output folder: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &Run{cancel: cancel, done: make(chan struct{}), outs: proc.Outputs(), shard: s.Shard, outDir: outDir}
	r.pool = pool.New(pool.Options{
		Workers:      s.Workers,
		MemoryBudget: s.MemoryBudget,
		FanOut:       s.FanOut,
		OnResult:     r.record,
	})
	if mode == Processes {
		r.sup, err = isolation.New(isolation.Options{Workers: r.pool.Workers(), Command: s.WorkerCommand, Timeout: s.Timeout, MemoryLimit: s.WorkerMemory})
		if err == nil {
			if err = r.sup.Start(ctx); err != nil {
				r.sup.Close()
			}
		}
		if err != nil {
			cancel()
			return nil, err
		}
	}
	sources := b.Sources
	if !b.Planned {
		sources = planNames(b.Sources, proc)
	}
	r.files = make([]fileState, len(sources))
	jobs := make([]pool.Job, len(sources))
	costs := make([]int64, len(sources))
	for i, src := range sources {
		r.files[i].size = src.Size
		jobs[i] = pool.Job{ID: i, Name: src.Path, Size: src.Size, Run: r.jobFor(proc, i, src, &costs[i])}
	}
	if s.Journal {
		name := journal.FileName
		if s.Shard != nil {
			name = s.Shard.JournalName()
		}
		if r.journal, err = journal.OpenFile(outDir, name); err != nil {
			cancel()
			if r.sup != nil {
				r.sup.Close()
			}
			return nil, fmt.Errorf("cannot write the resume journal: %w", err)
		}
	}
	go func() {
		defer close(r.done)
		defer cancel()
		var warm sync.WaitGroup
		if mode == Goroutines { // worker processes compile their own (isolation.Serve)
			warm.Go(func() { r.warm(sources) })
		}
		resumed := r.prepare(ctx, jobs, costs, s, prior, fp)
		warm.Wait()
		if r.journal != nil {
			h := journal.Header{Settings: fp, Total: len(jobs), Resumed: resumed}
			if len(r.outs) > 1 {
				h.Outputs = len(r.outs)
			}
			r.warnIf(r.journal.Begin(h))
		}
		err := r.pool.Run(ctx, jobs)
		if r.sup != nil {
			r.warnIf(r.sup.Close())
		}
		if r.journal != nil {
			if err == nil {
				r.warnIf(r.journal.Finish())
			} else {
				r.warnIf(r.journal.Close())
			}
		}
		snap := r.pool.Snapshot()
		t := snap.Totals
		r.mu.Lock()
		r.summary = Summary{
			Total: t.Total, Done: t.Done, Skipped: t.Skipped, Failed: t.Failed, Canceled: t.Canceled,
			BytesIn: t.BytesIn, BytesOut: t.BytesOut, Megapixels: t.Megapixels(), Wall: t.Elapsed,
			Interrupted: err != nil, Resumed: r.resumed, WithWarnings: r.warned,
		}
		r.mu.Unlock()
		if r.journal != nil {
			path := r.tidyJournal(outDir, s.KeepJournal, r.summary)
			r.mu.Lock()
			r.summary.Journal = path
			r.mu.Unlock()
		}
		r.mu.Lock()
		r.summary.Warnings = r.warn
		r.mu.Unlock()
	}()
	return r, nil
}

func (r *Run) warnIf(err error) {
	if err == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.warn) == 0 || r.warn[len(r.warn)-1] != err.Error() {
		r.warn = append(r.warn, err.Error())
	}
}

// Workers is the number of workers the batch runs on.
func (r *Run) Workers() int { return r.pool.Workers() }

// Snapshot is the pool's live status.
func (r *Run) Snapshot() pool.Snapshot { return r.pool.Snapshot() }

// WorkerProcess is one worker process's live figures: PID, CPU%, memory.
type WorkerProcess = isolation.WorkerStats

// Processes samples the worker processes (gopsutil), in the order of
// Snapshot's workers; nil when workers are goroutines. CPU% is since the
// previous call: call it on the same ticker as Snapshot.
func (r *Run) Processes() []WorkerProcess {
	if r.sup == nil {
		return nil
	}
	return r.sup.Stats()
}

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
