package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/picpool/picpool/chart"
	"github.com/picpool/picpool/engine"
)

const benchPhotos = "../../shared/testdata/photos"

func benchRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(&Env{Stdout: &out, Stderr: &errb}, append([]string{"bench"}, args...))
	return code, out.String(), errb.String()
}

// TestBenchWritesConsistentFigures runs "picpool bench" on 4 real photos at
// 1, 2 and 3 workers and checks the table, the CSV, the JSON and the chart.
func TestBenchWritesConsistentFigures(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	csvPath, jsonPath, pngPath := filepath.Join(dir, "s.csv"), filepath.Join(dir, "s.json"), filepath.Join(dir, "charts", "s.png")
	code, stdout, stderr := benchRun(t, "--workers", "2,3", "--repeat", "1", "--sample", "4", "--filters", "resize=400x0",
		"--quality", "80", "--tmp", tmp, "--csv", csvPath, "--json", jsonPath, "--chart", pngPath, "--chart-size", "640x420", benchPhotos)
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("\n%s%s", stderr, stdout)
	for _, want := range []string{"warm-up", "(not counted)", "run  3/3", "wrote  " + pngPath} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	for _, want := range []string{"Machine:", "4 images", "resize=400x0", "speed-up", "efficiency", "← recommended", "Recommended:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("outputs left in -tmp: %v", entries)
	}

	// CSV: one line per count, 1 included, consistent figures.
	data, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(lines) != 4 {
		t.Fatalf("CSV (%v):\n%s", err, data)
	}
	num := func(line []string, col string) float64 {
		v, err := strconv.ParseFloat(line[slices.Index(lines[0], col)], 64)
		if err != nil {
			t.Fatalf("CSV column %s: %v", col, err)
		}
		return v
	}
	var counts []int
	recommended := 0
	for _, line := range lines[1:] {
		w, sp, eff := num(line, "workers"), num(line, "speedup"), num(line, "efficiency")
		counts = append(counts, int(w))
		if num(line, "images") != 4 || num(line, "failed") != 0 || num(line, "runs") != 1 {
			t.Errorf("CSV line %v", line)
		}
		if math.Abs(eff-sp/w) > 1e-3 {
			t.Errorf("CSV: efficiency %v, speed-up %v, %v workers", eff, sp, w)
		}
		if w == 1 && sp != 1 {
			t.Errorf("CSV: speed-up of 1 worker %v", sp)
		}
		if line[slices.Index(lines[0], "recommended")] == "true" {
			recommended = int(w)
		}
	}
	if !slices.Equal(counts, []int{1, 2, 3}) || recommended == 0 {
		t.Errorf("CSV counts %v, recommended %d", counts, recommended)
	}

	// JSON: the same counts and recommendation, every run with all images.
	var doc struct {
		Recommended int   `json:"recommended"`
		Counts      []int `json:"counts"`
		Images      int   `json:"images"`
		Rows        []struct {
			Workers int     `json:"workers"`
			Images  int     `json:"images"`
			SpeedUp float64 `json:"speedup"`
		} `json:"rows"`
		Runs []struct {
			Done int `json:"done"`
		} `json:"runs"`
	}
	data, err = os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Recommended != recommended || !slices.Equal(doc.Counts, counts) || doc.Images != 4 || len(doc.Rows) != 3 || len(doc.Runs) != 3 {
		t.Errorf("JSON:\n%s", data)
	}
	for i, row := range doc.Rows {
		if row.Workers != counts[i] || row.Images != 4 {
			t.Errorf("JSON row %+v", row)
		}
	}
	for _, r := range doc.Runs {
		if r.Done != 4 {
			t.Errorf("JSON run with %d images done", r.Done)
		}
	}

	// The chart: a PNG of the requested size, not blank.
	img := readChart(t, pngPath, 640, 420)
	drawn := 0
	for y := 0; y < 420; y++ {
		for x := 0; x < 640; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if c.R < 0xf0 || c.G < 0xf0 || c.B < 0xf0 {
				drawn++
			}
		}
	}
	if drawn < 640*420/50 {
		t.Errorf("chart blank: %d pixels drawn", drawn)
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--workers", "0,2", benchPhotos},
		{"--workers", "two", benchPhotos},
		{"--repeat", "0", benchPhotos},
		{"--chart-size", "big", benchPhotos},
		{"--chart", "x.gif", benchPhotos},
		{"--modes", "goroutine,fork", benchPhotos},
		{"--modes", "", benchPhotos},
		{"--filters", "nosuch=1", benchPhotos},
	} {
		if code, _, stderr := benchRun(t, args...); code != ExitUsage || !strings.Contains(stderr, "picpool bench") {
			t.Errorf("bench %v: exit %d, stderr %q", args, code, stderr)
		}
	}
	// A file given by name is taken whatever its extension, and fails.
	if code, _, stderr := benchRun(t, "--workers", "1", "--repeat", "1", filepath.Join(benchPhotos, "LICENSE")); code != ExitFailures ||
		!strings.Contains(stderr, "none of the images could be processed") {
		t.Errorf("bench LICENSE: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := benchRun(t, "-h"); code != ExitOK || !strings.Contains(stderr, "-chart-size") {
		t.Errorf("bench -h: exit %d\n%s", code, stderr)
	}
	var out bytes.Buffer
	Run(&Env{Stdout: &out, Stderr: &out}, []string{"help"})
	if !strings.Contains(out.String(), "bench") {
		t.Errorf("help does not list bench:\n%s", out.String())
	}
}

