package bench

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/pool"
)

// Machine is what the figures were measured on.
type Machine struct {
	PhysicalCores int `json:"physical_cores"`
	LogicalCores  int `json:"logical_cores"`
	// UsableCPUs are the CPUs this process may use (pool.UsableCPUs: the
	// affinity mask, the cgroup CPU quota, SLURM_CPUS_PER_TASK), CPULimit
	// what limits them below the logical cores ("" when nothing does).
	UsableCPUs  int    `json:"usable_cpus"`
	CPULimit    string `json:"usable_cpus_limit,omitempty"`
	GOMAXPROCS  int    `json:"gomaxprocs"` // before the benchmark
	CPUModel    string `json:"cpu_model,omitempty"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
	TotalMemory uint64 `json:"total_memory"`
}

// ReadMachine reads the core counts, memory and CPU model.
func ReadMachine() Machine {
	pm, _ := pool.ReadMachine() // the counts are filled in even when memory is not
	m := Machine{
		PhysicalCores: pm.PhysicalCores, LogicalCores: pm.LogicalCores, TotalMemory: pm.TotalMemory,
		UsableCPUs: pm.CPUs.N, CPULimit: pm.CPUs.Reason(),
		GOMAXPROCS: runtime.GOMAXPROCS(0), OS: runtime.GOOS, Arch: runtime.GOARCH,
	}
	if info, err := cpu.Info(); err == nil && len(info) > 0 {
		m.CPUModel = strings.TrimSpace(info[0].ModelName)
	}
	return m
}

// Usable is the CPUs this process may use; the logical cores when not
// known (a report from before the figure); 0 when neither is.
func (m Machine) Usable() int {
	if m.UsableCPUs > 0 {
		return m.UsableCPUs
	}
	return m.LogicalCores
}

// UsableText is "2 usable CPUs" or "1 usable CPU (CPU affinity)".
func (m Machine) UsableText() string {
	s := plural(m.Usable(), "usable CPU", "usable CPUs")
	if m.CPULimit != "" {
		s += " (" + m.CPULimit + ")"
	}
	return s
}

// String is "2 usable CPUs of 2 logical cores, 2 physical (AMD EPYC),
// linux/amd64".
func (m Machine) String() string {
	s := fmt.Sprintf("%s of %s, %d physical", m.UsableText(), plural(m.LogicalCores, "logical core", "logical cores"), m.PhysicalCores)
	if m.CPUModel != "" {
		s += " (" + m.CPUModel + ")"
	}
	s += ", " + m.OS + "/" + m.Arch
	if m.GOMAXPROCS < m.Usable() {
		s += fmt.Sprintf(", GOMAXPROCS %d", m.GOMAXPROCS)
	}
	return s
}

// Report is a benchmark's figures: complete when Wait returns, partial in
// the events sent while it runs.
type Report struct {
	Date      time.Time
	Machine   Machine
	Images    int                // images in the batch
	Bytes     int64              // their size on disk
	Filters   string             // the filter chain, in the command line's form ("" = none)
	Format    string             // the output format
	Repeat    int                // counted runs per worker mode and count
	Modes     []engine.Isolation // the worker modes asked for, goroutine first (nil: goroutine)
	Counts    []int              // the worker counts asked for, ascending
	Tolerance float64            // for Recommended
	// Rows has one row per mode and count measured so far: goroutine rows
	// first, each mode's in ascending order of workers.
	Rows []Row
	// Recommended is the smallest count within Tolerance of the best
	// throughput, Best the count with the best throughput, both of the
	// first mode (goroutine workers when measured); 0 while nothing is
	// measured. Choices has them for every mode.
	Recommended, Best int
	Choices           []Choice
	Runs              []Measurement // every counted run, in the order run
	// Load is other programs' CPU use over the whole benchmark so far, read
	// straight through from the first warm-up's start to the last run's
	// end: one stretch, so it tells where each run alone is too short.
	Load     Load
	Excluded []Excluded // images left out: they failed in the warm-up
	Complete bool       // every planned run is in
}

// Choice is one worker mode's recommended and best counts.
type Choice struct {
	Mode              engine.Isolation
	Recommended, Best int
}

// Excluded is an image left out of the benchmark, and why.
type Excluded struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// update recomputes the rows and the recommendations from the runs.
func (r *Report) update() {
	r.Rows = Summarize(r.Runs)
	r.Choices = r.Choices[:0]
	for _, m := range r.ModeList() {
		rows := RowsOf(r.Rows, m)
		r.Choices = append(r.Choices, Choice{Mode: m, Recommended: Recommend(rows, r.Tolerance), Best: Best(rows)})
	}
	r.Recommended, r.Best = r.Choices[0].Recommended, r.Choices[0].Best
}

// ModeList is the worker modes of the report: those asked for, else those
// measured, else goroutine workers.
func (r Report) ModeList() []engine.Isolation {
	if len(r.Modes) > 0 {
		return r.Modes
	}
	var ms []engine.Isolation
	for _, row := range r.Rows {
		ms = append(ms, row.Mode)
	}
	return normalizeModes(ms)
}

// Choice returns a mode's recommended and best counts (zero when the mode
// has no figures).
func (r Report) Choice(mode engine.Isolation) Choice {
	for _, c := range r.Choices {
		if modeOf(c.Mode) == modeOf(mode) {
			return c
		}
	}
	if len(r.Choices) == 0 && len(r.ModeList()) == 1 && r.ModeList()[0] == modeOf(mode) {
		return Choice{Mode: modeOf(mode), Recommended: r.Recommended, Best: r.Best}
	}
	return Choice{Mode: modeOf(mode)}
}

// Only is the report of one mode: its rows, runs and choice.
func (r Report) Only(mode engine.Isolation) Report {
	mode = modeOf(mode)
	c := r.Choice(mode)
	o := r.Clone()
	o.Modes, o.Rows, o.Runs = []engine.Isolation{mode}, RowsOf(r.Rows, mode), nil
	for _, m := range r.Runs {
		if modeOf(m.Mode) == mode {
			o.Runs = append(o.Runs, m)
		}
	}
	o.Recommended, o.Best, o.Choices = c.Recommended, c.Best, []Choice{c}
	return o
}

// Clone returns a copy that shares no slices with r.
func (r Report) Clone() Report {
	r.Modes = append([]engine.Isolation(nil), r.Modes...)
	r.Counts = append([]int(nil), r.Counts...)
	r.Rows = append([]Row(nil), r.Rows...)
	r.Choices = append([]Choice(nil), r.Choices...)
	r.Runs = append([]Measurement(nil), r.Runs...)
	r.Excluded = append([]Excluded(nil), r.Excluded...)
	return r
}

// Comparison is how two worker modes compare, each at its best count.
type Comparison struct {
	Faster, Slower Row     // each mode's row at its best count
	Ratio          float64 // Faster's throughput over Slower's, 1 or more
	Within         bool    // the difference is within the report's tolerance
}

// Compare compares the first two modes at their best counts; ok is false
// unless both have figures.
func (r Report) Compare() (c Comparison, ok bool) {
	modes := r.ModeList()
	if len(modes) < 2 {
		return c, false
	}
	var best [2]Row
	for i, m := range modes[:2] {
		row, found := RowFor(RowsOf(r.Rows, m), r.Choice(m).Best)
		if !found || row.ImagesPerSec <= 0 {
			return c, false
		}
		best[i] = row
	}
	c.Faster, c.Slower = best[0], best[1]
	if c.Slower.ImagesPerSec > c.Faster.ImagesPerSec {
		c.Faster, c.Slower = c.Slower, c.Faster
	}
	c.Ratio = c.Faster.ImagesPerSec / c.Slower.ImagesPerSec
	c.Within = c.Slower.ImagesPerSec >= (1-r.Tolerance)*c.Faster.ImagesPerSec
	return c, true
}

// String says which mode was faster, by how much, and what each used.
func (c Comparison) String() string {
	f, s := c.Faster, c.Slower
	var b strings.Builder
	fmt.Fprintf(&b, "At their best counts, %s were %.2f× as fast as %s: %.2f images/s with %s against %.2f with %s; peak memory %s against %s.",
		ModeName(f.Mode), c.Ratio, ModeName(s.Mode), f.ImagesPerSec, plural(f.Workers, "worker", "workers"),
		s.ImagesPerSec, plural(s.Workers, "worker", "workers"), MegabytesText(f.PeakRSS), MegabytesText(s.PeakRSS))
	if c.Within {
		b.WriteString(" That is within the tolerance: no clear winner on speed.")
	}
	return b.String()
}

// Verdict says in a few sentences what the figures mean: which count to use
// and where adding workers stops helping; with two modes, for each, and
// which mode was faster. Whether the figures can be trusted at all is
// Warning's to say, first and apart.
func (r Report) Verdict() string {
	modes := r.ModeList()
	if len(modes) == 1 {
		v, ok := r.Only(modes[0]).modeVerdict("Recommended:")
		if !ok {
			return "No figures yet."
		}
		return v + r.notes()
	}
	var parts []string
	for _, m := range modes {
		name := ModeName(m)
		if v, ok := r.Only(m).modeVerdict(strings.ToUpper(name[:1]) + name[1:] + ", recommended:"); ok {
			parts = append(parts, v)
		}
	}
	if len(parts) == 0 {
		return "No figures yet."
	}
	if c, ok := r.Compare(); ok {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, " ") + r.notes()
}

// modeVerdict is the verdict on one mode's report (see Only), starting with
// lead: the recommended count, what it gains, and whether more helps.
func (r Report) modeVerdict(lead string) (string, bool) {
	rec, ok := RowFor(r.Rows, r.Recommended)
	if !ok || r.Recommended == 0 {
		return "", false
	}
	best, _ := RowFor(r.Rows, r.Best)
	pct := r.Tolerance * 100
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", lead, plural(rec.Workers, "worker", "workers"))
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
	case len(r.Rows) > 1 && (r.Machine.Usable() == 0 || rec.Workers <= r.Machine.Usable()):
		fmt.Fprintf(&b, " %d is the largest count measured: more workers might still help.", rec.Workers)
	}
	return b.String(), true
}

// notes are the verdict's sentences about the machine and the batch.
func (r Report) notes() string {
	var b strings.Builder
	n := r.Machine.Usable()
	if modes := r.ModeList(); n > 0 && len(modes) == 1 && r.Recommended > n {
		fmt.Fprintf(&b, " That is more workers than the %s: the gain over %d comes from workers waiting on the disk, or from taking CPU time from other programs on a busy machine, not from more cores.", plural(n, "usable CPU", "usable CPUs"), n)
	} else if n > 0 && len(modes) > 1 && slices.ContainsFunc(r.Choices, func(c Choice) bool { return c.Recommended > n }) {
		fmt.Fprintf(&b, " A recommended count above the %s gains from workers waiting on the disk, or from taking CPU time from other programs on a busy machine, not from more cores.", plural(n, "usable CPU", "usable CPUs"))
	}
	if r.Images > 0 && len(r.Counts) > 0 && r.Counts[len(r.Counts)-1] > r.Images {
		fmt.Fprintf(&b, " The batch has only %s, so counts above %d have nothing to do.", plural(r.Images, "image", "images"), r.Images)
	}
	return b.String()
}

// Contended reports whether the one-worker runs (of the first mode) got
// clearly less than a whole core (under 85%): a sign of a machine busy with
// other work. share is their CPU use in percent of one core.
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
