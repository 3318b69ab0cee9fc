package bench

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Other programs' load. A benchmark on a shared machine measures the
// machine's spare capacity as much as PicPool: while another build or
// benchmark runs, one worker may be as fast as two, and the recommendation
// is then wrong. So the benchmark reads the busy time of the CPUs this
// process may run on (/proc/stat) and this process's and its worker
// processes' own CPU time (getrusage) around every run, and once straight
// through the whole benchmark; the busy time that was not its own is the
// other programs' (see Load). A report says its figures cannot be trusted
// when other programs took more than BusyThreshold of those CPUs' time
// (see trust.go).
//
// /proc/stat counts in clock ticks (hundredths of a second), so a short
// stretch tells nothing: a worker count is judged on the sum of its runs'
// readings, not on each run's, and the whole benchmark on one reading from
// its first run's start to its last run's end; what is still too short is
// said to be, never taken for quiet.

// BusyThreshold is the share of the CPUs' time other processes may use
// during a worker count's runs (or the whole benchmark) before the figures
// are called untrustworthy: an idle machine's daemons and kernel threads use
// 1-2%; a compiler beside the benchmark, far more.
const BusyThreshold = 0.10

// minTicks is the shortest single stretch of the CPUs' time, in clock
// ticks over all of them, that tells other processes' share: /proc/stat
// counts whole ticks, so a reading can be a tick off on each CPU, and over
// 50 ticks that is a few percent (0.25 s on 2 CPUs).
const minTicks = 50

// clockTicks is USER_HZ, the unit of /proc/stat: 100 on every Linux ABI.
const clockTicks = 100

// Load is what the CPUs and this process's clocks said over one or more
// stretches of a benchmark: the readings other programs' CPU use is figured
// from. The zero Load is "not measured".
type Load struct {
	// BusyTicks and TotalTicks are the watched CPUs' busy and total clock
	// ticks (/proc/stat), summed over those CPUs and the stretches; CPUs is
	// how many CPUs were watched: 0 where nothing could be read.
	BusyTicks, TotalTicks uint64
	CPUs                  int
	// Own is this process's and its worker processes' CPU time over the
	// same stretches.
	Own time.Duration
	// Stretches is how many separate stretches are summed: one per run in
	// a worker count's Load, 1 for a run's or the whole benchmark's.
	Stretches int
}

// Measured reports whether the CPUs could be read at all (Linux).
func (l Load) Measured() bool { return l.CPUs > 0 && l.Stretches > 0 }

// Enough reports whether the stretches are long enough to tell other
// programs' share. A reading is a tick off on each CPU at most, and the
// errors of separate stretches are independent, so a sum of k stretches is
// off by about √k times one stretch's error: to be as sure as one stretch
// of minTicks, it must be √k times as long.
func (l Load) Enough() bool {
	return l.Measured() && float64(l.TotalTicks) >= minTicks*math.Sqrt(float64(l.Stretches))
}

// Seconds is the wall time the stretches cover: the CPUs' ticks spread over
// the CPUs (the ticks' length needs no other knowing).
func (l Load) Seconds() float64 {
	if l.CPUs <= 0 {
		return 0
	}
	return ticksToSeconds(float64(l.TotalTicks) / float64(l.CPUs))
}

// NeededSeconds is the shortest wall time that tells other programs' share
// on these CPUs in one stretch: 0.25 s on 2 CPUs.
func (l Load) NeededSeconds() float64 {
	return ticksToSeconds(minTicks / float64(max(l.CPUs, 1)))
}

// Other is the other processes' CPU use over the stretches: like top (100
// = one core) and as a share of the watched CPUs' time; -1, -1 where it was
// not measured or is too short to tell (see Enough).
func (l Load) Other() (percent, share float64) {
	if !l.Enough() || l.BusyTicks > l.TotalTicks {
		return -1, -1
	}
	busyShare := float64(l.BusyTicks) / float64(l.TotalTicks)
	ownShare := l.Own.Seconds() / (l.Seconds() * float64(l.CPUs))
	share = min(max(busyShare-ownShare, 0), 1)
	return share * float64(l.CPUs) * 100, share
}

// Add sums two Loads' stretches; not measured unless both are, on the same
// CPUs. The zero Load adds nothing.
func (l Load) Add(o Load) Load {
	switch {
	case l == Load{}:
		return o
	case o == Load{}:
		return l
	case !l.Measured() || !o.Measured() || l.CPUs != o.CPUs:
		return Load{Stretches: l.Stretches + o.Stretches} // not measured
	}
	return Load{BusyTicks: l.BusyTicks + o.BusyTicks, TotalTicks: l.TotalTicks + o.TotalTicks,
		CPUs: l.CPUs, Own: l.Own + o.Own, Stretches: l.Stretches + o.Stretches}
}

