package pool

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestPauseBeforeRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var started atomic.Int32
		p := New(Options{Workers: 2})
		p.Pause()
		done := make(chan error)
		go func() {
			done <- p.Run(context.Background(), jobs(4, func(int, context.Context, Progress) Outcome {
				started.Add(1)
				return Outcome{Status: Done}
			}))
		}()
		synctest.Wait()
		if n := started.Load(); n != 0 {
			t.Errorf("%d jobs started while paused", n)
		}
		s := p.Snapshot()
		if !s.Paused || !p.IsPaused() || !s.Running {
			t.Errorf("Paused %v IsPaused %v Running %v", s.Paused, p.IsPaused(), s.Running)
		}
		for _, w := range s.Workers {
			if w.State != Paused || w.Current != "" {
				t.Errorf("worker %+v, want paused with no job", w)
			}
		}
		p.Resume()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := started.Load(); n != 4 {
			t.Errorf("%d jobs ran, want 4", n)
		}
	})
}

// TestPauseAtStage: pausing holds a running job at its next Stage call and
// keeps the worker from taking new jobs; paused time belongs to no stage.
func TestPauseAtStage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var started atomic.Int32
		var passed atomic.Bool
		proceed := make(chan struct{})
		c := newCollector()
		p := New(Options{Workers: 1, OnResult: c.add})
		done := make(chan error)
		go func() {
			done <- p.Run(context.Background(), jobs(2, func(i int, ctx context.Context, pr Progress) Outcome {
				started.Add(1)
				if i == 0 {
					pr.Stage("decoding")
					<-proceed
					time.Sleep(time.Second)
					if err := pr.Stage("encoding"); err != nil {
						t.Errorf("Stage: %v", err)
					}
					passed.Store(true)
					time.Sleep(2 * time.Second)
				}
				return Outcome{Status: Done}
			}))
		}()
		synctest.Wait()
		p.Pause()
		close(proceed)
		time.Sleep(time.Hour) // paused for an hour
		synctest.Wait()
		if passed.Load() {
			t.Error("Stage did not block while paused")
		}
		if w := p.Snapshot().Workers[0]; w.State != Paused || w.Current != "job0" || w.OnJob != time.Hour {
			t.Errorf("worker %+v, want paused on job0 for 1h", w)
		}
		p.Resume()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := started.Load(); n != 2 {
			t.Errorf("%d jobs ran, want 2", n)
		}
		r := c.one(t, 0)
		want := []StageTime{{"decoding", time.Second}, {"encoding", 2 * time.Second}}
		if !slices.Equal(r.Stages, want) || r.Duration != time.Hour+2*time.Second {
			t.Errorf("stages %v duration %v, want %v and 1h2s", r.Stages, r.Duration, want)
		}
	})
}

func TestCancelWhilePaused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		c := newCollector()
		p := New(Options{Workers: 2, OnResult: c.add})
		proceed := make(chan struct{})
		stageErr := make(chan error, 1)
		done := make(chan error)
		go func() {
			done <- p.Run(ctx, jobs(5, func(i int, ctx context.Context, pr Progress) Outcome {
				if i == 0 {
					<-proceed
					err := pr.Stage("writing")
					stageErr <- err
					return Outcome{Status: Failed, Err: err}
				}
				<-proceed
				return Outcome{Status: Done}
			}))
		}()
		synctest.Wait()
		p.Pause()
		close(proceed)
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
		if err := <-stageErr; !errors.Is(err, context.Canceled) {
			t.Errorf("Stage returned %v, want context.Canceled", err)
		}
		if r := c.one(t, 0); r.Status != Canceled {
			t.Errorf("job 0: %v", r.Status)
		}
		if tt := p.Snapshot().Totals; tt.Done != 1 || tt.Canceled != 4 {
			t.Errorf("totals %+v, want 1 done, 4 canceled", tt)
		}
	})
}

func TestSnapshotDuringRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New(Options{Workers: 2})
		if s := p.Snapshot(); s.Running || len(s.Workers) != 2 || s.Workers[1].State != Idle || s.Totals != (Totals{}) {
			t.Errorf("before Run: %+v", s)
		}
		hold := make(chan struct{})
		done := make(chan error)
		go func() {
			done <- p.Run(context.Background(), jobs(6, func(i int, ctx context.Context, pr Progress) Outcome {
				pr.Stage("decoding")
				if i < 2 {
					<-hold
				}
				time.Sleep(time.Second)
				return Outcome{Status: Done, Pixels: 500_000}
			}))
		}()
		synctest.Wait()
		time.Sleep(3 * time.Second)
		s := p.Snapshot()
		for _, w := range s.Workers {
			if w.State != "decoding" || w.OnJob != 3*time.Second || (w.Current != "job0" && w.Current != "job1") {
				t.Errorf("worker %+v, want decoding job0/job1 for 3s", w)
			}
		}
		if s.Totals.Running != 2 || s.Totals.Elapsed != 3*time.Second || s.Totals.PerSecond != 0 || s.Totals.ETA != 0 {
			t.Errorf("totals %+v", s.Totals)
		}
		close(hold)
		time.Sleep(time.Second) // the first two finish, two more start
		synctest.Wait()
		tt := p.Snapshot().Totals
		if tt.Done != 2 || tt.Elapsed != 4*time.Second || tt.PerSecond != 0.5 || tt.ETA != 8*time.Second {
			t.Errorf("after 4s: %+v, want 2 done, 0.5/s, ETA 8s", tt)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		tt = p.Snapshot().Totals
		if tt.Elapsed != 6*time.Second || tt.PerSecond != 1 || tt.Megapixels() != 3 {
			t.Errorf("after Run: %+v, want Elapsed frozen at 6s, 1/s, 3 MP", tt)
		}
	})
}

// TestSnapshotConcurrent hammers Snapshot from many goroutines during a run
// (for the race detector) and checks that every copy is consistent.
func TestSnapshotConcurrent(t *testing.T) {
	const workers, n = 4, 300
	p := New(Options{Workers: workers})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				s := p.Snapshot()
				tt := s.Totals
				if len(s.Workers) != workers || tt.Running < 0 || tt.Running > workers || tt.Finished() > tt.Total {
					t.Errorf("inconsistent snapshot %+v", s)
					return
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	err := p.Run(context.Background(), jobs(n, func(i int, ctx context.Context, pr Progress) Outcome {
		for _, st := range []State{"decoding", "filtering", "encoding"} {
			if err := pr.Stage(st); err != nil {
				return Outcome{Status: Failed, Err: err}
			}
		}
		if i%50 == 0 {
			p.Pause()
			p.Resume()
		}
		return Outcome{Status: Done}
	}))
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if tt := p.Snapshot().Totals; tt.Done != n {
		t.Errorf("%d done, want %d", tt.Done, n)
	}
}

func TestOnResultStages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c := newCollector()
		p := New(Options{Workers: 2, OnResult: func(r Result) { calls.Add(1); c.add(r) }})
		err := p.Run(context.Background(), jobs(8, func(i int, ctx context.Context, pr Progress) Outcome {
			time.Sleep(time.Millisecond) // before the first stage: in no stage
			for k, st := range []State{"decoding", "filtering", "encoding", "writing"} {
				pr.Stage(st)
				time.Sleep(time.Duration(k+i) * time.Millisecond)
			}
			return Outcome{Status: Done}
		}))
		if err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != 8 {
			t.Errorf("OnResult called %d times, want 8", n)
		}
		for i := range 8 {
			r := c.one(t, i)
			want := []StageTime{
				{"decoding", time.Duration(i) * time.Millisecond},
				{"filtering", time.Duration(i+1) * time.Millisecond},
				{"encoding", time.Duration(i+2) * time.Millisecond},
				{"writing", time.Duration(i+3) * time.Millisecond},
			}
			if !slices.Equal(r.Stages, want) || r.Duration != time.Duration(4*i+7)*time.Millisecond {
				t.Errorf("job %d: stages %v in %v, want %v", i, r.Stages, r.Duration, want)
			}
		}
	})
}
