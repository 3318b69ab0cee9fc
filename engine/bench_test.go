package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/picpool/picpool/pool"
)

// BenchmarkBatch runs the 18 shared photos (1800x1200) through
// resize=1200x0,sharpen=0.8 at 1..2xcores workers, each worker capped to one
// core (the default), and reports images/s.
//
//	go test -run '^$' -bench Batch -benchtime 3x ./engine/
func BenchmarkBatch(b *testing.B) {
	for _, n := range workerCounts() {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) { benchBatch(b, n, false) })
	}
}

// BenchmarkFanOut shows the decision of pool/doc.go: with FanOut, imaging
// spreads each filter over every core on top of the workers, so one worker
// is no longer one core and memory grows with in-flight images.
func BenchmarkFanOut(b *testing.B) {
	for _, n := range []int{1, pool.LogicalCores()} {
		for _, fan := range []bool{false, true} {
			b.Run(fmt.Sprintf("workers=%d/fanout=%v", n, fan), func(b *testing.B) { benchBatch(b, n, fan) })
		}
	}
}

func workerCounts() []int {
	var counts []int
	for n := 1; n <= 2*pool.LogicalCores(); n *= 2 {
		counts = append(counts, n)
	}
	return counts
}

func benchBatch(b *testing.B, workers int, fanOut bool) {
	batch := Collect(context.Background(), []string{filepath.Join(testdata, "photos")}, "")
	if len(batch.Sources) != 18 {
		b.Fatalf("%d sources", len(batch.Sources))
	}
	sampler, err := pool.NewProcSampler(int32(os.Getpid()))
	if err != nil {
		b.Fatal(err)
	}
	sampler.Sample()
	var images int
	var wall time.Duration
	for i := 0; i < b.N; i++ {
		s := settings(b, b.TempDir(), "resize=1200x0,sharpen=0.8", workers)
		s.FanOut = fanOut
		start := time.Now()
		r, err := Start(context.Background(), batch, s)
		if err != nil {
			b.Fatal(err)
		}
		sum := r.Wait()
		wall += time.Since(start)
		if sum.Done != len(batch.Sources) {
			b.Fatalf("%+v", sum)
		}
		images += sum.Done
	}
	st, _ := sampler.Sample()
	b.ReportMetric(float64(images)/wall.Seconds(), "images/s")
	b.ReportMetric(st.CPUPercent/100, "cores")
}
