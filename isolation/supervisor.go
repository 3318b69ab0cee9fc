// Package isolation runs batch workers as child processes: each worker is
// this program started again as "picpool __worker" (Serve), on one core
// (GOMAXPROCS=1), speaking a small framed protocol over its standard input
// and output (see protocol.go). A file whose decoder crashes, hangs past the
// per-file timeout or runs past the per-worker memory limit takes only its
// own process down: the Supervisor reports that file with the reason
// (WorkerError: crash, timeout, out of memory) and starts a new process for
// the next one. Stats gives each process's PID, CPU% and resident memory
// (gopsutil) for the window. Children whose supervisor dies see their input
// end and leave.
package isolation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

// Reasons a job took its worker process down with it (WorkerError.Reason).
const (
	ReasonCrash       = "crash"
	ReasonTimeout     = "timeout"
	ReasonOutOfMemory = "out of memory"
)

// WorkerError is the error of a job whose worker process crashed, hung past
// the timeout or ran out of memory. Only that job fails: the worker is
// started again for the next one.
type WorkerError struct {
	Reason string // ReasonCrash, ReasonTimeout or ReasonOutOfMemory
	Msg    string
}

func (e *WorkerError) Error() string { return e.Msg }

// Options configure a Supervisor.
type Options struct {
	Workers int // worker processes, at least 1
	// Command is the worker's command line; nil means DefaultCommand. Tests
	// give the test binary, with an environment variable that makes its
	// TestMain call Serve.
	Command []string
	Env     []string // added to the supervisor's environment (GOMAXPROCS=1 is always set)
	// Timeout is how long one job may run, pauses not counted; 0 means no
	// limit.
	Timeout time.Duration
	// MemoryLimit is how much memory a worker process may use on top of its
	// idle footprint, in bytes; 0 means no limit. The child sets it as its
	// garbage collector's goal and as a hard address-space limit, and the
	// supervisor stops a child whose resident memory goes past it.
	MemoryLimit int64
	// Watch is how often the resident memory of each child is read when
	// there is a MemoryLimit; 0 means 50 ms.
	Watch time.Duration
}

// Job is one file for a worker process.
type Job struct {
	Source   processing.Source
	Settings processing.Settings
	// Cost is the job's estimated memory in bytes (0: unknown); the child
	// uses it as its garbage collector's goal during the job.
	Cost int64
	// Only and OnOutput are processing.Job's: the outputs to make (nil:
	// all), and a function told as each output is finished, as the child
	// finishes it (before its next output starts).
	Only     []int
	OnOutput func(processing.OutputResult)
}

// DefaultCommand is this program run as a worker: "picpool __worker".
func DefaultCommand() ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("isolation: cannot find this program to start workers: %w", err)
	}
	return []string{exe, WorkerCommand}, nil
}

// Supervisor keeps one child process per worker, sends each job to its
// worker's child and starts a new child when one dies. Its methods are safe
// for concurrent use; jobs for the same worker run one after the other.
type Supervisor struct {
	opts  Options
	slots []*slot

	mu     sync.Mutex
	dirty  map[string]bool // output folders where a child died while writing
	closed bool
}

// slot is one worker and its current child.
type slot struct {
	run sync.Mutex // held while a job runs or the child starts or stops

	mu       sync.Mutex // the fields below, for Stats
	child    *child
	started  int // processes started
	deaths   int // children lost with a job (crash, timeout, out of memory)
	jobs     int
	peak     uint64
	sampler  *pool.ProcSampler
	lastStat WorkerStats
}

// New checks the options; children start with Start or with the first job.
func New(opts Options) (*Supervisor, error) {
	if opts.Workers < 1 {
		return nil, fmt.Errorf("isolation: %d workers", opts.Workers)
	}
	if len(opts.Command) == 0 {
		cmd, err := DefaultCommand()
		if err != nil {
			return nil, err
		}
		opts.Command = cmd
	}
	if opts.Watch <= 0 {
		opts.Watch = 50 * time.Millisecond
	}
	s := &Supervisor{opts: opts, dirty: map[string]bool{}}
	for range opts.Workers {
		s.slots = append(s.slots, &slot{})
	}
	return s, nil
}