// LoadState is how far other programs' CPU use could be told.
type LoadState int

const (
	LoadMeasured    LoadState = iota // measured over long enough
	LoadTooShort                     // read, but too short to tell
	LoadNotMeasured                  // no /proc/stat (not Linux)
)

// Code is the state in CSV and JSON: "measured", "too_short" or
// "not_measured".
func (s LoadState) Code() string {
	return [...]string{"measured", "too_short", "not_measured"}[s]
}

// State is how far the Load tells other programs' CPU use.
func (l Load) State() LoadState {
	switch {
	case l.Enough():
		return LoadMeasured
	case l.Measured():
		return LoadTooShort
	}
	return LoadNotMeasured
}

// cpuTimes are the CPUs' busy and total times, in clock ticks, summed over
// the CPUs watched.
type cpuTimes struct {
	busy, total uint64
	cpus        int // CPUs summed
}

// parseProcStat sums the per-CPU lines of /proc/stat ("cpuN user nice
// system idle iowait irq softirq steal guest guest_nice") over the CPUs
// for which watch is true: busy is user, nice, system, irq, softirq and
// steal (time the hypervisor gave to other machines: time this process
// could not have had either); total adds idle and iowait. Guest time is
// already part of user time.
func parseProcStat(data string, watch func(cpu int) bool) (cpuTimes, bool) {
	var t cpuTimes
	for line := range strings.SplitSeq(data, "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(f[0], "cpu%d", &n); err != nil || !watch(n) {
			continue
		}
		var v [8]uint64
		ok := true
		for i := range v {
			if i+1 < len(f) {
				_, err := fmt.Sscanf(f[i+1], "%d", &v[i])
				ok = ok && err == nil
			}
		}
		if !ok {
			continue
		}
		user, nice, system, idle, iowait, irq, softirq, steal := v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
		busy := user + nice + system + irq + softirq + steal
		t.busy += busy
		t.total += busy + idle + iowait
		t.cpus++
	}
	return t, t.cpus > 0
}

// loadProbe is the state of the CPUs and of this process at the start of
// a stretch.
type loadProbe struct {
	sys  cpuTimes
	self time.Duration // this process's CPU time
	ok   bool
}

// startLoad reads the CPUs and this process's CPU time.
func startLoad() loadProbe {
	sys, ok1 := readCPUTimes()
	self, ok2 := selfCPU()
	return loadProbe{sys: sys, self: self, ok: ok1 && ok2}
}

// since reads the CPUs and this process again and returns the stretch
// from the probe to now; workers is the CPU time of this process's worker
// processes in it (0 for goroutine workers).
func (p loadProbe) since(workers time.Duration) Load {
	sys, ok1 := readCPUTimes()
	self, ok2 := selfCPU()
	if !p.ok || !ok1 || !ok2 {
		return Load{}
	}
	return stretch(p.sys, sys, self-p.self+workers)
}

// stretch is the Load between two readings of the CPUs, with own CPU time
// spent in it; not measured where the CPUs changed or a counter went back.
func stretch(before, after cpuTimes, own time.Duration) Load {
	if after.cpus != before.cpus || after.total < before.total || after.busy < before.busy {
		return Load{Stretches: 1}
	}
	return Load{BusyTicks: after.busy - before.busy, TotalTicks: after.total - before.total, CPUs: after.cpus,
		Own: own, Stretches: 1}
}

func ticksToSeconds(t float64) float64 { return t / clockTicks }

// runsLoad is the sum of the runs' Loads, and whether every run has one
// (a real benchmark's runs do; runs put together from figures do not).
func runsLoad(ms []Measurement) (Load, bool) {
	var sum Load
	for _, m := range ms {
		if m.Load == (Load{}) {
			return Load{}, false
		}
		sum = sum.Add(m.Load)
	}
	return sum, len(ms) > 0
}

// rowOther is a worker count's other-process figures: from the sum of its
// runs' readings where they have them (so runs each too short to tell can
// tell together), else the mean of the runs' figures, -1 unless every run
// has one.
func rowOther(ms []Measurement) (l Load, percent, share float64) {
	if l, ok := runsLoad(ms); ok {
		percent, share = l.Other()
		return l, percent, share
	}
	if len(ms) == 0 {
		return Load{}, -1, -1
	}
	for _, m := range ms {
		if m.Busy < 0 {
			return Load{}, -1, -1
		}
		percent += m.OtherCPUPercent
		share += m.Busy
	}
	return Load{}, percent / float64(len(ms)), share / float64(len(ms))
}
