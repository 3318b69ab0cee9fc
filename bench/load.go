package bench

import (
	"fmt"
	"strings"
	"time"
)

// Other programs' load. A benchmark on a shared machine measures the
// machine's spare capacity as much as PicPool: while another build or
// benchmark runs, one worker may be as fast as two, and the recommendation
// is then wrong. So every run measures the CPU time the other processes
// used on the CPUs this process may run on (the busy time of those CPUs in
// /proc/stat less this process's and its worker processes' own CPU time,
// from getrusage), and a report whose runs saw more than BusyThreshold of
// those CPUs' time taken by others says that its figures cannot be trusted.

// BusyThreshold is the share of the CPUs' time other processes may use
// during a worker count's runs (on average) before the figures are called
// untrustworthy: an idle machine's daemons and kernel threads use 1-2%; a
// compiler beside the benchmark, far more.
const BusyThreshold = 0.10

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
// a run.
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

// other returns the other processes' CPU use since the probe: like top
// (100 = one core) and as a share of the watched CPUs' time; -1, -1 where
// it cannot be read. workers is the CPU time of this process's worker
// processes during the run (0 for goroutine workers).
func (p loadProbe) other(workers time.Duration) (percent, share float64) {
	sys, ok1 := readCPUTimes()
	self, ok2 := selfCPU()
	if !p.ok || !ok1 || !ok2 {
		return -1, -1
	}
	return otherLoad(p.sys, sys, self-p.self+workers)
}

// otherLoad is the share of the CPUs' time between two readings that was
// busy but not with own CPU time, and the same like top (100 = one core).
// The clock ticks' length needs no knowing: the busy share is ticks over
// ticks, and the CPUs' time in seconds is their total ticks spread over
// the CPUs, which is the wall time between the readings.
func otherLoad(before, after cpuTimes, own time.Duration) (percent, share float64) {
	if after.cpus != before.cpus || after.total < before.total+minTicks || after.busy < before.busy {
		return -1, -1 // too short to tell, or the CPUs changed
	}
	ticks := float64(after.total - before.total)
	busyShare := float64(after.busy-before.busy) / ticks
	wall := ticksToSeconds(ticks / float64(after.cpus))
	if wall <= 0 {
		return -1, -1
	}
	ownShare := own.Seconds() / (wall * float64(after.cpus))
	share = min(max(busyShare-ownShare, 0), 1)
	return share * float64(after.cpus) * 100, share
}

// minTicks is the shortest stretch of the CPUs' time, in clock ticks over
// all of them, that tells other processes' share: /proc/stat counts whole
// ticks, so a reading can be a tick off on each CPU, and over 50 ticks that
// is a few percent (a run of 0.25 s on 2 CPUs).
const minTicks = 50

// clockTicks is USER_HZ, the unit of /proc/stat: 100 on every Linux ABI.
const clockTicks = 100

func ticksToSeconds(t float64) float64 { return t / clockTicks }

// otherMean is the mean of runs' other-process figures; -1, -1 unless
// every run has them.
func otherMean(ms []Measurement) (percent, share float64) {
	if len(ms) == 0 {
		return -1, -1
	}
	for _, m := range ms {
		if m.Busy < 0 {
			return -1, -1
		}
		percent += m.OtherCPUPercent
		share += m.Busy
	}
	return percent / float64(len(ms)), share / float64(len(ms))
}

// Measured reports whether other processes' load was measured in every
// row (Linux).
func (r Report) Measured() bool {
	for _, row := range r.Rows {
		if row.Busy < 0 {
			return false
		}
	}
	return len(r.Rows) > 0
}

// BusyRows are the rows whose runs saw other processes take more than
// BusyThreshold of the CPUs' time, on average.
func (r Report) BusyRows() []Row {
	var busy []Row
	for _, row := range r.Rows {
		if row.Busy > BusyThreshold {
			busy = append(busy, row)
		}
	}
	return busy
}

// Untrusted reports whether the figures cannot be trusted: other programs
// used the CPUs during the runs (BusyRows), or one worker got clearly less
// than a whole core (Contended).
func (r Report) Untrusted() bool {
	_, contended := r.Contended()
	return len(r.BusyRows()) > 0 || contended
}

// worstBusy is the busy row with the highest share of other programs'
// load.
func worstBusy(busy []Row) Row {
	worst := busy[0]
	for _, row := range busy {
		if row.Busy > worst.Busy {
			worst = row
		}
	}
	return worst
}

// ShortWarning is Warning in a line, for a chart's title: "busy machine:
// other programs used up to 35% of the CPUs; figures not trustworthy".
func (r Report) ShortWarning() string {
	var why []string
	if busy := r.BusyRows(); len(busy) > 0 {
		why = append(why, fmt.Sprintf("other programs used up to %.0f%% of the CPUs", worstBusy(busy).Busy*100))
	}
	if share, contended := r.Contended(); contended {
		why = append(why, fmt.Sprintf("1 worker got only %.0f%% of a core", share))
	}
	if len(why) == 0 {
		return ""
	}
	return "busy machine: " + strings.Join(why, ", ") + "; figures not trustworthy"
}

// Warning says plainly why the figures cannot be trusted; "" when nothing
// says so.
func (r Report) Warning() string {
	var why []string
	if busy := r.BusyRows(); len(busy) > 0 {
		worst := worstBusy(busy)
		where := fmt.Sprintf("during the runs of %d of the %d worker counts", len(busy), len(r.Rows))
		if len(busy) == len(r.Rows) {
			where = "during every worker count's runs"
		}
		why = append(why, fmt.Sprintf("other programs used the CPUs %s (up to %.0f%% of their time, %.2f cores, with %s)",
			where, worst.Busy*100, worst.OtherCPUPercent/100, plural(worst.Workers, "worker", "workers")))
	}
	if share, contended := r.Contended(); contended {
		why = append(why, fmt.Sprintf("one worker got only %.0f%% of a core", share))
	}
	if len(why) == 0 {
		return ""
	}
	return "These figures cannot be trusted: " + strings.Join(why, ", and ") +
		". The machine was busy, so the speed-ups and the recommendation understate it; run the benchmark again when it is quiet."
}

// RowBusy reports whether a row's figures cannot be trusted: other
// programs took more than BusyThreshold of the CPUs' time during its runs,
// or it is the one-worker row of a contended report.
func (r Report) RowBusy(row Row) bool {
	if row.Busy > BusyThreshold {
		return true
	}
	_, contended := r.Contended()
	return contended && row.Workers == 1 && modeOf(row.Mode) == r.ModeList()[0]
}
