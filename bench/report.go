package bench

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"

	"github.com/picpool/picpool/pool"
)

// Machine is what the figures were measured on.
type Machine struct {
	PhysicalCores int    `json:"physical_cores"`
	LogicalCores  int    `json:"logical_cores"`
	GOMAXPROCS    int    `json:"gomaxprocs"` // before the benchmark; a cgroup limit shows here
	CPUModel      string `json:"cpu_model,omitempty"`
	OS            string `json:"os"`
	Arch          string `json:"arch"`
	TotalMemory   uint64 `json:"total_memory"`
}

// ReadMachine reads the core counts, memory and CPU model.
func ReadMachine() Machine {
	pm, _ := pool.ReadMachine() // the counts are filled in even when memory is not
	m := Machine{
		PhysicalCores: pm.PhysicalCores, LogicalCores: pm.LogicalCores, TotalMemory: pm.TotalMemory,
		GOMAXPROCS: runtime.GOMAXPROCS(0), OS: runtime.GOOS, Arch: runtime.GOARCH,
	}
	if info, err := cpu.Info(); err == nil && len(info) > 0 {
		m.CPUModel = strings.TrimSpace(info[0].ModelName)
	}
	return m
}

// String is "2 logical cores, 2 physical (AMD EPYC), linux/amd64".
func (m Machine) String() string {
	s := fmt.Sprintf("%d logical cores, %d physical", m.LogicalCores, m.PhysicalCores)
	if m.CPUModel != "" {
		s += " (" + m.CPUModel + ")"
	}
	s += ", " + m.OS + "/" + m.Arch
	if m.GOMAXPROCS < m.LogicalCores {
		s += fmt.Sprintf(", GOMAXPROCS %d", m.GOMAXPROCS)
	}
	return s
}

// Report is a benchmark's figures: complete when Wait returns, partial in
// the events sent while it runs.
type Report struct {
	Date      time.Time
	Machine   Machine
	Images    int     // images in the batch
	Bytes     int64   // their size on disk
	Filters   string  // the filter chain, in the command line's form ("" = none)
	Format    string  // the output format
	Repeat    int     // counted runs per worker count
	Counts    []int   // the worker counts asked for, ascending
	Tolerance float64 // for Recommended
	Rows      []Row   // one per count measured so far, ascending
	// Recommended is the smallest count within Tolerance of the best
	// throughput, Best the count with the best throughput; 0 while nothing
	// is measured.
	Recommended, Best int
	Runs              []Measurement // every counted run, in the order run
	Excluded          []Excluded    // images left out: they failed in the warm-up
	Complete          bool          // every planned run is in
}

// Excluded is an image left out of the benchmark, and why.
type Excluded struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// update recomputes the rows and the recommendation from the runs.
func (r *Report) update() {
	r.Rows = Summarize(r.Runs)
	r.Recommended = Recommend(r.Rows, r.Tolerance)
	r.Best = Best(r.Rows)
}

// Clone returns a copy that shares no slices with r.
func (r Report) Clone() Report {
	r.Counts = append([]int(nil), r.Counts...)
	r.Rows = append([]Row(nil), r.Rows...)
	r.Runs = append([]Measurement(nil), r.Runs...)
	r.Excluded = append([]Excluded(nil), r.Excluded...)
	return r
}

// Verdict says in a few sentences what the figures mean: which count to use
// and where adding workers stops helping.
func (r Report) Verdict() string {
	rec, ok := RowFor(r.Rows, r.Recommended)
	if !ok || r.Recommended == 0 {
		return "No figures yet."
	}
	best, _ := RowFor(r.Rows, r.Best)
	pct := r.Tolerance * 100
	var b strings.Builder
	fmt.Fprintf(&b, "Recommended: %s", plural(rec.Workers, "worker", "workers"))
	if rec.Workers == best.Workers {
		fmt.Fprintf(&b, ", the best throughput measured (%.2f images/s).", best.ImagesPerSec)
	} else {
		fmt.Fprintf(&b, ", the fewest within %.0f%% of the best throughput (%s: %.2f images/s, %.2f with %d).",
			pct, plural(best.Workers, "worker", "workers"), best.ImagesPerSec, rec.ImagesPerSec, rec.Workers)
	}
	if rec.SpeedUp > 0 && rec.Workers > 1 {
		fmt.Fprintf(&b, " It runs %.2f× as fast as one worker (efficiency %.0f%%).", rec.SpeedUp, rec.Efficiency*100)
	}
	gain, more := math.Inf(-1), false
	for _, row := range r.Rows {
		if row.Workers > rec.Workers && rec.ImagesPerSec > 0 {
			gain, more = max(gain, row.ImagesPerSec/rec.ImagesPerSec-1), true
		}
	}
	switch {
	case more && gain < 0.005:
		fmt.Fprintf(&b, " Adding workers beyond %d does not help (at best %+.0f%%).", rec.Workers, gain*100)
	case more:
		fmt.Fprintf(&b, " Adding workers beyond %d gains at most %+.0f%%.", rec.Workers, gain*100)
	case len(r.Rows) > 1 && (r.Machine.LogicalCores == 0 || rec.Workers <= r.Machine.LogicalCores):
		fmt.Fprintf(&b, " %d is the largest count measured: more workers might still help.", rec.Workers)
	}
	if lc := r.Machine.LogicalCores; lc > 0 && rec.Workers > lc {
		fmt.Fprintf(&b, " That is more workers than the %s: the gain over %d comes from workers waiting on the disk, or from taking CPU time from other programs on a busy machine, not from more cores.", plural(lc, "logical core", "logical cores"), lc)
	}
	if share, busy := r.Contended(); busy {
		fmt.Fprintf(&b, " One worker got only %.0f%% of a core: other programs were using the CPUs, so these figures understate the machine.", share)
	}
	if r.Images > 0 && len(r.Counts) > 0 && r.Counts[len(r.Counts)-1] > r.Images {
		fmt.Fprintf(&b, " The batch has only %s, so counts above %d have nothing to do.", plural(r.Images, "image", "images"), r.Images)
	}
	return b.String()
}

// Contended reports whether the one-worker runs got clearly less than a
// whole core (under 85%): a sign of a machine busy with other work. share
// is their CPU use in percent of one core.
func (r Report) Contended() (share float64, busy bool) {
	one, ok := RowFor(r.Rows, 1)
	if !ok || one.CPUPercent <= 0 {
		return 0, false
	}
	return one.CPUPercent, one.CPUPercent < 85
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
