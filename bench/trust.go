package bench

import (
	"fmt"
	"slices"
	"strings"
)

// Whether a report's figures can be trusted: other programs' load (see
// load.go) and a contended one-worker run (Contended) say they cannot; a
// benchmark too short for /proc/stat to tell says so too, rather than
// nothing.

// loadState is how far a run's or a row's other-process figures tell:
// measured where they have a figure, too short where there are readings
// but no figure.
func loadState(busy float64, l Load) LoadState {
	switch {
	case busy >= 0:
		return LoadMeasured
	case l.Measured():
		return LoadTooShort
	}
	return LoadNotMeasured
}

// LoadState is how far other programs' CPU use during the row's runs, summed,
// could be told.
func (row Row) LoadState() LoadState { return loadState(row.Busy, row.Load) }

// LoadState is how far other programs' CPU use during the run could be told.
func (m Measurement) LoadState() LoadState { return loadState(m.Busy, m.Load) }

// Measured reports whether other processes' load was measured in every
// row (Linux, long enough).
func (r Report) Measured() bool {
	for _, row := range r.Rows {
		if row.LoadState() != LoadMeasured {
			return false
		}
	}
	return len(r.Rows) > 0
}

// BusyRows are the rows whose runs saw other processes take more than
// BusyThreshold of the CPUs' time, over all their runs.
func (r Report) BusyRows() []Row {
	var busy []Row
	for _, row := range r.Rows {
		if row.Busy > BusyThreshold {
			busy = append(busy, row)
		}
	}
	return busy
}

// WholeBusy reports whether other processes took more than BusyThreshold
// of the CPUs' time over the whole benchmark while some worker count's runs
// were too short to tell on their own (rows that tell are judged on their
// own figures: a busy warm-up does not spoil them).
func (r Report) WholeBusy() bool {
	_, share := r.Load.Other()
	return share > BusyThreshold && slices.ContainsFunc(r.Rows, func(row Row) bool { return row.LoadState() != LoadMeasured })
}

// TooShort reports whether even the whole benchmark was too short to tell
// other programs' CPU use: the figures may be trustworthy or not, and
// nothing shows which.
func (r Report) TooShort() bool { return r.Load.State() == LoadTooShort }

// Untrusted reports whether the figures cannot be trusted: other programs
// used the CPUs during the runs (BusyRows, WholeBusy), or one worker got
// clearly less than a whole core (Contended).
func (r Report) Untrusted() bool {
	_, contended := r.Contended()
	return len(r.BusyRows()) > 0 || r.WholeBusy() || contended
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

// tooShortShort is ShortWarning's line for a benchmark too short to tell.
const tooShortShort = "too short to tell whether other programs used the CPUs"

// ShortWarning is Warning in a line, for a chart's title: "busy machine:
// other programs used up to 35% of the CPUs; figures not trustworthy", or
// "too short to tell whether other programs used the CPUs".
func (r Report) ShortWarning() string {
	var why []string
	if busy := r.BusyRows(); len(busy) > 0 {
		why = append(why, fmt.Sprintf("other programs used up to %.0f%% of the CPUs", worstBusy(busy).Busy*100))
	} else if r.WholeBusy() {
		_, share := r.Load.Other()
		why = append(why, fmt.Sprintf("other programs used %.0f%% of the CPUs", share*100))
	}
	if share, contended := r.Contended(); contended {
		why = append(why, fmt.Sprintf("1 worker got only %.0f%% of a core", share))
	}
	switch {
	case len(why) > 0:
		return "busy machine: " + strings.Join(why, ", ") + "; figures not trustworthy"
	case r.TooShort():
		return tooShortShort
	}
	return ""
}

// Warning says plainly why the figures cannot be trusted, or that the
// benchmark was too short to tell whether they can; "" when nothing says
// so.
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
	} else if r.WholeBusy() {
		percent, share := r.Load.Other()
		why = append(why, fmt.Sprintf("other programs used the CPUs during the benchmark (%.0f%% of their time, %.2f cores, over %.2f s)",
			share*100, percent/100, r.Load.Seconds()))
	}
	if share, contended := r.Contended(); contended {
		why = append(why, fmt.Sprintf("one worker got only %.0f%% of a core", share))
	}
	switch {
	case len(why) > 0:
		return "These figures cannot be trusted: " + strings.Join(why, ", and ") +
			". The machine was busy, so the speed-ups and the recommendation understate it; run the benchmark again when it is quiet."
	case r.TooShort():
		return fmt.Sprintf("Too short to tell whether other programs used the CPUs: the benchmark took %.2f s, and /proc/stat counts "+
			"the CPUs' time in hundredths of a second, which takes at least %.2f s on %s. Measure more images or more runs to know "+
			"whether the machine was quiet.", r.Load.Seconds(), r.Load.NeededSeconds(), plural(r.Load.CPUs, "CPU", "CPUs"))
	}
	return ""
}

// RowBusy reports whether a row's figures cannot be trusted: other
// programs took more than BusyThreshold of the CPUs' time during its runs,
// or during the whole benchmark where its runs are too short to tell
// (WholeBusy), or it is the one-worker row of a contended report.
func (r Report) RowBusy(row Row) bool {
	if row.Busy > BusyThreshold || row.LoadState() != LoadMeasured && r.WholeBusy() {
		return true
	}
	_, contended := r.Contended()
	return contended && row.Workers == 1 && modeOf(row.Mode) == r.ModeList()[0]
}

// OthersText is a row's other-process figure in a table: "12%", "too
// short" (to tell), or "–" (not measured on this system); " !" follows
// where the row's figures cannot be trusted (RowBusy).
func (r Report) OthersText(row Row) string {
	s := "–"
	switch row.LoadState() {
	case LoadMeasured:
		s = fmt.Sprintf("%.0f%%", row.OtherCPUPercent)
	case LoadTooShort:
		s = "too short"
	}
	if r.RowBusy(row) {
		s += " !"
	}
	return s
}

// LoadText is other programs' CPU use over the whole benchmark in a line:
// "Other programs over the whole benchmark (4.10 s): 3% of the CPUs' time,
// 0.06 cores", or "… (0.21 s): too short to tell"; "" where not measured.
func (r Report) LoadText() string {
	head := fmt.Sprintf("Other programs over the whole benchmark (%.2f s): ", r.Load.Seconds())
	switch r.Load.State() {
	case LoadMeasured:
		percent, share := r.Load.Other()
		return head + fmt.Sprintf("%.0f%% of the CPUs' time, %.2f cores", share*100, percent/100)
	case LoadTooShort:
		return head + "too short to tell"
	}
	return ""
}
