package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const procStat = `cpu  4705 356 584 3699 23 0 23 7 0 0
cpu0 1393 180 281 1845 12 0 13 3 0 0
cpu1 3312 176 303 1854 11 0 10 4 0 0
intr 114930548 113199788 3 0 5 263 0 4 [... lots more numbers ...]
ctxt 1990473
btime 1062191376
processes 2915
procs_running 1
`

func TestParseProcStat(t *testing.T) {
	all, ok := parseProcStat(procStat, func(int) bool { return true })
	// busy: user+nice+system+irq+softirq+steal; total adds idle and iowait.
	wantBusy := uint64(1393+180+281+13+3) + (3312 + 176 + 303 + 10 + 4)
	if !ok || all.cpus != 2 || all.busy != wantBusy || all.total != wantBusy+1845+12+1854+11 {
		t.Errorf("all CPUs: %+v, want busy %d", all, wantBusy)
	}
	one, ok := parseProcStat(procStat, func(n int) bool { return n == 1 })
	if !ok || one.cpus != 1 || one.busy != 3312+176+303+10+4 {
		t.Errorf("cpu1 only: %+v", one)
	}
	if _, ok := parseProcStat("intr 1 2 3\n", func(int) bool { return true }); ok {
		t.Error("no cpu lines, but ok")
	}
	// An old kernel's shorter lines (no steal) are left out rather than misread.
	if _, ok := parseProcStat("cpu0 1 2 3 4\n", func(int) bool { return true }); ok {
		t.Error("a 4-field line accepted")
	}
}

func TestOtherLoad(t *testing.T) {
	// Two CPUs for 2 s: 400 ticks in all.
	before := cpuTimes{busy: 1000, total: 5000, cpus: 2}
	for _, c := range []struct {
		name        string
		busy, total uint64 // ticks added
		own         time.Duration
		percent     float64
		share       float64
	}{
		{"quiet: all the busy time was ours", 200, 400, 2 * time.Second, 0, 0},
		{"a burner on one CPU beside one worker", 400, 400, 2 * time.Second, 100, 0.5},
		{"both CPUs burnt, our worker got half a core", 400, 400, time.Second, 150, 0.75},
		{"idle machine", 0, 400, 0, 0, 0},
		{"own time a little above the ticks: no negative load", 200, 400, 2100 * time.Millisecond, 0, 0},
	} {
		after := cpuTimes{busy: before.busy + c.busy, total: before.total + c.total, cpus: 2}
		l := stretch(before, after, c.own)
		percent, share := l.Other()
		if !near(percent, c.percent) || !near(share, c.share) || l.State() != LoadMeasured || !near(l.Seconds(), 2) {
			t.Errorf("%s: %.2f%% (share %.3f, %v), want %.2f%% (%.3f)", c.name, percent, share, l.State(), c.percent, c.share)
		}
	}
	// Too short to tell: read, but no figure.
	short := stretch(before, cpuTimes{busy: 1010, total: 5020, cpus: 2}, 0)
	if p, s := short.Other(); p != -1 || s != -1 || short.State() != LoadTooShort || !near(short.NeededSeconds(), 0.25) {
		t.Errorf("20 ticks: %v %v (%v), want too short", p, s, short.State())
	}
	// The CPUs changed between the readings, or nothing was read.
	for _, l := range []Load{stretch(before, cpuTimes{busy: 1400, total: 5400, cpus: 3}, 0), {}} {
		if p, s := l.Other(); p != -1 || s != -1 || l.State() != LoadNotMeasured {
			t.Errorf("%+v: %v %v (%v), want not measured", l, p, s, l.State())
		}
	}
}

// sampleLoad is one stretch of wall seconds on 2 CPUs in which other
// programs used other of the CPUs' time and this process own of it.
func sampleLoad(wall, other, own float64) Load {
	total := math.Round(wall * clockTicks * 2)
	return Load{TotalTicks: uint64(total), BusyTicks: uint64(math.Round(total * (other + own))), CPUs: 2,
		Own: time.Duration(own * wall * 2 * float64(time.Second)), Stretches: 1}
}

