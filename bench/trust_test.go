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

// shortReport is a finished report at 1 and 2 workers, repeat runs each of
// runWall seconds on 2 CPUs, with the whole benchmark read straight through
// over wholeWall seconds; other programs took other of the CPUs' time
// throughout, this process 40%.
func shortReport(repeat int, runWall, wholeWall, other float64) Report {
	r := Report{Tolerance: 0.05, Counts: []int{1, 2}, Repeat: repeat, Images: 2, Complete: true,
		Machine: Machine{LogicalCores: 2, PhysicalCores: 2, UsableCPUs: 2}}
	for range repeat {
		for _, w := range []int{1, 2} {
			wall := time.Duration(runWall * float64(time.Second) / float64(w))
			r.Runs = append(r.Runs, run(Measurement{Workers: w, Wall: wall, Done: 2, CPUPercent: 90 * float64(w)}, sampleLoad(runWall, other, 0.4)))
		}
	}
	r.Load = sampleLoad(wholeWall, other, 0.4)
	r.update()
	return r
}

// faces is what a report says in its table, its CSV (the lines), its JSON
// and a chart's title.
func faces(t *testing.T, r Report) (table string, lines [][]string, doc map[string]any, title string) {
	t.Helper()
	var tb, cb, jb bytes.Buffer
	if err := WriteTable(&tb, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&cb, r); err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(&cb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&jb, r); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(jb.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return tb.String(), lines, doc, r.ShortWarning()
}

func csvCol(lines [][]string, row int, name string) string {
	return lines[row][slices.Index(CSVHeader, name)]
}

func docRow(doc map[string]any, i int) map[string]any {
	return doc["rows"].([]any)[i].(map[string]any)
}

// TestRunsSummed: runs each too short for /proc/stat tell together. Three
// runs of 0.2 s (40 ticks each on 2 CPUs) beside programs taking 60% of
// the CPUs: no run alone has a figure, each row has one and is busy.
func TestRunsSummed(t *testing.T) {
	r := shortReport(3, 0.2, 1.5, 0.6)
	if r.Runs[0].LoadState() != LoadTooShort || r.Runs[0].Busy != -1 {
		t.Fatalf("a 0.2 s run alone: %v %v", r.Runs[0].LoadState(), r.Runs[0].Busy)
	}
	for _, row := range r.Rows {
		if row.LoadState() != LoadMeasured || row.Load.Stretches != 3 || row.Busy < 0.59 || row.Busy > 0.61 || !r.RowBusy(row) {
			t.Errorf("row %d: %v, busy %.3f, %d stretches", row.Workers, row.LoadState(), row.Busy, row.Load.Stretches)
		}
	}
	table, _, _, _ := faces(t, r)
	for _, want := range []string{"120% !", "WARNING: These figures cannot be trusted: other programs used the CPUs during every worker count's runs (up to 60% of their time, 1.20 cores",
		"Other programs over the whole benchmark (1.50 s): 60% of the CPUs' time, 1.20 cores"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// TestWholeBenchmarkBusy: one run per count, too short even summed, but the
// whole benchmark read straight through (warm-up and gaps included) is
// long enough: it says the machine was busy, on every face, and marks the
// rows that could not tell on their own.
func TestWholeBenchmarkBusy(t *testing.T) {
	r := shortReport(1, 0.2, 0.6, 0.6)
	if r.Rows[0].LoadState() != LoadTooShort || len(r.BusyRows()) != 0 || !r.WholeBusy() || !r.Untrusted() {
		t.Fatalf("row %v, busy rows %d, whole busy %v", r.Rows[0].LoadState(), len(r.BusyRows()), r.WholeBusy())
	}
	table, lines, doc, title := faces(t, r)
	for _, want := range []string{"too short !", "WARNING: These figures cannot be trusted: other programs used the CPUs during the benchmark (60% of their time, 1.20 cores, over 0.60 s)"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if csvCol(lines, 1, "other_load") != "too_short" || csvCol(lines, 1, "busy_machine") != "true" || csvCol(lines, 1, "other_cpu_percent") != "" {
		t.Errorf("CSV %v", lines)
	}
	if doc["untrusted"] != true || doc["other_load"] != "measured" || doc["busy_share"] == nil || docRow(doc, 0)["other_load"] != "too_short" ||
		docRow(doc, 0)["busy_machine"] != true || docRow(doc, 0)["other_cpu_percent"] != nil {
		t.Errorf("JSON %v", doc)
	}
	if title != "busy machine: other programs used 60% of the CPUs; figures not trustworthy" {
		t.Errorf("chart title %q", title)
	}

	// Rows that tell on their own are judged on their own: a busy warm-up
	// does not spoil quiet counted runs.
	quietRuns := shortReport(2, 1, 3, 0.02)
	quietRuns.Load = sampleLoad(3, 0.5, 0.4)
	if quietRuns.WholeBusy() || quietRuns.Untrusted() || quietRuns.Warning() != "" {
		t.Errorf("quiet rows, busy warm-up: %q", quietRuns.Warning())
	}
}

// TestTooShortToTell: a benchmark too short even as a whole says so on
// every face instead of nothing, and does not call the figures untrusted;
// a contended one-worker row still does.
func TestTooShortToTell(t *testing.T) {
	r := shortReport(1, 0.05, 0.12, 0.6)
	if r.Untrusted() || !r.TooShort() || r.Measured() {
		t.Fatalf("untrusted %v, too short %v", r.Untrusted(), r.TooShort())
	}
	warn := "Too short to tell whether other programs used the CPUs: the benchmark took 0.12 s, and /proc/stat counts the CPUs' time in hundredths of a second, which takes at least 0.25 s on 2 CPUs. Measure more images or more runs to know whether the machine was quiet."
	if r.Warning() != warn {
		t.Errorf("warning %q", r.Warning())
	}
	table, lines, doc, title := faces(t, r)
	for _, want := range []string{"WARNING: " + warn, "Other programs over the whole benchmark (0.12 s): too short to tell", "too short  "} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "!") || strings.Contains(table, "cannot be trusted") {
		t.Errorf("table calls figures of unknown trust untrusted:\n%s", table)
	}
	if csvCol(lines, 2, "other_load") != "too_short" || csvCol(lines, 2, "busy_machine") != "false" {
		t.Errorf("CSV %v", lines)
	}
	if doc["untrusted"] != false || doc["warning"] != warn || doc["other_load"] != "too_short" || doc["other_cpu_percent"] != nil ||
		docRow(doc, 1)["other_load"] != "too_short" || doc["runs"].([]any)[0].(map[string]any)["other_load"] != "too_short" {
		t.Errorf("JSON %v", doc)
	}
	if title != "too short to tell whether other programs used the CPUs" {
		t.Errorf("chart title %q", title)
	}

	// A one-worker run that got 40% of a core says the machine was busy,
	// short or not.
	r.Runs[0].CPUPercent = 40
	r.update()
	if w := r.Warning(); !r.Untrusted() || !strings.HasPrefix(w, "These figures cannot be trusted: one worker got only 40% of a core") || strings.Contains(w, "Too short") {
		t.Errorf("contended, short: %q", w)
	}
}
