package pool

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

func TestMemoryBudget(t *testing.T) {
	const budget = 100
	costs := []int64{60, 50, 40, 30, 20, 10, 90, 70, 50, 50, 25, 75, 100, 0, 0, 5, 95, 45, 55, 35}
	var inUse, peak atomic.Int64
	c := newCollector()
	js := make([]Job, 0, len(costs)+1)
	for i, cost := range costs {
		js = append(js, Job{ID: i, Name: "j", Cost: cost, Run: func(context.Context, Progress) Outcome {
			u := inUse.Add(cost)
			for old := peak.Load(); u > old && !peak.CompareAndSwap(old, u); old = peak.Load() {
			}
			for range 20 {
				runtime.Gosched()
			}
			inUse.Add(-cost)
			return Outcome{Status: Done}
		}})
	}
	big := len(costs)
	js = append(js, Job{ID: big, Name: "big", Cost: 150, Run: func(context.Context, Progress) Outcome {
		t.Error("over-budget job ran")
		return Outcome{}
	}})
	p := New(Options{Workers: 4, MemoryBudget: budget, OnResult: c.add})
	if err := p.Run(context.Background(), js); err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got > budget {
		t.Errorf("jobs costing %d ran at once, budget %d", got, budget)
	}
	for i := range costs {
		if r := c.one(t, i); r.Status != Done {
			t.Errorf("job %d (cost %d): %v %v", i, costs[i], r.Status, r.Err)
		}
	}
	r := c.one(t, big)
	if r.Status != Failed || !errors.Is(r.Err, ErrOverBudget) {
		t.Errorf("big job: %v %v, want failed with ErrOverBudget", r.Status, r.Err)
	}
	if want := "needs 150 B, more than the whole 100 B memory budget"; r.Err.Error() != want {
		t.Errorf("message %q, want %q", r.Err.Error(), want)
	}
}

func TestOverBudgetMessage(t *testing.T) {
	err := &overBudgetError{need: 2254857830, budget: 512 << 20}
	if want := "needs 2.1 GiB, more than the whole 512 MiB memory budget"; err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 3 << 40: "3 TiB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// holdJobs returns jobs of the given costs that block until hold is closed,
// counting in running those that started.
func holdJobs(running *atomic.Int32, hold <-chan struct{}, costs ...int64) []Job {
	js := []Job{}
	for i, cost := range costs {
		js = append(js, Job{ID: i, Name: "j", Cost: cost, Run: func(ctx context.Context, _ Progress) Outcome {
			running.Add(1)
			<-hold
			return Outcome{Status: Done}
		}})
	}
	return js
}

// TestBudgetFits: jobs that fit the budget together run together.
func TestBudgetFits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var running atomic.Int32
		hold := make(chan struct{})
		p := New(Options{Workers: 3, MemoryBudget: 100})
		done := make(chan error)
		go func() { done <- p.Run(context.Background(), holdJobs(&running, hold, 50, 0, 50)) }()
		synctest.Wait()
		if n := running.Load(); n != 3 {
			t.Errorf("%d jobs running, want all 3", n)
		}
		close(hold)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestBudgetWait: a job that does not fit waits with its worker idle, and a
// cancel while it waits means it never runs.
func TestBudgetWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		c := newCollector()
		var running atomic.Int32
		hold := make(chan struct{})
		p := New(Options{Workers: 2, MemoryBudget: 100, OnResult: c.add})
		done := make(chan error)
		go func() { done <- p.Run(ctx, holdJobs(&running, hold, 60, 60)) }()
		synctest.Wait()
		if n := running.Load(); n != 1 {
			t.Errorf("%d jobs running, want 1", n)
		}
		s := p.Snapshot()
		idle := 0
		for _, w := range s.Workers {
			if w.State == Idle && w.Current == "" {
				idle++
			}
		}
		if idle != 1 || s.Totals.Running != 1 {
			t.Errorf("workers %+v running %d, want one idle waiting for budget", s.Workers, s.Totals.Running)
		}
		cancel()
		synctest.Wait()
		close(hold)
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
		if tt := p.Snapshot().Totals; tt.Done != 1 || tt.Canceled != 1 || running.Load() != 1 {
			t.Errorf("totals %+v, %d jobs ran; want 1 done, 1 canceled", tt, running.Load())
		}
		if p.budget.used != 0 || len(p.budget.waiters) != 0 {
			t.Errorf("budget left with %d used, %d waiters", p.budget.used, len(p.budget.waiters))
		}
	})
}

// TestBudgetFIFO: a large job waiting for room is not overtaken by smaller
// ones that would fit.
func TestBudgetFIFO(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &budget{limit: 100}
		ctx := context.Background()
		if err := b.acquire(ctx, 60); err != nil {
			t.Fatal(err)
		}
		order := make(chan int64, 2)
		for _, cost := range []int64{80, 30} {
			go func() {
				if err := b.acquire(ctx, cost); err != nil {
					t.Error(err)
				}
				order <- cost
				b.release(cost)
			}()
			synctest.Wait() // queue them in this order
		}
		b.release(60)
		if first, second := <-order, <-order; first != 80 || second != 30 {
			t.Errorf("admitted %d then %d, want 80 then 30", first, second)
		}
	})
}