// TestLoadSums: stretches each too short to tell tell together once their
// sum is long enough for its larger error (√k times one stretch's), and
// readings from different CPUs are not summed.
func TestLoadSums(t *testing.T) {
	for _, c := range []struct {
		runs  int
		wall  float64 // each, on 2 CPUs: 0.25 s is 50 ticks
		state LoadState
	}{
		{1, 0.2, LoadTooShort},
		{1, 0.25, LoadMeasured},
		{2, 0.2, LoadMeasured},  // 80 ticks ≥ 50√2
		{3, 0.15, LoadMeasured}, // 90 ticks ≥ 50√3 (86.6)
		{3, 0.14, LoadTooShort}, // 84 < 86.6
		{4, 0.1, LoadTooShort},  // 80 < 100
		{4, 0.13, LoadMeasured}, // 104 ≥ 100
	} {
		var sum Load
		for range c.runs {
			sum = sum.Add(sampleLoad(c.wall, 0.5, 0.3))
		}
		want := c.state
		_, share := sum.Other()
		if sum.State() != want || sum.Stretches != c.runs || (want == LoadMeasured) != (math.Abs(share-0.5) < 0.02) {
			t.Errorf("%d runs of %.2f s: %v (share %.3f), want %v", c.runs, c.wall, sum.State(), share, want)
		}
	}
	mixed := sampleLoad(1, 0.5, 0.3).Add(Load{TotalTicks: 300, BusyTicks: 10, CPUs: 3, Stretches: 1})
	if mixed.State() != LoadNotMeasured || mixed.Stretches != 2 {
		t.Errorf("2 and 3 CPUs summed: %+v", mixed)
	}
	if one := (Load{}).Add(sampleLoad(1, 0.5, 0.3)); one != sampleLoad(1, 0.5, 0.3) {
		t.Errorf("the zero Load added something: %+v", one)
	}
}

// loadReport is a finished one-mode report whose runs (two per worker
// count 1 and 2, of 4 s and 2.1 s, on 2 CPUs) read other programs taking
// the given shares of the CPUs' time, and whose whole benchmark read the
// mean of them: injected readings, as the benchmark takes them.
func loadReport(one, two [2]float64) Report {
	r := Report{Tolerance: 0.05, Counts: []int{1, 2}, Repeat: 2, Images: 4, Complete: true,
		Machine: Machine{LogicalCores: 2, PhysicalCores: 2, UsableCPUs: 2}}
	for i := range 2 {
		r.Runs = append(r.Runs,
			run(Measurement{Workers: 1, Wall: 4 * s, Done: 4, CPUPercent: 99}, sampleLoad(4, one[i], 0.495)),
			run(Measurement{Workers: 2, Wall: 2100 * time.Millisecond, Done: 4, CPUPercent: 195}, sampleLoad(2.1, two[i], min(0.975, 1-two[i]))))
	}
	for _, m := range r.Runs {
		r.Load = r.Load.Add(m.Load)
	}
	r.Load.Stretches = 1 // read straight through
	r.update()
	return r
}

// run is a measurement with its load readings, and the run's figures from
// them as measure makes them.
func run(m Measurement, l Load) Measurement {
	m.Load = l
	m.OtherCPUPercent, m.Busy = l.Other()
	return m
}

