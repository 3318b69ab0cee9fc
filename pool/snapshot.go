package pool

import (
	"sync"
	"time"
)

// WorkerStatus is one worker as seen by Snapshot.
type WorkerStatus struct {
	ID       int
	State    State
	Current  string        // Name of the current job, "" when idle
	JobsDone int           // jobs finished by this worker (any status)
	OnJob    time.Duration // time on the current job, 0 when idle
}

// Totals are the batch figures.
type Totals struct {
	Total, Done, Skipped, Failed, Canceled int // Total = len(jobs); Done counts only successful jobs
	Running                                int // jobs running now
	// BytesIn, BytesOut and Pixels sum Job.Size and the outcome's BytesOut and
	// Pixels over successful (Done) jobs, so that per-second rates are rates of
	// real work.
	BytesIn, BytesOut int64
	Pixels            int64
	Elapsed           time.Duration // since Run started; stops when Run returns
	PerSecond         float64       // finished jobs (done+skipped+failed) per second of elapsed time
	ETA               time.Duration // remaining jobs / PerSecond; 0 when unknown or nothing is left
}

// Finished is the number of jobs with a result: Done+Skipped+Failed+Canceled.
func (t Totals) Finished() int { return t.Done + t.Skipped + t.Failed + t.Canceled }

// Megapixels is Pixels in millions.
func (t Totals) Megapixels() float64 { return float64(t.Pixels) / 1e6 }

// Snapshot is a copy of the pool's state at one moment.
type Snapshot struct {
	Workers []WorkerStatus
	Totals  Totals
	Paused  bool
	Running bool // Run is in progress
}

// workerSlot is one worker's live status, under its own small lock.
type workerSlot struct {
	mu       sync.Mutex
	state    State
	current  string
	onJob    bool
	jobStart time.Time
	jobsDone int
}

func (w *workerSlot) setState(s State) {
	w.mu.Lock()
	w.state = s
	w.mu.Unlock()
}

func (w *workerSlot) startJob(name string, now time.Time) {
	w.mu.Lock()
	w.state, w.current, w.onJob, w.jobStart = Working, name, true, now
	w.mu.Unlock()
}

// endJob marks the current job finished (counted) or abandoned (not).
func (w *workerSlot) endJob(counted bool) {
	w.mu.Lock()
	w.state, w.current, w.onJob, w.jobStart = Idle, "", false, time.Time{}
	if counted {
		w.jobsDone++
	}
	w.mu.Unlock()
}

func (w *workerSlot) status(id int, now time.Time) WorkerStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	ws := WorkerStatus{ID: id, State: w.state, Current: w.current, JobsDone: w.jobsDone}
	if w.onJob {
		ws.OnJob = max(now.Sub(w.jobStart), 0)
	}
	return ws
}

// tally is the batch totals and run times, under one lock.
type tally struct {
	mu      sync.Mutex
	t       Totals // Elapsed, PerSecond and ETA are filled in by snapshot
	running bool
	start   time.Time
	end     time.Time // zero while running
	everRun bool
}

func (y *tally) begin(total int, now time.Time) {
	y.mu.Lock()
	y.t = Totals{Total: total}
	y.running, y.everRun, y.start = true, true, now
	y.mu.Unlock()
}

func (y *tally) stop(now time.Time) {
	y.mu.Lock()
	y.running, y.end = false, now
	y.mu.Unlock()
}

func (y *tally) jobStarted() {
	y.mu.Lock()
	y.t.Running++
	y.mu.Unlock()
}

// add counts a finished job; started says whether it was counted as running.
func (y *tally) add(r *Result, started bool) {
	y.mu.Lock()
	defer y.mu.Unlock()
	if started {
		y.t.Running--
	}
	switch r.Status {
	case Done:
		y.t.Done++
		y.t.BytesIn += r.Job.Size
		y.t.BytesOut += r.BytesOut
		y.t.Pixels += r.Pixels
	case Skipped:
		y.t.Skipped++
	case Canceled:
		y.t.Canceled++
	default:
		y.t.Failed++
	}
}

func (y *tally) snapshot(now time.Time) (Totals, bool) {
	y.mu.Lock()
	t, running, start, end, everRun := y.t, y.running, y.start, y.end, y.everRun
	y.mu.Unlock()
	if !everRun {
		return t, false
	}
	if !running {
		now = end
	}
	t.Elapsed = max(now.Sub(start), 0)
	if secs := t.Elapsed.Seconds(); secs > 0 {
		t.PerSecond = float64(t.Done+t.Skipped+t.Failed) / secs
	}
	if left := t.Total - t.Finished(); running && left > 0 && t.PerSecond > 0 {
		t.ETA = time.Duration(float64(left) / t.PerSecond * float64(time.Second))
	}
	return t, running
}

// Snapshot copies the pool's state. It is cheap and safe from any goroutine
// at any time, before, during and after Run.
func (p *Pool) Snapshot() Snapshot {
	now := p.now()
	s := Snapshot{Workers: make([]WorkerStatus, len(p.slots)), Paused: p.gate.isPaused()}
	for i := range p.slots {
		s.Workers[i] = p.slots[i].status(i, now)
	}
	s.Totals, s.Running = p.tally.snapshot(now)
	return s
}