// Start starts every worker process and waits until each has answered, so
// that a command that is not a worker fails the batch at once.
func (s *Supervisor) Start(ctx context.Context) error {
	errs := make([]error, len(s.slots))
	var wg sync.WaitGroup
	for i, sl := range s.slots {
		wg.Go(func() {
			sl.run.Lock()
			defer sl.run.Unlock()
			_, errs[i] = s.ensure(ctx, sl)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err // they all say the same
		}
	}
	return nil
}

// Process runs one job on the given worker's child process, starting one if
// needed. stage is called as the child enters each stage; while it blocks
// (a paused batch), the child waits; when it fails, the job stops there.
// Errors are *processing.FileError from the job itself, or *WorkerError when
// the child died with it; cancelling ctx stops the job (its child is stopped
// if it does not stop by itself within a second) with an ErrCanceled error.
func (s *Supervisor) Process(ctx context.Context, worker int, job Job, stage processing.StageFunc) (processing.Result, error) {
	if worker < 0 || worker >= len(s.slots) {
		return processing.Result{}, fmt.Errorf("isolation: no worker %d", worker)
	}
	sl := s.slots[worker]
	sl.run.Lock()
	defer sl.run.Unlock()
	c, err := s.ensure(ctx, sl)
	if err != nil {
		if ctx.Err() != nil {
			return processing.Result{}, canceled(job.Source.Path, ctx.Err())
		}
		return processing.Result{}, &WorkerError{Reason: ReasonCrash, Msg: err.Error()}
	}
	res, current, err := s.converse(ctx, c, job, stage)
	if current == "" { // a result came back
		sl.mu.Lock()
		sl.jobs++
		sl.mu.Unlock()
		return res, err
	}
	// The child died with the job.
	sl.mu.Lock()
	sl.child = nil
	sl.deaths++
	sl.peak = max(sl.peak, c.peak())
	sl.mu.Unlock()
	if current == processing.StageWriting {
		// Where the output was being written: each output's folder (its
		// template may add sub-folders from the file's fields: Close sweeps
		// below it).
		for _, o := range job.Settings.OutputList() {
			s.markDirty(o.Naming.Dir)
		}
	}
	return res, c.deathError(job.Source.Path, current, s.opts)
}

const (
	cancelGrace = time.Second // a cancelled job's time to stop by itself
	startWait   = time.Minute // a new child's time to answer
)

// converse sends the job and relays stages until the result comes back
// (current is then "") or the child ends (current is the stage it died in,
// "starting" before the first).
func (s *Supervisor) converse(ctx context.Context, c *child, job Job, stage processing.StageFunc) (res processing.Result, current string, err error) {
	current = "starting"
	c.stderr.reset()
	if err := c.out.send(message{Op: opJob, Job: &jobRequest{Source: job.Source, Settings: job.Settings, Cost: job.Cost, Only: job.Only}}); err != nil {
		c.kill(ReasonCrash, "")
	}
	left := s.opts.Timeout
	var deadline time.Time
	var timer *time.Timer
	arm := func() {
		if s.opts.Timeout > 0 {
			deadline = time.Now().Add(left)
			timer = time.NewTimer(left)
		}
	}
	disarm := func() {
		if timer != nil {
			timer.Stop()
			left = max(time.Until(deadline), 0)
			timer = nil
		}
	}
	timeout := func() <-chan time.Time {
		if timer == nil {
			return nil
		}
		return timer.C
	}
	arm()
	defer disarm()
	done := ctx.Done()
	var grace <-chan time.Time
	for {
		select {
		case m, ok := <-c.frames:
			if !ok {
				<-c.exited
				return res, current, nil
			}
			switch m.Op {
			case opStage:
				disarm()
				current = m.Stage
				reply := opGo
				if stage != nil && stage(m.Stage) != nil {
					reply = opStop
				}
				if c.out.send(message{Op: reply}) != nil {
					c.kill(ReasonCrash, "")
				}
				arm()
			case opOutput:
				if m.Output != nil && job.OnOutput != nil {
					o := m.Output.Result
					o.Err = m.Output.Err.err()
					job.OnOutput(o)
				}
			case opResult:
				if m.Result == nil {
					c.kill(ReasonCrash, "the worker process sent an empty result")
					continue
				}
				c.notePeak(uint64(max(m.Result.PeakRSS, 0)))
				res := m.Result.Result
				for i := range res.Outputs {
					if i < len(m.Result.OutErrs) {
						res.Outputs[i].Err = m.Result.OutErrs[i].err()
					}
				}
				return res, "", m.Result.Err.err()
			}
		case <-timeout():
			c.kill(ReasonTimeout, "")
		case <-done:
			done = nil
			if c.out.send(message{Op: opCancel}) != nil {
				c.kill(reasonCanceled, "")
			}
			grace = time.After(cancelGrace)
		case <-grace:
			c.kill(reasonCanceled, "")
		}
	}
}

func canceled(path string, err error) error {
	return &processing.FileError{Path: path, Kind: processing.ErrCanceled, Msg: "canceled", Err: err}
}

// ensure returns the slot's live child, starting one if needed. sl.run held.
func (s *Supervisor) ensure(ctx context.Context, sl *slot) (*child, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, errors.New("isolation: the supervisor is closed")
	}
	sl.mu.Lock()
	c := sl.child
	sl.mu.Unlock()
	if c != nil {
		select {
		case <-c.exited: // died between jobs (killed from outside): start another
			c.drain()
			sl.mu.Lock()
			sl.child = nil
			sl.peak = max(sl.peak, c.peak())
			sl.mu.Unlock()
		default:
			return c, nil
		}
	}
	c, err := s.spawn(ctx)
	if err != nil {
		return nil, err
	}
	sampler, _ := pool.NewProcSampler(int32(c.pid))
	sl.mu.Lock()
	sl.child, sl.sampler = c, sampler
	sl.started++
	sl.mu.Unlock()
	return c, nil
}

