package bench

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/picpool/picpool/engine"
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
// 4, … up to twice the CPUs this process may use (usable; 0: the logical
// cores), plus the exact usable count and the physical and logical core
// counts that are not above that.
func DefaultCounts(physical, logical, usable int) []int {
	logical = max(logical, 1)
	if usable <= 0 || usable > logical {
		usable = logical
	}
	top := 2 * usable
	var counts []int
	for n := 1; n <= top; n *= 2 {
		counts = append(counts, n)
	}
	counts = append(counts, top, usable)
	for _, n := range []int{physical, logical} {
		if n > 0 && n <= top {
			counts = append(counts, n)
		}
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
func Plan(counts []int, repeat int) []int { return alternate(counts, repeat) }

// alternate repeats items in rounds, alternately in order and reversed.
func alternate[T any](items []T, repeat int) []T {
	var plan []T
	for r := range repeat {
		for i := range items {
			if r%2 == 1 {
				i = len(items) - 1 - i
			}
			plan = append(plan, items[i])
		}
	}
	return plan
}

// DefaultModes are the modes measured when none are given: goroutine
// workers only, the batch's own default. Measuring worker processes too
// doubles the benchmark's time, for a comparison that only matters to
// those who choose between the two (see docs/benchmark.md).
var DefaultModes = []engine.Isolation{engine.Goroutines}

// ParseModes reads a list of worker modes such as "goroutine,process"
// (also "goroutines", "processes", "threads", and "both" for the two). The
// result has no duplicates and is in the order goroutine, process.
func ParseModes(s string) ([]engine.Isolation, error) {
	var modes []engine.Isolation
	for item := range strings.SplitSeq(s, ",") {
		item = strings.ToLower(strings.TrimSpace(item))
		switch item {
		case "":
			continue
		case "both", "all":
			modes = append(modes, engine.Goroutines, engine.Processes)
			continue
		case "thread", "threads":
			item = string(engine.Goroutines)
		}
		m, err := engine.ParseIsolation(item)
		if err != nil {
			return nil, fmt.Errorf("worker mode %q: want goroutine, process or both", item)
		}
		modes = append(modes, m)
	}
	if len(modes) == 0 {
		return nil, errors.New("no worker modes given")
	}
	return normalizeModes(modes), nil
}

// normalizeModes puts modes in the order goroutine, process without
// duplicates ("" is goroutine); none: DefaultModes.
func normalizeModes(modes []engine.Isolation) []engine.Isolation {
	out := make([]engine.Isolation, 0, 2)
	for _, m := range modes {
		out = append(out, modeOf(m))
	}
	if len(out) == 0 {
		return slices.Clone(DefaultModes)
	}
	slices.SortFunc(out, func(a, b engine.Isolation) int { return modeRank(a) - modeRank(b) })
	return slices.Compact(out)
}

// modeOf reads "" as goroutine workers, the engine's default.
func modeOf(m engine.Isolation) engine.Isolation {
	if m == "" {
		return engine.Goroutines
	}
	return m
}

func modeRank(m engine.Isolation) int {
	switch modeOf(m) {
	case engine.Goroutines:
		return 0
	case engine.Processes:
		return 1
	}
	return 2
}

// ModeName names a mode on charts, in legends and in the verdict:
// "threads (goroutine workers)" or "processes (one per worker)".
func ModeName(m engine.Isolation) string {
	switch modeOf(m) {
	case engine.Goroutines:
		return "threads (goroutine workers)"
	case engine.Processes:
		return "processes (one per worker)"
	}
	return string(m)
}

// ModeShort is a mode in a table's column: "threads" or "processes".
func ModeShort(m engine.Isolation) string {
	switch modeOf(m) {
	case engine.Goroutines:
		return "threads"
	case engine.Processes:
		return "processes"
	}
	return string(m)
}

// Slot is one run of a benchmark: a worker mode and count.
type Slot struct {
	Mode    engine.Isolation
	Workers int
}

// PlanModes is the order of the counted runs over several modes: Plan's
// rounds, alternately ascending and descending, over the (count, mode)
// pairs with the modes side by side at each count (1g 1p 2g 2p, 2p 2g 1p
// 1g, …), so that drift spreads over every count and both modes, and
// neither mode always runs first at a count.
func PlanModes(modes []engine.Isolation, counts []int, repeat int) []Slot {
	var pairs []Slot
	for _, n := range counts {
		for _, m := range modes {
			pairs = append(pairs, Slot{Mode: m, Workers: n})
		}
	}
	return alternate(pairs, repeat)
}

// WarmupCount is the worker count of the uncounted warm-up run: the largest
// count that fits the usable CPUs, so that it is quick and still touches
// every one.
func WarmupCount(counts []int, usable int) int {
	w := counts[0]
	for _, n := range counts {
		if n <= max(usable, 1) {
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
	Mode    engine.Isolation // goroutine or process workers ("": goroutine)
	Workers int
	// Wall is the batch's time: starting it (in process mode: starting the
	// worker processes and waiting for each to answer) plus the pool's
	// time from the first job handed out to the last one finished.
	Wall  time.Duration
	Setup time.Duration // of Wall, starting the batch (the worker processes)
	// CPUPercent is the CPU time used during the run over its wall time,
	// like top: 100 = one core. In process mode it is this process's plus
	// the worker processes', WorkerCPUPercent the workers' part of it.
	CPUPercent, WorkerCPUPercent float64
	// PeakRSS is the highest resident memory seen during the run, bytes:
	// sampled every 50 ms, in process mode this process's plus every
	// worker process's at the same moment, WorkerRSS the workers' part of
	// it, and WorkerFileRSS the part of that mapped from files (Linux): the
	// program's code and libraries, which each worker's resident memory
	// counts but physical memory holds once. WorkerPeakSum is, in process
	// mode, the sum of each worker process's own high-water mark (VmHWM,
	// Linux): not sampled, but an upper bound, since the workers need not
	// peak at the same moment.
	PeakRSS, WorkerRSS, WorkerFileRSS, WorkerPeakSum uint64
	// OtherCPUPercent is the CPU time other processes used during the run,
	// on the CPUs this process may run on, over its wall time (100 = one
	// core busy with other work); Busy the same as a share of those CPUs'
	// time, 0 to 1. Both are -1 where the run alone cannot tell: not
	// measured, or too short (see load.go). Load is the readings they come
	// from, which a worker count's row sums over its runs.
	OtherCPUPercent, Busy float64
	Load                  Load
	Done                  int     // images processed
	Failed                int     // images that failed
	BytesOut              int64   // bytes written
	Megapixels            float64 // input megapixels of the processed images
}

// Row is the figures for one worker mode and count.
type Row struct {
	Mode    engine.Isolation // goroutine or process workers
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
	// of the same mode (which, for the same images, is the one-worker wall
	// time over this count's); 0 until the one-worker runs are in.
	// Efficiency is SpeedUp per worker: 1 means every added worker brought a
	// whole worker's worth.
	SpeedUp, Efficiency float64
	// CPUPercent is the mean over runs of the CPU time over wall time, like
	// top: 100 = one core busy all the time; in process mode the worker
	// processes' included, WorkerCPUPercent their part.
	CPUPercent, WorkerCPUPercent float64
	// OtherCPUPercent and Busy are the same figures over all the runs:
	// other processes' CPU use during them, from Load, the sum of the runs'
	// readings (-1: not measured, or too short to tell even summed; see
	// LoadState). Runs put together from figures alone, without readings,
	// give the mean of their figures.
	OtherCPUPercent, Busy float64
	Load                  Load
	PeakRSS               uint64 // the highest of the runs' peaks, bytes (worker processes included)
	WorkerPeakSum         uint64 // the highest of the runs' WorkerPeakSum
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

// Summarize turns measurements into one row per worker mode and count that
// has any, goroutine rows first, each mode's in ascending order of workers,
// with speed-up and efficiency relative to the same mode's one-worker row.
func Summarize(ms []Measurement) []Row {
	bySlot := map[Slot][]Measurement{}
	for _, m := range ms {
		k := Slot{Mode: modeOf(m.Mode), Workers: m.Workers}
		bySlot[k] = append(bySlot[k], m)
	}
	slots := make([]Slot, 0, len(bySlot))
	for k := range bySlot {
		slots = append(slots, k)
	}
	slices.SortFunc(slots, func(a, b Slot) int {
		return cmp.Or(modeRank(a.Mode)-modeRank(b.Mode), strings.Compare(string(a.Mode), string(b.Mode)), a.Workers-b.Workers)
	})
	rows := make([]Row, 0, len(slots))
	for _, k := range slots {
		rows = append(rows, summarizeSlot(k, bySlot[k]))
	}
	base := map[engine.Isolation]float64{}
	for _, r := range rows {
		if r.Workers == 1 {
			base[r.Mode] = r.ImagesPerSec
		}
	}
	for i := range rows {
		r := &rows[i]
		if b := base[r.Mode]; b > 0 {
			r.SpeedUp = r.ImagesPerSec / b
			r.Efficiency = r.SpeedUp / float64(r.Workers)
		}
	}
	return rows
}

func summarizeSlot(k Slot, ms []Measurement) Row {
	r := Row{Mode: k.Mode, Workers: k.Workers, Runs: len(ms), Images: ms[0].Done, Megapixels: ms[0].Megapixels, WallMin: ms[0].Wall, WallMax: ms[0].Wall}
	walls := make([]time.Duration, len(ms))
	cpu, workerCPU := 0.0, 0.0
	for i, m := range ms {
		walls[i] = m.Wall
		r.WallMin, r.WallMax = min(r.WallMin, m.Wall), max(r.WallMax, m.Wall)
		if m.Done < r.Images {
			r.Images, r.Megapixels = m.Done, m.Megapixels
		}
		r.Failed = max(r.Failed, m.Failed)
		r.PeakRSS = max(r.PeakRSS, m.PeakRSS)
		r.WorkerPeakSum = max(r.WorkerPeakSum, m.WorkerPeakSum)
		cpu += m.CPUPercent
		workerCPU += m.WorkerCPUPercent
	}
	r.Load, r.OtherCPUPercent, r.Busy = rowOther(ms)
	r.CPUPercent = cpu / float64(len(ms))
	r.WorkerCPUPercent = workerCPU / float64(len(ms))
	r.Wall = Median(walls)
	if s := r.Wall.Seconds(); s > 0 {
		r.ImagesPerSec = float64(r.Images) / s
		r.MPPerSec = r.Megapixels / s
	}
	return r
}

// Recommend is the smallest worker count whose throughput is within
// tolerance (0.05 = 5%) of the best; 0 when no row has a throughput. More
// workers than that cost memory and bring less than the tolerance. The rows
// are one mode's (see RowsOf).
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

// RowsOf returns the rows of one mode.
func RowsOf(rows []Row, mode engine.Isolation) []Row {
	var out []Row
	for _, r := range rows {
		if modeOf(r.Mode) == modeOf(mode) {
			out = append(out, r)
		}
	}
	return out
}

// RowFor returns the row of a worker count (the first, goroutine, mode's
// when rows hold several modes: see RowsOf).
func RowFor(rows []Row, workers int) (Row, bool) {
	for _, r := range rows {
		if r.Workers == workers {
			return r, true
		}
	}
	return Row{}, false
}
