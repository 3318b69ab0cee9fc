package gui

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/bench"
	"github.com/picpool/picpool/chart"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/processing"
)

// TestBenchmarkTab runs the Benchmark tab on 2 real photos at 1 and 2
// workers: the progress bar reaches the end, the chart is drawn at the
// view's size and redrawn when it is resized, the table has a row per
// count, the recommended count goes to the Batch tab, and the exports are
// a PNG and a CSV.
func TestBenchmarkTab(t *testing.T) {
	h, p := benchmarkOnTwoPhotos(t)
	if h.w.tabs.Selected().Text != "Benchmark" {
		t.Fatalf("tab %q selected", h.w.tabs.Selected().Text)
	}

	typeInto(p.sample, "0")
	typeInto(p.counts, "2")
	p.repeat.SetSelected("1")
	// Hold the benchmark after its first run (the warm-up) until the bar has
	// shown it: however fast the runs are, the progress between 0 and 1
	// is then on screen while the benchmark runs.
	held, release := make(chan struct{}), make(chan struct{})
	p.afterRun = func(ev bench.Event) {
		if ev.Index == 0 {
			close(held)
			<-release
		}
	}
	defer func() {
		select {
		case <-release:
		default:
			close(release) // a failed test must not leave the benchmark held
		}
	}()
	test.Tap(p.start)
	if !p.start.Disabled() {
		t.Error("Run benchmark stays enabled while it runs")
	}
	h.waitFor("the benchmark to finish its first run", 90*time.Second, func() bool {
		select {
		case <-held:
			return true
		default:
			return false
		}
	})
	// Held after the warm-up, the benchmark stands at 1 run of 3 done.
	h.waitFor("the bar to show the first run", 30*time.Second, func() bool { return p.bar.Value > 0 })
	v := p.bar.Value
	sawProgress := p.busy && v > 0 && v < 1
	close(release)
	h.waitFor("the benchmark to end", 90*time.Second, func() bool { return !p.busy })
	rep := p.report
	if !rep.Complete || len(rep.Rows) != 2 || rep.Images != 2 || !strings.HasPrefix(p.status.Text, "Done:") {
		t.Fatalf("complete %v, %d rows, %d images, status %q", rep.Complete, len(rep.Rows), rep.Images, p.status.Text)
	}
	if p.bar.Value != 1 || !sawProgress {
		t.Errorf("progress bar at %v at the end; seen between 0 and 1: %v (%v while held after the warm-up)", p.bar.Value, sawProgress, v)
	}
	if rep.Filters != "resize=300x0" {
		t.Errorf("measured filters %q, want the Batch tab's chain", rep.Filters)
	}

	// The table: a row per count, with the speed-up of one worker.
	if r, c := p.tableSize(); r != 2 || c != len(benchColumns) {
		t.Errorf("table of %d×%d", r, c)
	}
	for _, want := range []string{"Workers", "Speed-up", "1.00×"} {
		if !shows(p.table, want) {
			t.Errorf("table does not show %q: %q", want, texts(p.table))
		}
	}
	if !strings.Contains(p.verdict.Text, "Recommended:") {
		t.Errorf("verdict %q", p.verdict.Text)
	}

	// The chart: drawn at the view's pixel size, not blank.
	h.waitForChart(p.chart)
	size := p.chart.Size()
	checkChart(t, p.chart, int(size.Width), int(size.Height))
	p.chart.Resize(fyne.NewSize(420, 260))
	h.waitFor("the chart to be redrawn at the new size", 10*time.Second, func() bool {
		b := p.chart.img.Image.Bounds()
		return b.Dx() == 420 && b.Dy() == 260
	})
	checkChart(t, p.chart, 420, 260)

	// Use the recommendation on the Batch tab.
	if p.apply.Disabled() || !strings.Contains(p.apply.Text, "Use ") {
		t.Fatalf("apply button %q disabled %v", p.apply.Text, p.apply.Disabled())
	}
	test.Tap(p.apply)
	if h.w.run.workers != rep.Recommended || h.w.run.workersCtl.entry.Text != strconv.Itoa(rep.Recommended) {
		t.Errorf("Batch tab workers %d (%q), recommended %d", h.w.run.workers, h.w.run.workersCtl.entry.Text, rep.Recommended)
	}

	// Exports.
	var pngBuf, csvBuf bytes.Buffer
	if err := p.writeChart(&pngBuf, rep); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&pngBuf)
	if err != nil || img.Bounds().Dx() != exportWidth || img.Bounds().Dy() != exportHeight {
		t.Errorf("exported chart: %v %v", err, img.Bounds())
	}
	if err := p.writeCSV(&csvBuf, rep); err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(&csvBuf).ReadAll()
	if err != nil || len(lines) != 3 || lines[0][0] != bench.CSVHeader[0] || lines[1][0] != "goroutine" || lines[1][1] != "1" || lines[2][1] != "2" {
		t.Errorf("exported CSV: %v %v", err, lines)
	}
}