// Close stops every child (after its current job) and waits for them; then
// it removes the temporary files children that died while writing left in
// their output folders. Process fails after Close.
func (s *Supervisor) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, sl := range s.slots {
		wg.Go(func() {
			sl.run.Lock()
			defer sl.run.Unlock()
			sl.mu.Lock()
			c := sl.child
			sl.child = nil
			sl.mu.Unlock()
			if c != nil {
				c.stop()
				sl.mu.Lock()
				sl.peak = max(sl.peak, c.peak())
				sl.mu.Unlock()
			}
		})
	}
	wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for dir := range s.dirty {
		if _, err := processing.RemoveTemp(dir, time.Time{}); err != nil {
			errs = append(errs, err)
		}
	}
	s.dirty = map[string]bool{}
	return errors.Join(errs...)
}

func (s *Supervisor) markDirty(dir string) {
	s.mu.Lock()
	s.dirty[dir] = true
	s.mu.Unlock()
}

// WorkerStats are one worker process's live figures.
type WorkerStats struct {
	Worker     int
	PID        int     // the current child, 0 when none runs
	CPUPercent float64 // since the previous call, 100 = one core
	RSS        uint64  // resident memory now, bytes
	PeakRSS    uint64  // highest resident memory of any of its processes so far
	Started    int     // processes started for this worker (1 + restarts)
	Lost       int     // processes that died with a job
	Jobs       int     // jobs that came back with a result
}

// Stats samples every worker's process (gopsutil): PID, CPU% since the
// previous call, resident memory. It is meant for a screen refreshing a few
// times a second.
func (s *Supervisor) Stats() []WorkerStats {
	out := make([]WorkerStats, len(s.slots))
	for i, sl := range s.slots {
		sl.mu.Lock()
		st := WorkerStats{Worker: i, Started: sl.started, Lost: sl.deaths, Jobs: sl.jobs, PeakRSS: sl.peak}
		c, sampler := sl.child, sl.sampler
		sl.mu.Unlock()
		if c != nil && !c.hasExited() {
			st.PID = c.pid
			st.PeakRSS = max(st.PeakRSS, c.peak())
			if sampler != nil {
				if ps, err := sampler.Sample(); err == nil {
					st.CPUPercent, st.RSS = ps.CPUPercent, ps.RSS
					st.PeakRSS = max(st.PeakRSS, ps.RSS)
				}
			}
		}
		out[i] = st
	}
	return out
}
