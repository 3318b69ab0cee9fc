package pool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// collector gathers results from OnResult.
type collector struct {
	mu   sync.Mutex
	byID map[int][]Result
}

func newCollector() *collector { return &collector{byID: map[int][]Result{}} }

func (c *collector) add(r Result) {
	c.mu.Lock()
	c.byID[r.Job.ID] = append(c.byID[r.Job.ID], r)
	c.mu.Unlock()
}

// one returns the single result of job id, failing if there is not exactly one.
func (c *collector) one(t *testing.T, id int) Result {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.byID[id]); n != 1 {
		t.Fatalf("job %d: %d results, want 1", id, n)
	}
	return c.byID[id][0]
}

func jobs(n int, run func(i int, ctx context.Context, p Progress) Outcome) []Job {
	js := make([]Job, n)
	for i := range js {
		js[i] = Job{ID: i, Name: fmt.Sprintf("job%d", i), Size: int64(100 + i), Run: func(ctx context.Context, p Progress) Outcome {
			return run(i, ctx, p)
		}}
	}
	return js
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{Done: "done", Skipped: "skipped", Failed: "failed", Canceled: "canceled", 9: "status(9)"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}

func TestDefaultWorkers(t *testing.T) {
	if got, want := New(Options{}).Workers(), UsableCPUs().N; got != want {
		t.Errorf("Workers() = %d, want UsableCPUs().N = %d", got, want)
	}
	if got := New(Options{Workers: 3}).Workers(); got != 3 {
		t.Errorf("Workers() = %d, want 3", got)
	}
}

func TestRunMixedOutcomes(t *testing.T) {
	const n = 100
	runs := make([]atomic.Int32, n)
	errBad := errors.New("bad input")
	var wantIn, wantOut, wantPix int64
	var want Totals
	for i := range n {
		switch i % 4 {
		case 0, 3:
			want.Done++
			wantIn += int64(100 + i)
			wantOut += int64(i)
			wantPix += int64(1000 * i)
		case 1:
			want.Skipped++
		case 2:
			want.Failed++
		}
	}
	c := newCollector()
	p := New(Options{Workers: 4, OnResult: c.add})
	err := p.Run(context.Background(), jobs(n, func(i int, ctx context.Context, pr Progress) Outcome {
		runs[i].Add(1)
		if w := pr.Worker(); w < 0 || w >= 4 {
			t.Errorf("job %d: Worker() = %d", i, w)
		}
		switch i % 4 {
		case 1:
			return Outcome{Status: Skipped, Err: errors.New("exists")}
		case 2:
			return Outcome{Status: Failed, Err: errBad, BytesOut: 7, Pixels: 7}
		}
		return Outcome{Status: Done, BytesOut: int64(i), Pixels: int64(1000 * i), Value: i}
	}))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for i := range n {
		if got := runs[i].Load(); got != 1 {
			t.Errorf("job %d ran %d times", i, got)
		}
		r := c.one(t, i)
		if r.Job.Run != nil {
			t.Errorf("job %d: Result.Job.Run not nil'd", i)
		}
		switch i % 4 {
		case 0, 3:
			if r.Status != Done || r.Value != i {
				t.Errorf("job %d: %v %v, want done %d", i, r.Status, r.Value, i)
			}
		case 1:
			if r.Status != Skipped {
				t.Errorf("job %d: %v, want skipped", i, r.Status)
			}
		case 2:
			if r.Status != Failed || !errors.Is(r.Err, errBad) {
				t.Errorf("job %d: %v %v, want failed %v", i, r.Status, r.Err, errBad)
			}
		}
	}

	s := p.Snapshot()
	tt := s.Totals
	if tt.Total != n || tt.Finished() != n || tt.Done != want.Done || tt.Skipped != want.Skipped ||
		tt.Failed != want.Failed || tt.Canceled != 0 || tt.Running != 0 {
		t.Errorf("totals %+v, want done %d skipped %d failed %d of %d", tt, want.Done, want.Skipped, want.Failed, n)
	}
	if tt.BytesIn != wantIn || tt.BytesOut != wantOut || tt.Pixels != wantPix {
		t.Errorf("bytes in/out %d/%d pixels %d, want %d/%d %d", tt.BytesIn, tt.BytesOut, tt.Pixels, wantIn, wantOut, wantPix)
	}
	if tt.Megapixels() != float64(wantPix)/1e6 || tt.ETA != 0 {
		t.Errorf("Megapixels %v ETA %v", tt.Megapixels(), tt.ETA)
	}
	if s.Running || s.Paused {
		t.Errorf("after Run: Running %v Paused %v", s.Running, s.Paused)
	}
	done := 0
	for _, w := range s.Workers {
		done += w.JobsDone
		if w.State != Stopped || w.Current != "" || w.OnJob != 0 {
			t.Errorf("after Run: worker %+v", w)
		}
	}
	if done != n {
		t.Errorf("workers' JobsDone sum to %d, want %d", done, n)
	}
	if err := p.Run(context.Background(), nil); !errors.Is(err, ErrAlreadyRun) {
		t.Errorf("second Run: %v, want ErrAlreadyRun", err)
	}
}

func TestOddOutcomes(t *testing.T) {
	c := newCollector()
	js := []Job{
		{ID: 0, Name: "no run"},
		{ID: 1, Run: func(context.Context, Progress) Outcome { return Outcome{Status: Failed} }},
		{ID: 2, Run: func(context.Context, Progress) Outcome { return Outcome{Status: 42} }},
	}
	if err := New(Options{Workers: 2, OnResult: c.add}).Run(context.Background(), js); err != nil {
		t.Fatal(err)
	}
	for id := range js {
		if r := c.one(t, id); r.Status != Failed || r.Err == nil {
			t.Errorf("job %d: %v %v, want failed with an error", id, r.Status, r.Err)
		}
	}
}

// TestConcurrency: N workers run N jobs at once, never more.
func TestConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, n = 3, 10
		var cur, peak atomic.Int32
		release := make(chan struct{})
		p := New(Options{Workers: workers})
		done := make(chan error)
		go func() {
			done <- p.Run(context.Background(), jobs(n, func(i int, ctx context.Context, pr Progress) Outcome {
				c := cur.Add(1)
				for old := peak.Load(); c > old && !peak.CompareAndSwap(old, c); old = peak.Load() {
				}
				<-release
				cur.Add(-1)
				return Outcome{Status: Done}
			}))
		}()
		synctest.Wait() // every worker is blocked in a job, the feeder on the next send
		if got := cur.Load(); got != workers {
			t.Errorf("%d jobs running, want %d", got, workers)
		}
		s := p.Snapshot()
		if s.Totals.Running != workers || !s.Running {
			t.Errorf("snapshot Running %d (%v), want %d", s.Totals.Running, s.Running, workers)
		}
		for _, w := range s.Workers {
			if w.State != Working || !strings.HasPrefix(w.Current, "job") {
				t.Errorf("worker %+v, want working on a job", w)
			}
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := peak.Load(); got != workers {
			t.Errorf("peak concurrency %d, want %d", got, workers)
		}
	})
}

