package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
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
		percent, share := otherLoad(before, after, c.own)
		if !near(percent, c.percent) || !near(share, c.share) {
			t.Errorf("%s: %.2f%% (share %.3f), want %.2f%% (%.3f)", c.name, percent, share, c.percent, c.share)
		}
	}
	// Too short to tell, or the CPUs changed between the readings.
	if p, s := otherLoad(before, cpuTimes{busy: 1010, total: 5020, cpus: 2}, 0); p != -1 || s != -1 {
		t.Errorf("20 ticks: %v %v, want not measured", p, s)
	}
	if p, s := otherLoad(before, cpuTimes{busy: 1400, total: 5400, cpus: 3}, 0); p != -1 || s != -1 {
		t.Errorf("CPU count changed: %v %v", p, s)
	}
}

// loadReport is a finished one-mode report whose runs saw the given
// other-process shares (per worker count 1 and 2, two runs each) on 2 CPUs.
func loadReport(one, two [2]float64) Report {
	r := Report{Tolerance: 0.05, Counts: []int{1, 2}, Repeat: 2, Images: 4, Complete: true,
		Machine: Machine{LogicalCores: 2, PhysicalCores: 2, UsableCPUs: 2}}
	for i := range 2 {
		r.Runs = append(r.Runs,
			Measurement{Workers: 1, Wall: 4 * s, Done: 4, CPUPercent: 99, Busy: one[i], OtherCPUPercent: one[i] * 200},
			Measurement{Workers: 2, Wall: 2100 * time.Millisecond, Done: 4, CPUPercent: 195, Busy: two[i], OtherCPUPercent: two[i] * 200})
	}
	r.update()
	return r
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
	// Not measured (another OS, runs too short): no warning from it, and
	// the table says "–".
	unknown := loadReport([2]float64{-1, -1}, [2]float64{-1, 0.5})
	if unknown.Measured() || unknown.Untrusted() {
		t.Errorf("unmeasured rows: measured %v, warning %q", unknown.Measured(), unknown.Warning())
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
		doc.Rows[1].Other == nil || !near(*doc.Rows[1].Other, 70) || len(doc.Runs) != 4 || doc.Runs[1].Share == nil {
		t.Errorf("JSON:\n%s", js.String())
	}
	js.Reset()
	WriteJSON(&js, unknown)
	if strings.Contains(js.String(), `"other_cpu_percent": -1`) || strings.Contains(js.String(), `"untrusted": true`) {
		t.Errorf("unmeasured JSON:\n%s", js.String())
	}
}