// TestBenchmarkBothModes runs the Benchmark tab on 2 real photos at 1 and 2
// workers with both modes ticked: threads and worker processes (this test
// binary run as "__worker", see TestMain). The table has a row per mode and count, the chart
// both series' colours, the verdict says which mode was faster, and the
// recommendation applied is that of the Batch tab's mode.
func TestBenchmarkBothModes(t *testing.T) {
	h, p := benchmarkOnTwoPhotos(t)

	typeInto(p.sample, "0")
	typeInto(p.counts, "2")
	p.repeat.SetSelected("1")
	p.threads.SetChecked(false)
	test.Tap(p.start)
	if p.busy || !strings.Contains(p.status.Text, "choose threads, processes or both") {
		t.Fatalf("started with no mode: %q", p.status.Text)
	}
	test.Tap(p.threads)
	test.Tap(p.processes)
	if !p.threads.Checked || !p.processes.Checked {
		t.Fatal("the mode boxes do not tick")
	}
	test.Tap(p.start)
	h.waitFor("the benchmark to end", 90*time.Second, func() bool { return !p.busy })
	rep := p.report
	if !rep.Complete || len(rep.Rows) != 4 || rep.Images != 2 || !strings.HasPrefix(p.status.Text, "Done:") {
		t.Fatalf("complete %v, %d rows, %d images, status %q", rep.Complete, len(rep.Rows), rep.Images, p.status.Text)
	}
	if !strings.Contains(p.status.Text, "as threads and processes") {
		t.Errorf("status %q", p.status.Text)
	}

	// The table: a row per mode and count, each mode's 1 worker at 1.00×.
	if r, c := p.tableSize(); r != 4 || c != len(benchColumns) {
		t.Errorf("table of %d×%d", r, c)
	}
	cell := func(row, col int) string {
		l := widget.NewLabel("")
		p.updateCell(widget.TableCellID{Row: row, Col: col}, l)
		return l.Text
	}
	want := [][2]string{{"Threads", "1"}, {"Threads", "2"}, {"Processes", "1"}, {"Processes", "2"}}
	for i, w := range want {
		if cell(i, 0) != w[0] || cell(i, 1) != w[1] {
			t.Errorf("row %d: %s %s, want %v", i, cell(i, 0), cell(i, 1), w)
		}
	}
	if cell(0, 6) != "1.00×" || cell(2, 6) != "1.00×" {
		t.Errorf("one worker's speed-up: threads %s, processes %s", cell(0, 6), cell(2, 6))
	}
	// On screen, scrolled to each end: how many rows fit at once depends on
	// the layout (a verdict or a warning that needs more lines above the
	// table leaves it less room), and the first and last rows are each
	// mode's.
	p.table.ScrollToTop()
	for _, want := range []string{"Mode", "Threads"} {
		if !shows(p.table, want) {
			t.Errorf("table scrolled to the top does not show %q: %q", want, texts(p.table))
		}
	}
	p.table.ScrollToBottom()
	for _, want := range []string{"Mode", "Processes"} {
		if !shows(p.table, want) {
			t.Errorf("table scrolled to the bottom does not show %q: %q", want, texts(p.table))
		}
	}
	for _, want := range []string{"Threads (goroutine workers), recommended:", "Processes (one per worker), recommended:", "At their best counts"} {
		if !strings.Contains(p.verdict.Text, want) {
			t.Errorf("verdict %q lacks %q", p.verdict.Text, want)
		}
	}

	// The chart: both series.
	h.waitForChart(p.chart)
	size := p.chart.Size()
	checkChart(t, p.chart, int(size.Width), int(size.Height))
	img := p.chart.img.Image
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	series := map[color.RGBA]int{}
	for i := 0; i+3 < len(rgba.Pix); i += 4 {
		series[color.RGBA{R: rgba.Pix[i], G: rgba.Pix[i+1], B: rgba.Pix[i+2], A: rgba.Pix[i+3]}]++
	}
	if a, b := series[chart.SeriesColor(engine.Goroutines)], series[chart.SeriesColor(engine.Processes)]; a < 100 || b < 100 {
		t.Errorf("chart: %d pixels of the threads' colour, %d of the processes'", a, b)
	}

	// The recommendation applied is that of the Batch tab's mode: threads,
	// then processes.
	for _, mode := range []engine.Isolation{engine.Goroutines, engine.Processes} {
		h.w.run.iso.set(mode)
		h.w.run.setWorkers(7)
		test.Tap(p.apply)
		if want := rep.Choice(mode).Recommended; h.w.run.workers != want || !strings.Contains(p.status.Text, bench.ModeName(mode)) {
			t.Errorf("Batch tab on %s: %d workers, %d recommended; status %q", mode, h.w.run.workers, want, p.status.Text)
		}
		if !strings.HasSuffix(p.apply.Text, "("+bench.ModeShort(mode)+")") {
			t.Errorf("apply button %q with the Batch tab on %s", p.apply.Text, mode)
		}
	}
}

