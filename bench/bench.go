// Package bench measures what parallelism buys on the user's own machine and
// images: it runs the same batch at several worker counts and reports wall
// time, throughput, speed-up, efficiency, CPU use and peak memory for each,
// with the count to use. It can compare the two worker modes, goroutines of
// this process and child processes (engine.Settings.Isolation), as two
// series. The command line (picpool bench) and the window's Benchmark tab
// both drive it; package chart draws its report.
//
// Honest figures:
//
//   - The runs go through the real engine with pool.Options.FanOut false, so
//     a pool of N workers caps GOMAXPROCS to N: each worker uses one core and
//     a one-worker run is a one-core run (see package pool). Worker
//     processes run with GOMAXPROCS=1 each.
//   - One warm-up run per mode comes first and is not counted (file cache,
//     decoder tables, heap growth).
//   - Outputs are really encoded and written, into a temporary folder that is
//     removed after every run and at the end.
//   - The counted runs are interleaved over counts and modes (see Plan and
//     PlanModes), so drift on a busy machine spreads over every count and
//     both modes; each reports the median run with the fastest and slowest.
//   - In process mode the wall time includes starting the worker processes,
//     and CPU use and peak memory include theirs (see Measurement).
//   - Images that fail in the warm-up are left out of the counted runs (and
//     listed in Report.Excluded): they would only measure how fast they fail.
//   - Memory is returned to the system before every run, so one run's peak
//     does not carry into the next.
package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

// Config is what to measure.
type Config struct {
	Counts []int              // worker counts; nil: DefaultCounts. 1 is always added.
	Modes  []engine.Isolation // worker modes to compare; nil: DefaultModes
	Repeat int                // counted runs per mode and count; <= 0: DefaultRepeat
	Sample int                // images to take from the batch (evenly spread); <= 0: all
	// Settings are the batch's processing settings, and the worker command
	// for process mode (nil: this program's). The benchmark sets the rest:
	// workers and their mode without fan-out, no memory budget, no time or
	// memory limit per worker process, no journal, a new output folder per
	// run.
	Settings  engine.Settings
	TempDir   string   // where the temporary output folder goes; "": the system's
	Tolerance float64  // for the recommendation; <= 0: DefaultTolerance
	Machine   *Machine // nil: ReadMachine
	// OnRun, when set, is called after every run (the warm-up included) from
	// the benchmark's goroutine, before the next run starts: the time it
	// takes is not measured, and it may draw a chart.
	OnRun func(Event)
}

// Event tells OnRun about a finished run.
type Event struct {
	Index, Total int // this run's place among all runs (the warm-ups first)
	Warmups      int // runs that are warm-ups: one per mode
	Warmup       bool
	Run          Measurement
	Report       Report // the figures so far (a copy)
}

// Progress is where a benchmark stands.
type Progress struct {
	RunsDone, Runs int              // runs finished, of all (the warm-ups included)
	Warmups        int              // of Runs, warm-ups: one per mode
	Workers        int              // the worker count of the run going on, 0 between runs
	Mode           engine.Isolation // the worker mode of the run going on
	Warmup         bool             // the run going on is a warm-up
	Images         int              // images per run
	ImagesDone     int              // images finished in the run going on
}

// Fraction is the share of the work done, 0 to 1.
func (p Progress) Fraction() float64 {
	total := p.Runs * max(p.Images, 1)
	if total == 0 {
		return 0
	}
	done := p.RunsDone*max(p.Images, 1) + p.ImagesDone
	return min(float64(done)/float64(total), 1)
}

// Bench is a benchmark in progress.
type Bench struct {
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	progress Progress
	current  *engine.Run
	report   Report
	err      error
}

