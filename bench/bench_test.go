package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/processing"
)

// photos is the project's shared test photos, seen from this package.
const photos = "../../shared/testdata/photos"

// smallBatch is a real batch: 4 of the photos (1800×1200 JPEGs), resized
// to 400 pixels wide.
func smallBatch(t *testing.T) (engine.Batch, engine.Settings) {
	t.Helper()
	b := engine.Collect(context.Background(), []string{photos}, "")
	if len(b.Sources) < 4 {
		t.Fatalf("%d photos in %s", len(b.Sources), photos)
	}
	chain, err := processing.ParseChain("resize=400x0")
	if err != nil {
		t.Fatal(err)
	}
	return b, engine.Settings{Processing: processing.Settings{Chain: chain, Quality: 80}}
}

func TestRealBatch(t *testing.T) {
	b, set := smallBatch(t)
	tmp := t.TempDir()
	var events []Event
	rep, err := Run(context.Background(), b, Config{
		Counts: []int{2}, Repeat: 2, Sample: 4, Settings: set, TempDir: tmp,
		OnRun: func(ev Event) {
			// Between runs the run's folder is gone already and nothing else
			// is left but the benchmark's own folder.
			if entries, _ := os.ReadDir(tmp); len(entries) != 1 {
				t.Errorf("run %d: %d entries in the temp folder", ev.Index, len(entries))
			} else if inner, _ := os.ReadDir(filepath.Join(tmp, entries[0].Name())); len(inner) != 0 {
				t.Errorf("run %d: the run's outputs were left behind: %v", ev.Index, inner)
			}
			events = append(events, ev)
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	// 1 (always added) and 2 workers, 2 runs each, after a warm-up.
	if !slices.Equal(rep.Counts, []int{1, 2}) || !rep.Complete || rep.Images != 4 {
		t.Fatalf("counts %v complete %v images %d", rep.Counts, rep.Complete, rep.Images)
	}
	if len(events) != 5 || !events[0].Warmup || events[0].Index != 0 || events[4].Total != 5 {
		t.Fatalf("%d events, first %+v", len(events), events[0])
	}
	if w := WarmupCount(rep.Counts, rep.Machine.LogicalCores); events[0].Run.Workers != w || len(events[0].Report.Runs) != 0 {
		t.Errorf("warm-up on %d workers with %d runs counted; want %d workers and none", events[0].Run.Workers, len(events[0].Report.Runs), w)
	}
	var order []int
	for _, ev := range events[1:] {
		order = append(order, ev.Run.Workers)
		if ev.Warmup {
			t.Error("a second warm-up")
		}
	}
	if !slices.Equal(order, []int{1, 2, 2, 1}) {
		t.Errorf("runs in order %v, want interleaved 1 2 2 1", order)
	}
	// The chart fills in: each event carries the figures so far.
	if len(events[1].Report.Rows) != 1 || len(events[2].Report.Rows) != 2 || len(events[4].Report.Runs) != 4 {
		t.Errorf("partial reports: %d, %d rows; %d runs", len(events[1].Report.Rows), len(events[2].Report.Rows), len(events[4].Report.Runs))
	}

	for _, m := range rep.Runs {
		if m.Done != 4 || m.Failed != 0 || m.BytesOut <= 0 || m.Wall <= 0 || m.Megapixels < 4*2 {
			t.Errorf("run %+v: want 4 images of 2.16 MP processed and written", m)
		}
	}
	checkRows(t, rep)
	checkLoad(t, rep, events)
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the benchmark's folder was left behind: %v", entries)
	}

	// The same figures come out in CSV and JSON.
	table := checkExports(t, rep)
	for _, want := range []string{"workers", "speed-up", "← recommended", "Recommended:", "resize=400x0"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	t.Logf("\n%s", table)
}

// slots are the (mode, count) pairs a report must have a row for, in the
// order of its rows.
func slots(rep Report) []Slot {
	var out []Slot
	for _, m := range rep.ModeList() {
		for _, n := range rep.Counts {
			out = append(out, Slot{Mode: m, Workers: n})
		}
	}
	return out
}

// checkRows checks that the rows agree with each other and with the runs:
// one per mode and count, the speed-up of one worker exactly 1 in each
// mode, efficiency = speed-up / workers.
func checkRows(t *testing.T, rep Report) {
	t.Helper()
	want := slots(rep)
	if len(rep.Rows) != len(want) {
		t.Fatalf("%d rows for modes %v and counts %v", len(rep.Rows), rep.ModeList(), rep.Counts)
	}
	for i, row := range rep.Rows {
		if row.Mode != want[i].Mode || row.Workers != want[i].Workers || row.Runs != rep.Repeat || row.Images != rep.Images || row.Failed != 0 {
			t.Errorf("row %d: %+v, want %v", i, row, want[i])
		}
		if row.WallMin > row.Wall || row.Wall > row.WallMax || row.ImagesPerSec <= 0 || row.MPPerSec <= 0 {
			t.Errorf("row %s %d workers: min %v median %v max %v, %v images/s", row.Mode, row.Workers, row.WallMin, row.Wall, row.WallMax, row.ImagesPerSec)
		}
		if math.Abs(row.ImagesPerSec-float64(row.Images)/row.Wall.Seconds()) > 1e-9 {
			t.Errorf("row %s %d workers: %v images/s is not images / median wall", row.Mode, row.Workers, row.ImagesPerSec)
		}
		if math.Abs(row.Efficiency-row.SpeedUp/float64(row.Workers)) > 1e-9 {
			t.Errorf("row %s %d workers: efficiency %v != speed-up %v / workers", row.Mode, row.Workers, row.Efficiency, row.SpeedUp)
		}
		if row.Workers == 1 && row.SpeedUp != 1 {
			t.Errorf("%s: the one-worker speed-up is %v, want exactly 1", row.Mode, row.SpeedUp)
		}
	}
	for _, m := range rep.ModeList() {
		c := rep.Choice(m)
		if !slices.Contains(rep.Counts, c.Recommended) || !slices.Contains(rep.Counts, c.Best) || c.Recommended > c.Best {
			t.Errorf("%s: recommended %d, best %d, counts %v", m, c.Recommended, c.Best, rep.Counts)
		}
	}
	if c := rep.Choice(rep.ModeList()[0]); rep.Recommended != c.Recommended || rep.Best != c.Best {
		t.Errorf("recommended %d best %d, the first mode's %+v", rep.Recommended, rep.Best, c)
	}
}

func checkCSV(t *testing.T, data []byte, rep Report) {
	t.Helper()
	lines, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := slots(rep)
	if len(lines) != len(want)+1 || !slices.Equal(lines[0], CSVHeader) {
		t.Fatalf("CSV:\n%s", data)
	}
	col := func(line []string, name string) float64 {
		v, err := strconv.ParseFloat(line[slices.Index(CSVHeader, name)], 64)
		if err != nil {
			t.Fatalf("CSV %s: %v", name, err)
		}
		return v
	}
	recommended := map[string]int{}
	for i, line := range lines[1:] {
		w, mode := col(line, "workers"), line[slices.Index(CSVHeader, "mode")]
		if mode != string(want[i].Mode) || int(w) != want[i].Workers || int(col(line, "images")) != rep.Images || int(col(line, "runs")) != rep.Repeat {
			t.Errorf("CSV line %v, want %v", line, want[i])
		}
		sp, eff := col(line, "speedup"), col(line, "efficiency")
		if w == 1 && sp != 1 {
			t.Errorf("CSV %s: the one-worker speed-up is %v", mode, sp)
		}
		if math.Abs(eff-sp/w) > 1e-3 { // 4 decimals written
			t.Errorf("CSV: efficiency %v != speed-up %v / %v workers", eff, sp, w)
		}
		if line[slices.Index(CSVHeader, "recommended")] == "true" {
			recommended[mode]++
			if c := rep.Choice(want[i].Mode); int(w) != c.Recommended {
				t.Errorf("CSV recommends %v workers for %s, the report %d", w, mode, c.Recommended)
			}
		}
	}
	for _, m := range rep.ModeList() {
		if recommended[string(m)] != 1 {
			t.Errorf("%d %s lines marked recommended", recommended[string(m)], m)
		}
	}
}

func checkJSON(t *testing.T, data []byte, rep Report) {
	t.Helper()
	var doc struct {
		Images      int      `json:"images"`
		Recommended int      `json:"recommended"`
		Modes       []string `json:"modes"`
		Choices     []struct {
			Mode        string `json:"mode"`
			Recommended int    `json:"recommended"`
		} `json:"choices"`
		Machine struct {
			LogicalCores int `json:"logical_cores"`
		} `json:"machine"`
		Rows []struct {
			Mode       string  `json:"mode"`
			Workers    int     `json:"workers"`
			Images     int     `json:"images"`
			SpeedUp    float64 `json:"speedup"`
			Efficiency float64 `json:"efficiency"`
		} `json:"rows"`
		Runs []struct {
			Mode    string `json:"mode"`
			Workers int    `json:"workers"`
			Done    int    `json:"done"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JSON: %v\n%s", err, data)
	}
	want := slots(rep)
	if doc.Images != rep.Images || doc.Recommended != rep.Recommended || doc.Machine.LogicalCores < 1 ||
		len(doc.Modes) != len(rep.ModeList()) || len(doc.Choices) != len(doc.Modes) ||
		len(doc.Rows) != len(want) || len(doc.Runs) != len(want)*rep.Repeat {
		t.Fatalf("JSON:\n%s", data)
	}
	for i, c := range doc.Choices {
		if m := rep.ModeList()[i]; c.Mode != string(m) || c.Recommended != rep.Choice(m).Recommended {
			t.Errorf("JSON choice %+v", c)
		}
	}
	for i, row := range doc.Rows {
		if row.Mode != string(want[i].Mode) || row.Workers != want[i].Workers || row.Images != rep.Images ||
			math.Abs(row.Efficiency-row.SpeedUp/float64(row.Workers)) > 1e-9 || (row.Workers == 1 && row.SpeedUp != 1) {
			t.Errorf("JSON row %+v", row)
		}
	}
	for _, r := range doc.Runs {
		if r.Done != rep.Images || !slices.Contains(doc.Modes, r.Mode) {
			t.Errorf("JSON run %+v", r)
		}
	}
}

// TestBothModes runs 2 real photos (resized to 300 pixels wide) at 1 and 2
// workers, once each, in both modes: a warm-up per mode, the runs
// interleaved over modes, a row per mode and count, and in process mode CPU
// and memory that include the worker processes'.
func TestBothModes(t *testing.T) {
	b := engine.Collect(context.Background(), []string{filepath.Join(photos, "Landscape_0.jpg"), filepath.Join(photos, "Portrait_0.jpg")}, "")
	chain, err := processing.ParseChain("resize=300x0")
	if err != nil || len(b.Sources) != 2 {
		t.Fatal(err, len(b.Sources))
	}
	set := engine.Settings{Processing: processing.Settings{Chain: chain, Quality: 80}, WorkerCommand: []string{os.Args[0]}}
	var events []Event
	rep, err := Run(context.Background(), b, Config{
		Counts: []int{2}, Repeat: 1, Modes: []engine.Isolation{engine.Processes, engine.Goroutines, engine.Processes},
		Settings: set, TempDir: t.TempDir(),
		OnRun: func(ev Event) { events = append(events, ev) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Modes, []engine.Isolation{engine.Goroutines, engine.Processes}) || !slices.Equal(rep.Counts, []int{1, 2}) || !rep.Complete || rep.Images != 2 {
		t.Fatalf("modes %v counts %v complete %v images %d", rep.Modes, rep.Counts, rep.Complete, rep.Images)
	}
	var order []Slot
	for i, ev := range events {
		if ev.Warmups != 2 || ev.Total != 6 || ev.Warmup != (i < 2) {
			t.Errorf("event %d: %d warm-ups of %d, warm-up %v", i, ev.Warmups, ev.Total, ev.Warmup)
		}
		order = append(order, Slot{ev.Run.Mode, ev.Run.Workers})
	}
	g, p := engine.Goroutines, engine.Processes
	w := WarmupCount(rep.Counts, rep.Machine.LogicalCores)
	if want := []Slot{{g, w}, {p, w}, {g, 1}, {p, 1}, {g, 2}, {p, 2}}; !slices.Equal(order, want) {
		t.Errorf("runs in order %v, want %v", order, want)
	}
	checkRows(t, rep)
	for _, m := range rep.Runs {
		if m.Done != 2 || m.Failed != 0 || m.BytesOut <= 0 || m.Wall <= 0 || m.CPUPercent <= 0 || m.PeakRSS == 0 {
			t.Errorf("run %+v: want 2 images processed and written", m)
		}
		switch m.Mode {
		case g:
			if m.WorkerCPUPercent != 0 || m.WorkerRSS != 0 || m.WorkerFileRSS != 0 || m.WorkerPeakSum != 0 {
				t.Errorf("goroutine run with worker process figures: %+v", m)
			}
		case p:
			// The workers did the work: most of the CPU time is theirs, and
			// their memory is part of the peak.
			if m.WorkerCPUPercent <= 0 || m.CPUPercent < m.WorkerCPUPercent || m.WorkerRSS == 0 || m.PeakRSS <= m.WorkerRSS || m.Setup <= 0 || m.Setup >= m.Wall {
				t.Errorf("process run %+v: want CPU and memory that include the worker processes', and their start in the wall time", m)
			}
			if runtime.GOOS == "linux" && (m.WorkerPeakSum < uint64(m.Workers)<<20 || m.WorkerFileRSS == 0 || m.WorkerFileRSS >= m.WorkerRSS) {
				t.Errorf("process run: the workers' high-water marks sum to %d bytes, %d of %d bytes resident mapped from files",
					m.WorkerPeakSum, m.WorkerFileRSS, m.WorkerRSS)
			}
		}
	}
	table := checkExports(t, rep)
	for _, want := range []string{"mode", "threads", "processes", "Workers: threads (goroutine workers) and processes (one per worker)",
		"Threads (goroutine workers), recommended:", "Processes (one per worker), recommended:", "At their best counts"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if n := strings.Count(table, "← recommended"); n != 2 {
		t.Errorf("%d counts marked recommended, want one per mode", n)
	}
	t.Logf("\n%s", table)
}

func TestCancel(t *testing.T) {
	b, set := smallBatch(t)
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bn, err := Start(ctx, b, Config{
		Counts: []int{1, 2}, Repeat: 50, Sample: 2, Settings: set, TempDir: tmp,
		OnRun: func(ev Event) {
			if ev.Index == 1 {
				cancel()
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := bn.Wait()
	if !errors.Is(err, context.Canceled) || rep.Complete || len(rep.Runs) != 1 {
		t.Errorf("after a cancel: err %v, complete %v, %d runs counted", err, rep.Complete, len(rep.Runs))
	}
	if p := bn.Progress(); p.RunsDone != 2 || p.Runs != 101 {
		t.Errorf("progress %+v", p)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the benchmark's folder was left behind: %v", entries)
	}
}

func TestStartRefuses(t *testing.T) {
	b, set := smallBatch(t)
	if _, err := Start(context.Background(), engine.Batch{}, Config{Settings: set}); err == nil {
		t.Error("started without images")
	}
	bad := set
	bad.Processing.Chain = processing.Chain{{Kind: "no-such-filter"}}
	if _, err := Start(context.Background(), b, Config{Settings: bad, Sample: 1}); err == nil {
		t.Error("started with a bad filter chain")
	}
	if _, err := Start(context.Background(), b, Config{Settings: set, Sample: 1, Counts: []int{0}}); err == nil {
		t.Error("started with 0 workers")
	}
}

func TestFailingImagesAreLeftOut(t *testing.T) {
	_, set := smallBatch(t)
	inputs := []string{filepath.Join(photos, "LICENSE"), filepath.Join(photos, "Landscape_0.jpg"), filepath.Join(photos, "Portrait_0.jpg")}
	b := engine.Collect(context.Background(), inputs, "")
	if len(b.Sources) != 3 {
		t.Fatalf("%d sources", len(b.Sources))
	}
	rep, err := Run(context.Background(), b, Config{Counts: []int{1}, Repeat: 1, Settings: set, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Images != 2 || len(rep.Excluded) != 1 || !strings.HasSuffix(rep.Excluded[0].Path, "LICENSE") || rep.Excluded[0].Error == "" {
		t.Errorf("images %d, excluded %+v", rep.Images, rep.Excluded)
	}
	if len(rep.Rows) != 1 || rep.Rows[0].Images != 2 || rep.Rows[0].Failed != 0 {
		t.Errorf("rows %+v", rep.Rows)
	}
	var tb bytes.Buffer
	WriteTable(&tb, rep)
	if table := tb.String(); !strings.Contains(table, "Left out (failed in the warm-up)") {
		t.Errorf("table:\n%s", table)
	}
}

// checkExports writes rep as CSV and JSON, checks both against it, and
// returns it as the printed table.
func checkExports(t *testing.T, rep Report) string {
	t.Helper()
	var csvBuf, jsonBuf, table bytes.Buffer
	if err := WriteCSV(&csvBuf, rep); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, csvBuf.Bytes(), rep)
	if err := WriteJSON(&jsonBuf, rep); err != nil {
		t.Fatal(err)
	}
	checkJSON(t, jsonBuf.Bytes(), rep)
	if err := WriteTable(&table, rep); err != nil {
		t.Fatal(err)
	}
	return table.String()
}