// TestBenchmarkRefuses: no inputs, a bad count list, or a batch running.
func TestBenchmarkRefuses(t *testing.T) {
	h := newHarness(t)
	p := h.w.bench
	test.Tap(p.start)
	if p.busy || !strings.Contains(p.status.Text, "add some inputs") {
		t.Errorf("started without inputs: %q", p.status.Text)
	}
	typeInto(p.counts, "1, zero")
	test.Tap(p.start)
	if p.busy || !strings.Contains(p.status.Text, "zero") {
		t.Errorf("started with a bad count: %q", p.status.Text)
	}
	typeInto(p.counts, "1")
	h.w.run.starting = true // as while a batch starts
	h.w.inputs.items = append(h.w.inputs.items, inputItem{src: processing.Source{Path: "x.jpg"}})
	test.Tap(p.start)
	if p.busy || !strings.Contains(p.status.Text, "a batch is running") {
		t.Errorf("started beside a batch: %q", p.status.Text)
	}
	h.w.run.starting = false
}

// waitForChart waits until the chart on screen is drawn at its view's
// size. The end of a benchmark changes the texts above and below the chart
// (the status, the verdict, a warning when the machine was busy), so the
// layout gives the chart a new size, and it is drawn again once resizes
// settle: a test must not look at it before.
func (h *harness) waitForChart(v *chartView) {
	h.t.Helper()
	h.waitFor("the chart drawn at its view's size", 30*time.Second, func() bool {
		size := v.Size()
		return v.img.Image != nil && v.img.Image.Bounds().Size() == image.Pt(int(size.Width), int(size.Height))
	})
}

// checkChart checks that the chart on screen has the given size in pixels
// and is not blank.
func checkChart(t *testing.T, v *chartView, width, height int) {
	t.Helper()
	img := v.img.Image
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("chart of %v, want %dx%d", b, width, height)
		return
	}
	drawn := 0
	for y := range height {
		for x := range width {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if c.R < 0xf0 || c.G < 0xf0 || c.B < 0xf0 {
				drawn++
			}
		}
	}
	if drawn < width*height/50 {
		t.Errorf("chart blank: %d of %d pixels drawn", drawn, width*height)
	}
}

// benchmarkOnTwoPhotos opens a window with 2 real photos and the chain
// resize=300x0, on its Benchmark tab.
func benchmarkOnTwoPhotos(t *testing.T) (*harness, *benchPanel) {
	t.Helper()
	h := newHarness(t)
	photos := filepath.Join(testdata, "photos")
	h.dropAndWait(2, filepath.Join(photos, "Landscape_0.jpg"), filepath.Join(photos, "Portrait_0.jpg"))
	c, err := processing.ParseChain("resize=300x0")
	if err != nil {
		t.Fatal(err)
	}
	h.w.chain.setChain(c)
	h.w.tabs.SelectIndex(1)
	return h, h.w.bench
}