// Start checks the settings and the batch and starts the benchmark in the
// background.
func Start(ctx context.Context, b engine.Batch, cfg Config) (*Bench, error) {
	src := Sample(b.Sources, cfg.Sample)
	if len(src) == 0 {
		return nil, errors.New("no images to measure")
	}
	b = engine.Batch{Sources: src}
	if cfg.Repeat <= 0 {
		cfg.Repeat = DefaultRepeat
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = DefaultTolerance
	}
	m := ReadMachine()
	if cfg.Machine != nil {
		m = *cfg.Machine
	}
	counts := DefaultCounts(m.PhysicalCores, m.LogicalCores, m.UsableCPUs)
	if len(cfg.Counts) > 0 {
		counts = normalize(cfg.Counts)
	}
	if counts[0] < 1 || counts[len(counts)-1] > MaxWorkers {
		return nil, fmt.Errorf("worker counts must be from 1 to %d", MaxWorkers)
	}
	modes := normalizeModes(cfg.Modes)
	for _, md := range modes {
		if _, err := engine.ParseIsolation(string(md)); err != nil {
			return nil, err
		}
	}
	s := cfg.Settings
	// Each worker, goroutine or process, uses one core; no memory budget
	// holds workers back and no limit stops a worker process; no journal is
	// kept in the folder.
	s.FanOut, s.MemoryBudget, s.Timeout, s.WorkerMemory = false, 0, 0, 0
	s.Journal, s.Resume, s.AllowSourceOverwrite = false, false, false
	s.Processing.OnExists = "" // the folder is new: nothing exists
	if _, err := engine.Check(b, s); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(cfg.TempDir, "picpool-bench-")
	if err != nil {
		return nil, err
	}

	var bytes int64
	for _, x := range src {
		bytes += x.Size
	}
	rep := Report{
		Date: time.Now(), Machine: m, Images: len(src), Bytes: bytes,
		Filters: s.Processing.Chain.String(), Format: formatName(s.Processing.Format),
		Repeat: cfg.Repeat, Modes: modes, Counts: counts, Tolerance: cfg.Tolerance,
	}
	ctx, cancel := context.WithCancel(ctx)
	bn := &Bench{cancel: cancel, done: make(chan struct{}), report: rep}
	var plan []Slot
	for _, md := range modes {
		plan = append(plan, Slot{Mode: md, Workers: WarmupCount(counts, m.Usable())})
	}
	plan = append(plan, PlanModes(modes, counts, cfg.Repeat)...)
	bn.progress = Progress{Runs: len(plan), Warmups: len(modes), Images: len(src)}
	go func() {
		defer close(bn.done)
		defer cancel()
		defer os.RemoveAll(tmp)
		err := bn.runAll(ctx, b, s, plan, len(modes), tmp, cfg.OnRun)
		bn.mu.Lock()
		bn.err = err
		bn.report.Complete = err == nil
		bn.mu.Unlock()
	}()
	return bn, nil
}

func formatName(f codec.Format) string {
	if f == codec.SameFormat {
		return "same"
	}
	return string(f)
}

// Run runs a benchmark to its end.
func Run(ctx context.Context, b engine.Batch, cfg Config) (Report, error) {
	bn, err := Start(ctx, b, cfg)
	if err != nil {
		return Report{}, err
	}
	return bn.Wait()
}