func TestPanic(t *testing.T) {
	c := newCollector()
	p := New(Options{Workers: 1, OnResult: c.add})
	err := p.Run(context.Background(), jobs(5, func(i int, ctx context.Context, pr Progress) Outcome {
		if i == 2 {
			panic("boom")
		}
		return Outcome{Status: Done}
	}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r := c.one(t, i)
		if i != 2 {
			if r.Status != Done {
				t.Errorf("job %d: %v, want done", i, r.Status)
			}
			continue
		}
		var pe *PanicError
		if r.Status != Failed || !errors.As(r.Err, &pe) {
			t.Fatalf("panicking job: %v %v, want failed with a PanicError", r.Status, r.Err)
		}
		if pe.Value != "boom" || r.Err.Error() != "panic: boom" {
			t.Errorf("PanicError value %v, message %q", pe.Value, r.Err.Error())
		}
		if !strings.Contains(string(pe.Stack), "TestPanic") {
			t.Errorf("stack does not show the panicking function:\n%s", pe.Stack)
		}
	}
	if tt := p.Snapshot().Totals; tt.Done != 4 || tt.Failed != 1 {
		t.Errorf("totals %+v", tt)
	}
}

func TestPanicErrorUnwrap(t *testing.T) {
	base := errors.New("base")
	if err := error(&PanicError{Value: base}); !errors.Is(err, base) || err.Error() != "panic: base" {
		t.Errorf("PanicError wrapping an error: %v", err)
	}
}

func TestCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		c := newCollector()
		p := New(Options{Workers: 2, OnResult: c.add})
		var ran atomic.Int32
		done := make(chan error)
		go func() {
			done <- p.Run(ctx, jobs(10, func(i int, ctx context.Context, pr Progress) Outcome {
				ran.Add(1)
				<-ctx.Done()
				if i == 0 {
					return Outcome{Status: Failed, Err: fmt.Errorf("decode: %w", ctx.Err())}
				}
				return Outcome{Status: Done} // finished its work despite the cancel
			}))
		}()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
		if got := ran.Load(); got != 2 {
			t.Errorf("%d jobs started, want 2", got)
		}
		if r := c.one(t, 0); r.Status != Canceled || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("job 0 failed after cancel: %v %v, want canceled", r.Status, r.Err)
		}
		if r := c.one(t, 1); r.Status != Done {
			t.Errorf("job 1 returned done after cancel: %v, want done", r.Status)
		}
		for i := 2; i < 10; i++ {
			r := c.one(t, i)
			if r.Status != Canceled || !r.Start.IsZero() || !errors.Is(r.Err, context.Canceled) {
				t.Errorf("unstarted job %d: %v %v start %v", i, r.Status, r.Err, r.Start)
			}
		}
		if tt := p.Snapshot().Totals; tt.Canceled != 9 || tt.Done != 1 || tt.Finished() != 10 || tt.Running != 0 {
			t.Errorf("totals %+v", tt)
		}
		// synctest.Test fails if any goroutine started by Run is still around.
	})
}

func TestCancelledBeforeRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := newCollector()
	p := New(Options{Workers: 2, OnResult: c.add})
	if err := p.Run(ctx, jobs(5, func(int, context.Context, Progress) Outcome {
		t.Error("job ran after cancel")
		return Outcome{}
	})); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
	for i := range 5 {
		if r := c.one(t, i); r.Status != Canceled {
			t.Errorf("job %d: %v", i, r.Status)
		}
	}
}
