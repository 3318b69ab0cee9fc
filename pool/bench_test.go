package pool

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

var sink [32]byte

// spin does a fixed amount of CPU work: rounds of SHA-256 over 32 bytes.
func spin(rounds int) {
	h := sha256.Sum256(nil)
	for range rounds {
		h = sha256.Sum256(h[:])
	}
	sink = h
}

// jobRounds is the number of spin rounds that take about 5ms on one core,
// measured once.
var jobRounds = sync.OnceValue(func() int {
	const probe = 20_000
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		spin(probe)
		best = min(best, time.Since(start))
	}
	return max(int(int64(probe)*int64(5*time.Millisecond)/int64(max(best, 1))), 1)
})

// fanOut does rounds of work split over runtime.GOMAXPROCS(0) goroutines, the
// way imaging v1.6.2 spreads a resize or blur.
func fanOut(rounds int) {
	procs := runtime.GOMAXPROCS(0)
	per := (rounds + procs - 1) / procs
	var wg sync.WaitGroup
	for start := 0; start < rounds; start += per {
		n := min(per, rounds-start)
		wg.Go(func() { spin(n) })
	}
	wg.Wait()
}

// runBatch runs b.N jobs of work on a pool and reports jobs/s and the number
// of cores the process kept busy (CPU time / wall time).
func runBatch(b *testing.B, opts Options, work func()) {
	js := make([]Job, b.N)
	for i := range js {
		js[i] = Job{ID: i, Run: func(context.Context, Progress) Outcome {
			work()
			return Outcome{Status: Done}
		}}
	}
	p := New(opts)
	sampler, err := NewProcSampler(int32(os.Getpid()))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := p.Run(context.Background(), js); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	st, err := sampler.Sample()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	b.ReportMetric(st.CPUPercent/100, "cores")
}

// BenchmarkPoolThroughput: CPU-bound jobs of about 5ms each, on 1, 2, 4, ...
// workers up to twice the logical cores.
func BenchmarkPoolThroughput(b *testing.B) {
	rounds := jobRounds()
	top := 2 * LogicalCores()
	counts := []int{}
	for w := 1; w < top; w *= 2 {
		counts = append(counts, w)
	}
	counts = append(counts, top)
	for _, w := range counts {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			runBatch(b, Options{Workers: w}, func() { spin(rounds) })
		})
	}
}

// BenchmarkFanOut compares capping GOMAXPROCS (FanOut=false) with leaving it
// alone (FanOut=true) for jobs that fan out over GOMAXPROCS goroutines the
// way imaging does; each job is about 10ms of work on one core.
func BenchmarkFanOut(b *testing.B) {
	rounds := 2 * jobRounds()
	for _, w := range []int{1, runtime.NumCPU()} {
		for _, fan := range []bool{false, true} {
			b.Run(fmt.Sprintf("workers=%d/fanout=%v", w, fan), func(b *testing.B) {
				runBatch(b, Options{Workers: w, FanOut: fan}, func() { fanOut(rounds) })
			})
		}
	}
}