func (bn *Bench) runAll(ctx context.Context, b engine.Batch, s engine.Settings, plan []Slot, warmups int, tmp string, onRun func(Event)) error {
	// Other programs' load over the whole benchmark: one stretch from here
	// to the end of the latest run; its own CPU time is this process's and
	// every run's worker processes'.
	whole := startLoad()
	var workers time.Duration
	for i, slot := range plan {
		if err := ctx.Err(); err != nil {
			return err
		}
		warmup := i < warmups
		s.Workers, s.Isolation = slot.Workers, slot.Mode
		s.Processing.Naming.Dir = filepath.Join(tmp, fmt.Sprintf("run-%02d-%s-%dw", i, slot.Mode, slot.Workers))
		bn.mu.Lock()
		bn.progress.Workers, bn.progress.Mode, bn.progress.Warmup, bn.progress.ImagesDone = slot.Workers, slot.Mode, warmup, 0
		bn.mu.Unlock()

		m, failed, workerCPU, err := bn.measure(ctx, b, s)
		os.RemoveAll(s.Processing.Naming.Dir)
		if err != nil {
			return err
		}
		workers += workerCPU
		load := whole.since(workers)
		if warmup && len(failed) > 0 {
			// Images that cannot be processed would only measure how fast
			// they fail: leave them out of the counted runs.
			if b, err = bn.exclude(b, failed); err != nil {
				return err
			}
		}

		bn.mu.Lock()
		bn.progress.RunsDone, bn.progress.Workers, bn.progress.Mode, bn.progress.ImagesDone = i+1, 0, "", 0
		bn.report.Load = load
		if !warmup {
			bn.report.Runs = append(bn.report.Runs, m)
			bn.report.update()
		}
		ev := Event{Index: i, Total: len(plan), Warmups: warmups, Warmup: warmup, Run: m, Report: bn.report.Clone()}
		bn.mu.Unlock()
		if onRun != nil {
			onRun(ev)
		}
	}
	return nil
}

// exclude leaves the inputs that failed out of the batch and the report.
func (bn *Bench) exclude(b engine.Batch, failed []engine.Record) (engine.Batch, error) {
	bad := map[string]bool{}
	for _, r := range failed {
		bad[r.Input] = true
	}
	var keep []processing.Source
	var bytes int64
	for _, src := range b.Sources {
		if !bad[src.Path] {
			keep = append(keep, src)
			bytes += src.Size
		}
	}
	if len(keep) == 0 {
		return b, fmt.Errorf("none of the images could be processed (%s: %s)", failed[0].Input, failed[0].Error)
	}
	bn.mu.Lock()
	defer bn.mu.Unlock()
	for _, r := range failed {
		bn.report.Excluded = append(bn.report.Excluded, Excluded{Path: r.Input, Error: r.Error})
	}
	bn.report.Images, bn.report.Bytes, bn.progress.Images = len(keep), bytes, len(keep)
	return engine.Batch{Sources: keep}, nil
}

// rssEvery is how often a run's memory is sampled for its peak.
const rssEvery = 50 * time.Millisecond

// measure runs the batch once and measures it; failed are the records of
// the images that failed, workerCPU the CPU time of its worker processes.
func (bn *Bench) measure(ctx context.Context, b engine.Batch, s engine.Settings) (m Measurement, failed []engine.Record, workerCPU time.Duration, err error) {
	debug.FreeOSMemory() // start every run from the same, low, resident memory
	pid := int32(os.Getpid())
	cpuS, _ := pool.NewProcSampler(pid) // nil where the process cannot be read
	memS, _ := pool.NewProcSampler(pid)
	// The worker processes of a run have all ended, and been waited for,
	// when Wait returns: their CPU time is then in this process's children's.
	children0, exact := childCPU()
	load := startLoad() // other processes' CPU use from here on
	t0 := time.Now()

	run, err := engine.Start(ctx, b, s)
	setup := time.Since(t0)
	if err != nil {
		return Measurement{}, nil, 0, err
	}
	bn.mu.Lock()
	bn.current = run
	bn.mu.Unlock()
	smp := sample(run, memS)
	sum := run.Wait()
	elapsed := time.Since(t0)
	var cpu float64
	if cpuS != nil {
		if st, err := cpuS.Sample(); err == nil {
			cpu = st.CPUPercent
		}
	}
	children1, _ := childCPU()
	mem := smp.stop()
	workerCPU = time.Duration(mem.workerCPU * float64(time.Second)) // sampled, where the children's CPU time cannot be read
	if exact {
		workerCPU = children1 - children0
	}
	runLoad := load.since(workerCPU)
	other, busy := runLoad.Other()
	bn.mu.Lock()
	bn.current = nil
	bn.mu.Unlock()

	if sum.Interrupted {
		return Measurement{}, nil, 0, ctx.Err()
	}
	for _, r := range run.Records(0) {
		if r.Status == "failed" {
			failed = append(failed, r)
		}
	}
	wall := elapsed
	if sum.Wall > 0 {
		wall = setup + sum.Wall // the pool's own clock: first job handed out to last finished
	}
	m = Measurement{
		Mode: modeOf(s.Isolation), Workers: s.Workers, Wall: wall, Setup: setup, CPUPercent: cpu, PeakRSS: mem.top,
		OtherCPUPercent: other, Busy: busy, Load: runLoad, Done: sum.Done, Failed: sum.Failed, BytesOut: sum.BytesOut, Megapixels: sum.Megapixels,
	}
	if m.Mode == engine.Processes {
		if sec := elapsed.Seconds(); sec > 0 {
			m.WorkerCPUPercent = workerCPU.Seconds() / sec * 100
		}
		m.CPUPercent += m.WorkerCPUPercent
		m.WorkerRSS, m.WorkerFileRSS = mem.topWorkers, mem.topFiles
		for _, hwm := range mem.hwm {
			m.WorkerPeakSum += hwm
		}
	}
	return m, failed, workerCPU, nil
}

