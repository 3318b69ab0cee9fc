package pool

import (
	"context"
	"os"
	"runtime"
	"sync"
	"testing"
)

// setProcs sets GOMAXPROCS for one test.
func setProcs(t *testing.T, n int) {
	old := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

// procsInJob runs one pool with a single job and returns GOMAXPROCS as the
// job saw it.
func procsInJob(t *testing.T, opts Options) int {
	t.Helper()
	var seen int
	err := New(opts).Run(context.Background(), []Job{{Run: func(context.Context, Progress) Outcome {
		seen = runtime.GOMAXPROCS(0)
		return Outcome{Status: Done}
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

func TestGOMAXPROCSCapped(t *testing.T) {
	const orig = 8
	setProcs(t, orig)
	if got := procsInJob(t, Options{Workers: 1}); got != 1 {
		t.Errorf("GOMAXPROCS in a 1-worker pool = %d, want 1", got)
	}
	if got := runtime.GOMAXPROCS(0); got != orig {
		t.Errorf("GOMAXPROCS after Run = %d, want %d restored", got, orig)
	}
	if got, want := procsInJob(t, Options{Workers: 3 * orig}), min(orig, UsableCPUs().N); got != want {
		t.Errorf("GOMAXPROCS with %d workers = %d, want %d", 3*orig, got, want)
	}
	if got := procsInJob(t, Options{Workers: 1, FanOut: true}); got != orig {
		t.Errorf("GOMAXPROCS with FanOut = %d, want %d untouched", got, orig)
	}
	if got := runtime.GOMAXPROCS(0); got != orig {
		t.Errorf("GOMAXPROCS at the end = %d, want %d", got, orig)
	}
}

// TestGOMAXPROCSShared: pools running at once add up their workers, and the
// original value comes back only when the last one ends.
func TestGOMAXPROCSShared(t *testing.T) {
	if UsableCPUs().N < 2 {
		t.Skip("needs 2 usable CPUs")
	}
	const orig = 8
	setProcs(t, orig)
	var inBoth, bothSaw, firstDone sync.WaitGroup
	inBoth.Add(2)
	bothSaw.Add(2)
	firstDone.Add(1)
	seen := make([]int, 3)
	run := func(i int, wait func()) {
		err := New(Options{Workers: 1}).Run(context.Background(), []Job{{Run: func(context.Context, Progress) Outcome {
			inBoth.Done()
			inBoth.Wait()
			seen[i] = runtime.GOMAXPROCS(0)
			bothSaw.Done()
			bothSaw.Wait()
			wait()
			return Outcome{Status: Done}
		}}})
		if err != nil {
			t.Error(err)
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { run(0, func() {}); firstDone.Done() })
	wg.Go(func() {
		run(1, func() {
			firstDone.Wait()
			seen[2] = runtime.GOMAXPROCS(0)
		})
	})
	wg.Wait()
	if seen[0] != 2 || seen[1] != 2 {
		t.Errorf("GOMAXPROCS with two 1-worker pools = %v, want 2", seen[:2])
	}
	if seen[2] != 1 {
		t.Errorf("GOMAXPROCS after one of them ended = %d, want 1", seen[2])
	}
	if got := runtime.GOMAXPROCS(0); got != orig {
		t.Errorf("GOMAXPROCS after both = %d, want %d", got, orig)
	}
}

func TestReadMachine(t *testing.T) {
	m, err := ReadMachine()
	if err != nil {
		t.Fatal(err)
	}
	if m.PhysicalCores <= 0 || m.LogicalCores <= 0 || m.TotalMemory == 0 || m.AvailableMemory == 0 || m.AvailableMemory > m.TotalMemory {
		t.Errorf("ReadMachine() = %+v", m)
	}
	t.Logf("%+v", m)
}

func TestProcSampler(t *testing.T) {
	s, err := NewProcSampler(int32(os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for i := range 5_000_000 { // a little CPU time to see
		x += i * i
	}
	_ = x
	st, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if st.PID != int32(os.Getpid()) || st.RSS == 0 || st.CPUPercent < 0 {
		t.Errorf("Sample() = %+v", st)
	}
	t.Logf("%+v", st)
}
