package pool

import (
	"context"
	"sync"
	"time"
)

// gate holds workers while the pool is paused.
type gate struct {
	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed by Resume; set while paused
}

func (g *gate) pause() {
	g.mu.Lock()
	if !g.paused {
		g.paused, g.resume = true, make(chan struct{})
	}
	g.mu.Unlock()
}

func (g *gate) unpause() {
	g.mu.Lock()
	if g.paused {
		g.paused = false
		close(g.resume)
		g.resume = nil
	}
	g.mu.Unlock()
}

func (g *gate) isPaused() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paused
}

// wait returns once the pool is not paused, or with ctx.Err() when ctx is
// done first. onPause is called once, before blocking, if it has to wait.
func (g *gate) wait(ctx context.Context, onPause func()) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		g.mu.Lock()
		ch := g.resume
		g.mu.Unlock()
		if ch == nil {
			return nil
		}
		if onPause != nil {
			onPause()
			onPause = nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Pause stops workers from taking new jobs and holds running jobs at their
// next Progress.Stage call. Pausing a paused pool does nothing; a pool may be
// paused before Run.
func (p *Pool) Pause() { p.gate.pause() }

// Resume lets paused workers and jobs go on.
func (p *Pool) Resume() { p.gate.unpause() }

// IsPaused says whether the pool is paused.
func (p *Pool) IsPaused() bool { return p.gate.isPaused() }

// progress is the Progress of one running job. It measures stage times.
type progress struct {
	pool   *Pool
	ctx    context.Context
	worker int
	slot   *workerSlot

	mu     sync.Mutex
	stages []StageTime
	since  time.Time // start of the last stage in stages
	open   bool      // the last stage in stages is still running
	ended  bool      // the job has returned
}

func (pr *progress) Worker() int { return pr.worker }

func (pr *progress) Stage(s State) error {
	if err := pr.ctx.Err(); err != nil {
		return err
	}
	pr.closeStage(pr.pool.now())
	err := pr.pool.gate.wait(pr.ctx, func() {
		pr.mu.Lock()
		if !pr.ended {
			pr.slot.setState(Paused)
		}
		pr.mu.Unlock()
	})
	if err != nil {
		return err
	}
	now := pr.pool.now()
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.ended { // called after the job returned: nothing to record
		return nil
	}
	pr.stages = append(pr.stages, StageTime{Stage: s})
	pr.since, pr.open = now, true
	pr.slot.setState(s)
	return nil
}

func (pr *progress) closeStage(now time.Time) {
	pr.mu.Lock()
	if pr.open {
		pr.stages[len(pr.stages)-1].Duration = max(now.Sub(pr.since), 0)
		pr.open = false
	}
	pr.mu.Unlock()
}

// end closes the last stage and returns the stage times.
func (pr *progress) end(now time.Time) []StageTime {
	pr.closeStage(now)
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.ended = true
	return pr.stages
}