// sampler follows a run's memory, and its worker processes'.
type sampler struct {
	stopped chan struct{}
	done    chan memory
}

// memory is what a sampler saw.
type memory struct {
	// top is the highest total resident memory seen, topWorkers the worker
	// processes' part of it and topFiles the part of that mapped from files.
	top, topWorkers, topFiles uint64
	hwm                       map[int]uint64 // each worker process's high-water mark (VmHWM), last read
	workerCPU                 float64        // the worker processes' CPU seconds, summed from samples
}

// sample reads this process's resident memory (self) and its worker
// processes' every rssEvery until stop.
func sample(run *engine.Run, self *pool.ProcSampler) *sampler {
	sm := &sampler{stopped: make(chan struct{}), done: make(chan memory, 1)}
	go func() {
		mem := memory{hwm: map[int]uint64{}}
		tick := time.NewTicker(rssEvery)
		defer tick.Stop()
		last := time.Now()
		for {
			var total, workers, files uint64
			if self != nil {
				if st, err := self.Sample(); err == nil {
					total = st.RSS
				}
			}
			now := time.Now()
			for _, w := range run.Processes() { // none for goroutine workers
				if w.PID == 0 {
					continue
				}
				total += w.RSS
				workers += w.RSS
				mem.workerCPU += w.CPUPercent / 100 * now.Sub(last).Seconds()
				hwm, file := procMemory(w.PID)
				if hwm > 0 {
					mem.hwm[w.PID] = hwm
				}
				files += file
			}
			last = now
			if total > mem.top {
				mem.top, mem.topWorkers, mem.topFiles = total, workers, files
			}
			select {
			case <-sm.stopped:
				sm.done <- mem
				return
			case <-tick.C:
			}
		}
	}()
	return sm
}

// stop ends the sampling and returns what was seen.
func (sm *sampler) stop() memory {
	close(sm.stopped)
	return <-sm.done
}

// Progress returns where the benchmark stands.
func (bn *Bench) Progress() Progress {
	bn.mu.Lock()
	p, run := bn.progress, bn.current
	bn.mu.Unlock()
	if run != nil {
		p.ImagesDone = run.Snapshot().Totals.Finished()
	}
	return p
}

// Report returns the figures so far.
func (bn *Bench) Report() Report {
	bn.mu.Lock()
	defer bn.mu.Unlock()
	return bn.report.Clone()
}

// Cancel stops the benchmark; Wait then returns the figures measured so far
// and context.Canceled.
func (bn *Bench) Cancel() { bn.cancel() }

// Done is closed when the benchmark has ended and its folder is removed.
func (bn *Bench) Done() <-chan struct{} { return bn.done }

// Wait blocks until the benchmark ends and returns its report; the error is
// the reason it stopped early, if it did.
func (bn *Bench) Wait() (Report, error) {
	<-bn.done
	bn.mu.Lock()
	defer bn.mu.Unlock()
	return bn.report.Clone(), bn.err
}