func TestBusyMachineWarning(t *testing.T) {
	quiet := loadReport([2]float64{0.01, 0.02}, [2]float64{0.015, 0.0})
	if quiet.Untrusted() || quiet.Warning() != "" || len(quiet.BusyRows()) != 0 || !quiet.Measured() {
		t.Errorf("quiet machine: untrusted %v, warning %q", quiet.Untrusted(), quiet.Warning())
	}
	// The threshold is on a row's mean: one run at 15% and one at 3% is 9%.
	edge := loadReport([2]float64{0.15, 0.03}, [2]float64{0.02, 0.02})
	if edge.Untrusted() {
		t.Errorf("9%% on average: %q", edge.Warning())
	}
	busy := loadReport([2]float64{0.02, 0.03}, [2]float64{0.40, 0.30})
	warn := busy.Warning()
	if !busy.Untrusted() || len(busy.BusyRows()) != 1 || busy.BusyRows()[0].Workers != 2 {
		t.Errorf("busy rows %+v", busy.BusyRows())
	}
	for _, want := range []string{"cannot be trusted", "during the runs of 1 of the 2 worker counts", "up to 35% of their time, 0.70 cores, with 2 workers", "run the benchmark again when it is quiet"} {
		if !strings.Contains(warn, want) {
			t.Errorf("warning lacks %q:\n%s", want, warn)
		}
	}
	all := loadReport([2]float64{0.5, 0.5}, [2]float64{0.4, 0.3})
	if w := all.Warning(); !strings.Contains(w, "during every worker count's runs (up to 50% of their time, 1.00 cores, with 1 worker)") {
		t.Errorf("warning %q", w)
	}
	// Not measured (no /proc/stat): no warning from it, and the table
	// says "–".
	unknown := Report{Tolerance: 0.05, Counts: []int{1, 2}, Repeat: 1, Images: 4, Complete: true, Runs: []Measurement{
		{Workers: 1, Wall: 4 * s, Done: 4, CPUPercent: 99, Busy: -1, OtherCPUPercent: -1},
		{Workers: 2, Wall: 2 * s, Done: 4, CPUPercent: 195, Busy: -1, OtherCPUPercent: -1},
	}}
	unknown.update()
	if unknown.Measured() || unknown.Untrusted() || unknown.Warning() != "" || unknown.Rows[1].LoadState() != LoadNotMeasured ||
		unknown.OthersText(unknown.Rows[1]) != "–" || unknown.LoadText() != "" {
		t.Errorf("unmeasured rows: measured %v, warning %q", unknown.Measured(), unknown.Warning())
	}
	// Runs put together from figures alone (no readings): a row is the
	// mean of its runs' figures.
	figures := Summarize([]Measurement{{Workers: 1, Wall: s, Busy: 0.4, OtherCPUPercent: 80}, {Workers: 1, Wall: 3 * s, Busy: 0.2, OtherCPUPercent: 40}})
	if !near(figures[0].Busy, 0.3) || !near(figures[0].OtherCPUPercent, 60) || figures[0].LoadState() != LoadMeasured {
		t.Errorf("row from figures: %+v", figures[0])
	}

	// Every face says it: table, CSV, JSON.
	var table bytes.Buffer
	if err := WriteTable(&table, busy); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "WARNING: These figures cannot be trusted") || !strings.Contains(table.String(), "70% !") {
		t.Errorf("table:\n%s", table.String())
	}
	table.Reset()
	WriteTable(&table, quiet)
	if strings.Contains(table.String(), "WARNING") || strings.Contains(table.String(), "!") {
		t.Errorf("quiet table warns:\n%s", table.String())
	}
	var csvOut bytes.Buffer
	if err := WriteCSV(&csvOut, busy); err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(&csvOut).ReadAll()
	if err != nil || len(lines) != 3 {
		t.Fatalf("CSV %v: %v", lines, err)
	}
	col := func(line []string, name string) string { return line[slices.Index(CSVHeader, name)] }
	if col(lines[1], "busy_machine") != "false" || col(lines[2], "busy_machine") != "true" || col(lines[2], "other_cpu_percent") != "70.0" {
		t.Errorf("CSV:\n%v", lines)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, busy); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Untrusted bool   `json:"untrusted"`
		Warning   string `json:"warning"`
		Rows      []struct {
			Other *float64 `json:"other_cpu_percent"`
			Busy  bool     `json:"busy_machine"`
		} `json:"rows"`
		Runs []struct {
			Share *float64 `json:"busy_share"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Untrusted || doc.Warning != warn || len(doc.Rows) != 2 || doc.Rows[0].Busy || !doc.Rows[1].Busy ||
		doc.Rows[1].Other == nil || math.Abs(*doc.Rows[1].Other-70) > 1e-6 || len(doc.Runs) != 4 || doc.Runs[1].Share == nil {
		t.Errorf("JSON:\n%s", js.String())
	}
	js.Reset()
	WriteJSON(&js, unknown)
	if strings.Contains(js.String(), `"other_cpu_percent": -1`) || strings.Contains(js.String(), `"untrusted": true`) {
		t.Errorf("unmeasured JSON:\n%s", js.String())
	}
}

// checkLoad checks a real benchmark's readings of other programs' load: on
// Linux every run has one, each row sums its runs', and the whole
// benchmark's, read straight through from the warm-up on, holds every
// run's ticks and own CPU time and grows run by run; elsewhere nothing is
// measured.
func checkLoad(t *testing.T, rep Report, events []Event) {
	t.Helper()
	if runtime.GOOS != "linux" {
		if rep.Load.State() != LoadNotMeasured || rep.Rows[0].LoadState() != LoadNotMeasured {
			t.Errorf("load measured without /proc/stat: %+v", rep.Load)
		}
		return
	}
	var sum Load
	for _, m := range rep.Runs {
		if !m.Load.Measured() || m.Load.Stretches != 1 || m.Load.Own <= 0 || (m.LoadState() == LoadMeasured) != m.Load.Enough() {
			t.Errorf("run's load %+v (%v)", m.Load, m.LoadState())
		}
		sum = sum.Add(m.Load)
	}
	whole := rep.Load
	if whole.Stretches != 1 || whole.CPUs != sum.CPUs || whole.TotalTicks < sum.TotalTicks || whole.BusyTicks < sum.BusyTicks || whole.Own < sum.Own {
		t.Errorf("whole benchmark %+v, its runs summed %+v", whole, sum)
	}
	for _, row := range rep.Rows {
		l, _ := runsLoad(slices.DeleteFunc(slices.Clone(rep.Runs), func(m Measurement) bool { return m.Workers != row.Workers }))
		if row.Load != l || row.Load.Stretches != row.Runs {
			t.Errorf("row %d: load %+v, its runs' %+v", row.Workers, row.Load, l)
		}
	}
	for i, ev := range events {
		if l := ev.Report.Load; l.Stretches != 1 || i > 0 && l.TotalTicks < events[i-1].Report.Load.TotalTicks {
			t.Errorf("event %d: whole benchmark so far %+v", i, l)
		}
	}
	t.Logf("whole benchmark: %s", rep.LoadText())
}
