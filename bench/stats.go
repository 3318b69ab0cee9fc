package bench

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/picpool/picpool/processing"
)

// DefaultTolerance is how close to the best throughput a worker count must
// come to be recommended: the smallest count within 5% of the best.
const DefaultTolerance = 0.05

// DefaultRepeat is the number of counted runs per worker count.
const DefaultRepeat = 3

// MaxWorkers bounds a requested worker count.
const MaxWorkers = 1024

// DefaultCounts are the worker counts measured when none are given: 1, 2,
// 4, … up to twice the logical cores, plus the exact physical and logical
// core counts.
func DefaultCounts(physical, logical int) []int {
	logical = max(logical, 1)
	top := 2 * logical
	var counts []int
	for n := 1; n <= top; n *= 2 {
		counts = append(counts, n)
	}
	counts = append(counts, top, logical)
	if physical > 0 {
		counts = append(counts, physical)
	}
	return normalize(counts)
}

// ParseCounts reads a list of worker counts such as "1,2,4,6". The result
// is sorted, without duplicates, and always holds 1: the one-worker run is
// the baseline of every speed-up.
func ParseCounts(s string) ([]int, error) {
	var counts []int
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		n, err := strconv.Atoi(item)
		if err != nil || n < 1 || n > MaxWorkers {
			return nil, fmt.Errorf("worker count %q: want a whole number from 1 to %d", item, MaxWorkers)
		}
		counts = append(counts, n)
	}
	if len(counts) == 0 {
		return nil, errors.New("no worker counts given")
	}
	return normalize(counts), nil
}

// normalize sorts counts, drops duplicates and adds the baseline 1.
func normalize(counts []int) []int {
	out := append([]int{1}, counts...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Plan is the order of the counted runs: repeat rounds over the counts,
// alternately ascending and descending (1 2 4, 4 2 1, 1 2 4, …), so that a
// machine that gets busier or quieter during the benchmark, or warmer,
// spreads its drift over every count instead of loading it onto the last.
func Plan(counts []int, repeat int) []int {
	var plan []int
	for r := range repeat {
		for i := range counts {
			if r%2 == 1 {
				i = len(counts) - 1 - i
			}
			plan = append(plan, counts[i])
		}
	}
	return plan
}

// WarmupCount is the worker count of the uncounted warm-up run: the largest
// count that fits the logical cores, so that it is quick and still touches
// every core.
func WarmupCount(counts []int, logical int) int {
	w := counts[0]
	for _, n := range counts {
		if n <= max(logical, 1) {
			w = n
		}
	}
	return w
}

// Sample picks k of the sources, evenly spread over the list (so a folder of
// landscapes followed by portraits gives both); k <= 0 or k >= len(src)
// keeps them all.
func Sample(src []processing.Source, k int) []processing.Source {
	n := len(src)
	if k <= 0 || k >= n {
		return src
	}
	out := make([]processing.Source, k)
	for i := range out {
		out[i] = src[i*n/k]
	}
	return out
}

// Measurement is one counted run of the whole batch.
type Measurement struct {
	Workers    int
	Wall       time.Duration // from the first job handed out to the last one finished
	CPUPercent float64       // the process's CPU time over the run's wall time, like top: 100 = one core
	PeakRSS    uint64        // the highest resident memory seen during the run, bytes
	Done       int           // images processed
	Failed     int           // images that failed
	BytesOut   int64         // bytes written
	Megapixels float64       // input megapixels of the processed images
}

// Row is the figures for one worker count.
type Row struct {
	Workers int
	Runs    int // counted runs
	// Images is the number of images processed in each run (the fewest, if
	// runs differ); Failed the most failures in a run.
	Images, Failed         int
	Megapixels             float64       // input megapixels processed per run
	Wall, WallMin, WallMax time.Duration // median, fastest and slowest run
	ImagesPerSec           float64       // Images / median wall time
	MPPerSec               float64       // Megapixels / median wall time
	// SpeedUp is this count's throughput over the one-worker throughput
	// (which, for the same images, is the one-worker wall time over this
	// count's); 0 until the one-worker runs are in. Efficiency is SpeedUp
	// per worker: 1 means every added worker brought a whole worker's worth.
	SpeedUp, Efficiency float64
	// CPUPercent is the mean over runs of the process's CPU time over wall
	// time, like top: 100 = one core busy all the time.
	CPUPercent float64
	PeakRSS    uint64 // the highest of the runs' peaks, bytes
}

// Median is the middle duration (the mean of the two middle ones for an even
// count); 0 for none.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Summarize turns measurements into one row per worker count that has any,
// in ascending order of workers, with speed-up and efficiency relative to
// the one-worker row.
func Summarize(ms []Measurement) []Row {
	byCount := map[int][]Measurement{}
	for _, m := range ms {
		byCount[m.Workers] = append(byCount[m.Workers], m)
	}
	counts := make([]int, 0, len(byCount))
	for n := range byCount {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	rows := make([]Row, 0, len(counts))
	for _, n := range counts {
		rows = append(rows, summarizeCount(n, byCount[n]))
	}
	var base *Row
	for i := range rows {
		if rows[i].Workers == 1 {
			base = &rows[i]
		}
	}
	if base != nil && base.ImagesPerSec > 0 {
		for i := range rows {
			r := &rows[i]
			r.SpeedUp = r.ImagesPerSec / base.ImagesPerSec
			r.Efficiency = r.SpeedUp / float64(r.Workers)
		}
	}
	return rows
}

func summarizeCount(n int, ms []Measurement) Row {
	r := Row{Workers: n, Runs: len(ms), Images: ms[0].Done, Megapixels: ms[0].Megapixels, WallMin: ms[0].Wall, WallMax: ms[0].Wall}
	walls := make([]time.Duration, len(ms))
	cpu := 0.0
	for i, m := range ms {
		walls[i] = m.Wall
		r.WallMin, r.WallMax = min(r.WallMin, m.Wall), max(r.WallMax, m.Wall)
		if m.Done < r.Images {
			r.Images, r.Megapixels = m.Done, m.Megapixels
		}
		r.Failed = max(r.Failed, m.Failed)
		r.PeakRSS = max(r.PeakRSS, m.PeakRSS)
		cpu += m.CPUPercent
	}
	r.CPUPercent = cpu / float64(len(ms))
	r.Wall = Median(walls)
	if s := r.Wall.Seconds(); s > 0 {
		r.ImagesPerSec = float64(r.Images) / s
		r.MPPerSec = r.Megapixels / s
	}
	return r
}

// Recommend is the smallest worker count whose throughput is within
// tolerance (0.05 = 5%) of the best; 0 when no row has a throughput. More
// workers than that cost memory and bring less than the tolerance.
func Recommend(rows []Row, tolerance float64) int {
	best := Best(rows)
	if best == 0 {
		return 0
	}
	top := 0.0
	for _, r := range rows {
		top = max(top, r.ImagesPerSec)
	}
	for _, r := range rows { // ascending workers
		if r.ImagesPerSec >= (1-tolerance)*top {
			return r.Workers
		}
	}
	return best
}

// Best is the worker count with the highest throughput (the smallest of
// equals); 0 when no row has a throughput.
func Best(rows []Row) int {
	best, top := 0, 0.0
	for _, r := range rows {
		if r.ImagesPerSec > top {
			best, top = r.Workers, r.ImagesPerSec
		}
	}
	return best
}

// RowFor returns the row of a worker count.
func RowFor(rows []Row, workers int) (Row, bool) {
	for _, r := range rows {
		if r.Workers == workers {
			return r, true
		}
	}
	return Row{}, false
}
