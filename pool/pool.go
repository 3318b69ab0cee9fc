package pool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Pool.
type Options struct {
	Workers int // <= 0 means UsableCPUs().N: the CPUs this process may use
	// MemoryBudget in bytes, 0 = unlimited. A job is admitted only when the
	// Cost of the running jobs plus its own stays within the budget; jobs wait
	// for room in the order they come. A job whose Cost alone exceeds the
	// budget fails at once with an error wrapping ErrOverBudget. Jobs with
	// Cost 0 (unknown) are always admitted.
	MemoryBudget int64
	// OnResult, when set, is called once per job from the worker goroutine
	// that finished it (from Run's goroutine for jobs that never started). It
	// must be quick; the pool does not buffer for it.
	OnResult func(Result)
	// FanOut false (the default) caps runtime.GOMAXPROCS to the number of
	// workers while the pool runs, so that N workers use N cores; true leaves
	// GOMAXPROCS alone. See the package documentation.
	FanOut bool
}

// ErrAlreadyRun is returned by a second call to Run on the same Pool.
var ErrAlreadyRun = errors.New("pool: Run called twice on one Pool")

// Pool runs jobs on a fixed number of workers. Create it with New.
type Pool struct {
	opts   Options
	now    func() time.Time // the one clock; replaceable in tests
	slots  []workerSlot     // one per worker
	gate   gate
	budget budget
	tally  tally
	ran    atomic.Bool
}

// New returns a pool ready to Run.
func New(opts Options) *Pool {
	n := opts.Workers
	if n <= 0 {
		n = UsableCPUs().N
	}
	p := &Pool{opts: opts, now: time.Now, slots: make([]workerSlot, n)}
	p.budget.limit = opts.MemoryBudget
	for i := range p.slots {
		p.slots[i].state = Idle
	}
	return p
}

// Workers is the number of workers.
func (p *Pool) Workers() int { return len(p.slots) }

// Run feeds the jobs to the workers and returns when all have finished or ctx
// is cancelled. After a cancel, jobs not started are reported Canceled and
// running jobs see ctx cancelled; they are reported with whatever status they
// return, except that a Failed outcome returned after the cancel is reported
// Canceled (a panic stays Failed). Every job gets exactly one Result.
//
// Run may be called once per Pool. It returns ctx.Err() if ctx was cancelled,
// else nil. No goroutine started by Run outlives it.
func (p *Pool) Run(ctx context.Context, jobs []Job) error {
	if !p.ran.CompareAndSwap(false, true) {
		return ErrAlreadyRun
	}
	if !p.opts.FanOut {
		defer capProcs(len(p.slots))()
	}
	p.tally.begin(len(jobs), p.now())
	defer func() {
		for i := range p.slots {
			p.slots[i].setState(Stopped)
		}
		p.tally.stop(p.now())
	}()

	feed := make(chan int)
	var wg sync.WaitGroup
	for w := range p.slots {
		wg.Go(func() {
			for i := range feed {
				p.do(ctx, w, jobs[i])
			}
		})
	}
	next := 0
feeding:
	for ; next < len(jobs); next++ {
		select {
		case feed <- next:
		case <-ctx.Done():
			break feeding
		}
	}
	close(feed)
	wg.Wait()

	for _, job := range jobs[next:] {
		job.Run = nil
		p.report(nil, &Result{Job: job, Worker: -1, Outcome: Outcome{Status: Canceled, Err: ctx.Err()}})
	}
	return ctx.Err()
}

// do takes one job through admission, running and reporting on worker w.
func (p *Pool) do(ctx context.Context, w int, job Job) {
	slot := &p.slots[w]
	run := job.Run
	job.Run = nil
	res := Result{Job: job, Worker: w}

	if err := ctx.Err(); err != nil {
		res.Status, res.Err = Canceled, err
		p.report(slot, &res)
		return
	}
	if err := p.budget.check(job.Cost); err != nil {
		res.Status, res.Err = Failed, err
		p.report(slot, &res)
		return
	}
	if err := p.admit(ctx, slot, job.Cost); err != nil {
		res.Status, res.Err = Canceled, err
		p.report(slot, &res)
		return
	}

	res.Start = p.now()
	slot.startJob(job.Name, res.Start)
	p.tally.jobStarted()
	pr := &progress{pool: p, ctx: ctx, worker: w, slot: slot}
	res.Outcome = runJob(ctx, run, pr)
	end := p.now()
	res.Stages = pr.end(end)
	res.Duration = max(end.Sub(res.Start), 0)
	p.budget.release(job.Cost)
	settle(ctx, &res.Outcome)
	p.report(slot, &res)
}

// admit waits while the pool is paused and until the job's cost fits the
// memory budget. On success the caller owns cost in the budget.
func (p *Pool) admit(ctx context.Context, slot *workerSlot, cost int64) error {
	waited := false
	onPause := func() {
		waited = true
		slot.setState(Paused)
	}
	defer func() {
		if waited {
			slot.setState(Idle)
		}
	}()
	if err := p.gate.wait(ctx, onPause); err != nil {
		return err
	}
	if err := p.budget.acquire(ctx, cost); err != nil {
		return err
	}
	// Paused while waiting for the budget: hold on to it (everyone else is
	// held too) and wait again.
	if err := p.gate.wait(ctx, onPause); err != nil {
		p.budget.release(cost)
		return err
	}
	return nil
}

// report counts a result, frees the worker and hands the result to OnResult.
// slot is nil for jobs that never reached a worker.
func (p *Pool) report(slot *workerSlot, res *Result) {
	started := !res.Start.IsZero()
	p.tally.add(res, started)
	if slot != nil {
		slot.endJob(started || res.Status != Canceled)
	}
	if p.opts.OnResult != nil {
		p.opts.OnResult(*res)
	}
}

// runJob runs one job, turning a panic into a Failed outcome.
func runJob(ctx context.Context, run func(context.Context, Progress) Outcome, pr Progress) (out Outcome) {
	if run == nil {
		return Outcome{Status: Failed, Err: errors.New("pool: job has no Run function")}
	}
	defer func() {
		if v := recover(); v != nil {
			out = Outcome{Status: Failed, Err: &PanicError{Value: v, Stack: panicStack()}}
		}
	}()
	return run(ctx, pr)
}

// settle makes an outcome consistent: a Failed job after a cancel is
// Canceled, Failed always has an error, unknown statuses are failures.
func settle(ctx context.Context, out *Outcome) {
	var pe *PanicError
	switch out.Status {
	case Done, Skipped:
	case Canceled:
		if out.Err == nil {
			out.Err = ctx.Err()
		}
	case Failed:
		if ctx.Err() != nil && !errors.As(out.Err, &pe) {
			out.Status = Canceled
			if out.Err == nil {
				out.Err = ctx.Err()
			}
		} else if out.Err == nil {
			out.Err = errors.New("pool: job failed without an error")
		}
	default:
		out.Err = fmt.Errorf("pool: job returned unknown status %d (error: %v)", int(out.Status), out.Err)
		out.Status = Failed
	}
}

// panicStack is the stack of a panicking goroutine, from the panic call on,
// cut to a few KiB.
func panicStack() []byte {
	const limit = 4 << 10
	s := debug.Stack()
	if i := bytes.Index(s, []byte("\npanic(")); i >= 0 {
		header := s[:bytes.IndexByte(s, '\n')+1] // "goroutine N [running]:"
		s = append(header[:len(header):len(header)], s[i+1:]...)
	}
	if len(s) > limit {
		s = append(s[:limit:limit], "\n..."...)
	}
	return s
}
