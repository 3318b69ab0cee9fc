package pool

import (
	"context"
	"fmt"
	"time"
)

// State is what a worker is doing. Besides the states below, jobs report their
// own stages through Progress.Stage (the image engine uses "decoding",
// "filtering", "encoding" and "writing"), and a worker shows the stage its job
// last entered.
type State string

const (
	// Idle: no job, waiting for one (or for room in the memory budget).
	Idle State = "idle"
	// Working: on a job that has not reported a stage yet.
	Working State = "working"
	// Paused: shown while the pool is paused and the worker waits.
	Paused State = "paused"
	// Stopped: after Run returned.
	Stopped State = "stopped"
)

// Status is how a job ended.
type Status int

const (
	Done     Status = iota // the job succeeded
	Skipped                // the job decided there was nothing to do (e.g. output exists)
	Failed                 // the job returned an error, panicked, or was refused
	Canceled               // the context was cancelled before or during the job
)

func (s Status) String() string {
	switch s {
	case Done:
		return "done"
	case Skipped:
		return "skipped"
	case Failed:
		return "failed"
	case Canceled:
		return "canceled"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Job is one unit of work.
type Job struct {
	ID   int    // caller's index, echoed in Result
	Name string // shown as the worker's current item (e.g. a file path)
	Size int64  // input bytes, added to Totals.BytesIn when the job finishes Done
	Cost int64  // memory the job needs while it runs (bytes), 0 = unknown; see Options.MemoryBudget
	Run  func(ctx context.Context, p Progress) Outcome
}

// Progress is handed to a running job.
type Progress interface {
	// Stage records that the job entered a stage. It blocks while the pool is
	// paused (pause takes effect at the next stage boundary) and returns
	// ctx.Err() if the context is cancelled while waiting (or already
	// cancelled).
	Stage(s State) error
	// Worker is the 0-based id of the worker running the job (lets a later
	// process-isolation layer keep one child process per worker).
	Worker() int
}

// Outcome is what a job returns.
type Outcome struct {
	Status   Status
	Err      error // set when Failed (and may be set for Skipped as the reason)
	BytesOut int64
	Pixels   int64 // pixels processed (input pixels), for megapixel totals
	Value    any   // opaque payload for the caller (e.g. output path)
}

// StageTime is how long a job spent in one stage.
type StageTime struct {
	Stage    State
	Duration time.Duration
}

// Result is reported once per job.
type Result struct {
	Job    Job // the job; Run is nil'd so results do not keep closures alive
	Worker int // -1 for jobs that never reached a worker (cancelled before they started)
	Outcome
	Start    time.Time     // zero for jobs that never started
	Duration time.Duration // wall time on the job, pauses included
	// Stages in the order entered, measured by the pool from Stage calls. A
	// stage lasts from its Stage call to the next one (or to the job's end);
	// time spent paused inside Stage belongs to no stage.
	Stages []StageTime
}

// PanicError is the error of a job that panicked.
type PanicError struct {
	Value any    // what the job panicked with
	Stack []byte // the panicking goroutine's stack, cut short
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