// TestBenchBothModes runs "picpool bench --modes goroutine,process" on 2
// real photos at 1 and 2 workers, once each: the worker processes are this
// test binary run as "picpool __worker" (PICPOOL_TEST_ARGS, see TestMain).
// Every (mode, count) has its row in the CSV and the JSON, with the speed-up
// of 1 worker exactly 1 in each mode, efficiency = speed-up / workers and
// every image processed; the processes' CPU and memory are counted; the
// chart is a PNG of the requested size with both series' colours.
func TestBenchBothModes(t *testing.T) {
	t.Setenv("PICPOOL_TEST_ARGS", `["__worker"]`) // inherited by the worker processes only: this process has read it
	dir := t.TempDir()
	csvPath, jsonPath, pngPath := filepath.Join(dir, "m.csv"), filepath.Join(dir, "m.json"), filepath.Join(dir, "m.png")
	code, stdout, stderr := benchRun(t, "--modes", "goroutine,process", "--workers", "1,2", "--repeat", "1", "--filters", "resize=300x0",
		"--tmp", dir, "--csv", csvPath, "--json", jsonPath, "--chart", pngPath, "--chart-size", "640x420",
		filepath.Join(benchPhotos, "Landscape_0.jpg"), filepath.Join(benchPhotos, "Portrait_0.jpg"))
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("\n%s%s", stderr, stdout)
	for _, want := range []string{"6 runs (the first 2 warm-ups, one per mode)", "warm-up   threads    workers", "warm-up   processes  workers",
		"run  1/4  threads    workers   1", "run  4/4  processes  workers   2"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	for _, want := range []string{"mode", "threads", "processes", "Threads (goroutine workers), recommended:",
		"Processes (one per worker), recommended:", "At their best counts"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	type slot struct {
		mode    string
		workers int
	}
	want := []slot{{"goroutine", 1}, {"goroutine", 2}, {"process", 1}, {"process", 2}}

	// CSV: a line per mode and count.
	data, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(lines) != len(want)+1 || lines[0][0] != "mode" {
		t.Fatalf("CSV (%v):\n%s", err, data)
	}
	num := func(line []string, col string) float64 {
		v, err := strconv.ParseFloat(line[slices.Index(lines[0], col)], 64)
		if err != nil {
			t.Fatalf("CSV column %s: %v", col, err)
		}
		return v
	}
	recommended := map[string]int{}
	for i, line := range lines[1:] {
		w, sp, eff := num(line, "workers"), num(line, "speedup"), num(line, "efficiency")
		if line[0] != want[i].mode || int(w) != want[i].workers {
			t.Errorf("CSV line %d: %v, want %v", i+1, line, want[i])
		}
		if num(line, "images") != 2 || num(line, "failed") != 0 || num(line, "runs") != 1 || num(line, "cpu_percent") <= 0 || num(line, "peak_rss_bytes") <= 0 {
			t.Errorf("CSV line %v", line)
		}
		if math.Abs(eff-sp/w) > 1e-3 || (w == 1 && sp != 1) {
			t.Errorf("CSV %s: efficiency %v, speed-up %v, %v workers", line[0], eff, sp, w)
		}
		if line[slices.Index(lines[0], "recommended")] == "true" {
			recommended[line[0]] = int(w)
		}
	}
	if len(recommended) != 2 {
		t.Errorf("CSV recommends %v: want one count per mode", recommended)
	}

	// JSON: the same rows, a choice per mode, which was faster, and every
	// run with both images; the process runs count the workers' CPU and
	// memory.
	var doc struct {
		Modes   []string `json:"modes"`
		Choices []struct {
			Mode        string `json:"mode"`
			Recommended int    `json:"recommended"`
		} `json:"choices"`
		Faster *struct {
			Mode  string  `json:"mode"`
			Ratio float64 `json:"ratio"`
		} `json:"faster"`
		Rows []struct {
			Mode       string  `json:"mode"`
			Workers    int     `json:"workers"`
			Images     int     `json:"images"`
			SpeedUp    float64 `json:"speedup"`
			Efficiency float64 `json:"efficiency"`
		} `json:"rows"`
		Runs []struct {
			Mode             string  `json:"mode"`
			Done             int     `json:"done"`
			CPUPercent       float64 `json:"cpu_percent"`
			PeakRSS          uint64  `json:"peak_rss_bytes"`
			WorkerCPUPercent float64 `json:"worker_cpu_percent"`
			WorkerRSS        uint64  `json:"worker_rss_bytes"`
		} `json:"runs"`
	}
	data, err = os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Modes, []string{"goroutine", "process"}) || len(doc.Choices) != 2 || doc.Faster == nil || doc.Faster.Ratio < 1 ||
		len(doc.Rows) != len(want) || len(doc.Runs) != len(want) {
		t.Fatalf("JSON:\n%s", data)
	}
	for _, c := range doc.Choices {
		if recommended[c.Mode] != c.Recommended {
			t.Errorf("JSON choice %+v, CSV %v", c, recommended)
		}
	}
	for i, row := range doc.Rows {
		if row.Mode != want[i].mode || row.Workers != want[i].workers || row.Images != 2 ||
			math.Abs(row.Efficiency-row.SpeedUp/float64(row.Workers)) > 1e-9 || (row.Workers == 1 && row.SpeedUp != 1) {
			t.Errorf("JSON row %+v", row)
		}
	}
	for _, r := range doc.Runs {
		workers := r.WorkerCPUPercent > 0 && r.WorkerRSS > 0 && r.PeakRSS > r.WorkerRSS && r.CPUPercent >= r.WorkerCPUPercent
		if r.Done != 2 || workers != (r.Mode == string(engine.Processes)) {
			t.Errorf("JSON run %+v", r)
		}
	}

	// The chart: a PNG of the requested size, not blank, with both series.
	img := readChart(t, pngPath, 640, 420)
	drawn, series := 0, map[color.RGBA]int{}
	threads, processes := chart.SeriesColor(engine.Goroutines), chart.SeriesColor(engine.Processes)
	for y := 0; y < 420; y++ {
		for x := 0; x < 640; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if c.R < 0xf0 || c.G < 0xf0 || c.B < 0xf0 {
				drawn++
			}
			if c == threads || c == processes {
				series[c]++
			}
		}
	}
	if drawn < 640*420/50 {
		t.Errorf("chart blank: %d pixels drawn", drawn)
	}
	if series[threads] < 200 || series[processes] < 200 {
		t.Errorf("chart: %d pixels of the threads' colour, %d of the processes': want both series", series[threads], series[processes])
	}
}

// readChart decodes the PNG chart at path and checks its size.
func readChart(t *testing.T, path string, w, h int) image.Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("chart: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("chart of %v, want %dx%d", b, w, h)
	}
	return img
}
