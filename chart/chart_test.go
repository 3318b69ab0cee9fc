package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/bench"
	"github.com/picpool/picpool/engine"
)

// report is a literal benchmark: 8 images, 1 to 8 workers on a machine with
// 4 physical and 8 logical cores.
func report() bench.Report {
	ms := func(w int, wall time.Duration) bench.Measurement {
		return bench.Measurement{Workers: w, Wall: wall, CPUPercent: 100 * float64(min(w, 4)), Done: 8, Megapixels: 17.3}
	}
	var runs []bench.Measurement
	for _, d := range []time.Duration{0, 50 * time.Millisecond, -30 * time.Millisecond} {
		runs = append(runs, ms(1, 8*time.Second+d), ms(2, 4200*time.Millisecond+d), ms(4, 2300*time.Millisecond+d),
			ms(8, 2150*time.Millisecond+d), ms(16, 2200*time.Millisecond+d))
	}
	rep := bench.Report{
		Date:    time.Date(2025, 11, 23, 0, 0, 0, 0, time.UTC),
		Machine: bench.Machine{PhysicalCores: 4, LogicalCores: 8, CPUModel: "Test CPU"},
		Images:  8, Filters: "resize=1200x0", Format: "same", Repeat: 3, Counts: []int{1, 2, 4, 8, 16},
		Tolerance: 0.05, Runs: runs, Complete: true,
	}
	rep.Rows = bench.Summarize(runs)
	rep.Recommended, rep.Best = bench.Recommend(rep.Rows, rep.Tolerance), bench.Best(rep.Rows)
	return rep
}

func TestParseSize(t *testing.T) {
	if w, h, err := ParseSize(" 1200X700 "); w != 1200 || h != 700 || err != nil {
		t.Errorf("ParseSize = %d, %d, %v", w, h, err)
	}
	for _, bad := range []string{"", "1200", "x700", "1200x", "12x700", "1200x-5", "99999x700", "axb"} {
		if _, _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

// CheckPNG decodes a PNG and checks its size and that it is not blank: at
// least a few percent of its pixels are not the background, and some are
// the recommended count's colour.
func CheckPNG(t *testing.T, data []byte, width, height int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Fatalf("PNG of %dx%d, want %dx%d", b.Dx(), b.Dy(), width, height)
	}
	drawn, orange := inked(img)
	total := width * height
	if drawn < total/50 || drawn > total*9/10 {
		t.Errorf("%d of %d pixels drawn: blank or flooded", drawn, total)
	}
	if orange == 0 {
		t.Error("no pixel of the recommended colour")
	}
	return img
}

// inked counts the pixels that are not white, and those of the recommended
// colour.
func inked(img image.Image) (drawn, orange int) {
	rgba, ok := img.(*image.RGBA) // what Image and png.Decode of its output give
	if !ok {
		b := img.Bounds()
		rgba = image.NewRGBA(b)
		draw.Draw(rgba, b, img, b.Min, draw.Src)
	}
	for i := 0; i+3 < len(rgba.Pix); i += 4 {
		c := color.RGBA{R: rgba.Pix[i], G: rgba.Pix[i+1], B: rgba.Pix[i+2], A: rgba.Pix[i+3]}
		if c.R < 0xf0 || c.G < 0xf0 || c.B < 0xf0 {
			drawn++
		}
		if c == recommendColor {
			orange++
		}
	}
	return drawn, orange
}

func TestPNGOfRequestedSize(t *testing.T) {
	sizes := [][2]int{{640, 400}, {300, 500}}
	preview := os.Getenv("CHART_PREVIEW") // a file to look at: the default size
	if preview != "" {
		sizes = append(sizes, [2]int{DefaultWidth, DefaultHeight})
	}
	for _, size := range sizes {
		var buf bytes.Buffer
		if err := WritePNG(&buf, report(), size[0], size[1]); err != nil {
			t.Fatal(err)
		}
		CheckPNG(t, buf.Bytes(), size[0], size[1])
		if size[0] == DefaultWidth && preview != "" {
			os.WriteFile(preview, buf.Bytes(), 0o644)
		}
	}
	if err := WritePNG(&bytes.Buffer{}, report(), 50, 50); err == nil {
		t.Error("a 50x50 chart was drawn")
	}
}

func TestWriteFileByExtension(t *testing.T) {
	dir := t.TempDir()
	pngPath, svgPath := filepath.Join(dir, "a.png"), filepath.Join(dir, "sub", "a.SVG")
	if err := WriteFile(pngPath, report(), 400, 250); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	CheckPNG(t, data, 400, 250)
	if err := WriteFile(svgPath, report(), 800, 500); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	// 800×500 pixels at 96 per inch are 600×375 points.
	for _, want := range []string{"<svg", `width="600pt"`, `height="375pt"`, "speed-up", "recommended: 8", "logical cores: 8"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left in the folder: %v", entries)
	}
}

// TestPartialReports: the chart draws before any run and while counts are
// missing, and draws counts that are not on the axis.
func TestPartialReports(t *testing.T) {
	full := report()
	empty := full
	empty.Rows, empty.Runs, empty.Recommended, empty.Best, empty.Complete = nil, nil, 0, 0, false
	some := full
	some.Rows, some.Complete = full.Rows[1:3], false // no one-worker row: no speed-up yet
	odd := full
	odd.Counts = []int{1, 3} // the rows' counts join the axis
	odd.Machine = bench.Machine{PhysicalCores: 6, LogicalCores: 6}
	none := bench.Report{}
	for name, rep := range map[string]bench.Report{"empty": empty, "some": some, "odd": odd, "zero": none} {
		img, err := Image(rep, 300, 200, 0)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if drawn, _ := inked(img); drawn < 300*200/100 {
			t.Errorf("%s: blank (%d pixels drawn)", name, drawn)
		}
	}
}

// twoModes is report() measured with both worker modes: the processes a
// little slower at each count, by 5% and 0.4 s to start.
func twoModes() bench.Report {
	rep := report()
	var runs []bench.Measurement
	for _, m := range rep.Runs {
		runs = append(runs, m)
		p := m
		p.Mode, p.Wall, p.PeakRSS = engine.Processes, m.Wall*21/20+400*time.Millisecond, 60<<20*uint64(m.Workers)
		runs = append(runs, p)
	}
	rep.Modes, rep.Runs = []engine.Isolation{engine.Goroutines, engine.Processes}, runs
	rep.Rows = bench.Summarize(runs)
	rep.Choices = nil
	for _, m := range rep.Modes {
		rows := bench.RowsOf(rep.Rows, m)
		rep.Choices = append(rep.Choices, bench.Choice{Mode: m, Recommended: bench.Recommend(rows, rep.Tolerance), Best: bench.Best(rows)})
	}
	rep.Recommended, rep.Best = rep.Choices[0].Recommended, rep.Choices[0].Best
	return rep
}

// colours counts the pixels of exactly c.
func colours(img image.Image, c color.RGBA) int {
	b := img.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	n := 0
	for i := 0; i+3 < len(rgba.Pix); i += 4 {
		if (color.RGBA{R: rgba.Pix[i], G: rgba.Pix[i+1], B: rgba.Pix[i+2], A: rgba.Pix[i+3]}) == c {
			n++
		}
	}
	return n
}

// TestTwoModes: both worker modes on one chart, as two series: grouped
// bars and two speed-up lines, one colour each, named in the legend; a
// chart of one mode has no second colour.
func TestTwoModes(t *testing.T) {
	rep := twoModes()
	if len(rep.Rows) != 10 || rep.Choice(engine.Processes).Recommended == 0 {
		t.Fatalf("rows %d, choices %+v", len(rep.Rows), rep.Choices)
	}
	preview := os.Getenv("CHART_PREVIEW_MODES") // a file to look at
	for _, size := range [][2]int{{DefaultWidth, DefaultHeight}, {640, 420}} {
		var buf bytes.Buffer
		if err := WritePNG(&buf, rep, size[0], size[1]); err != nil {
			t.Fatal(err)
		}
		img := CheckPNG(t, buf.Bytes(), size[0], size[1])
		blue, red := colours(img, SeriesColor(engine.Goroutines)), colours(img, SeriesColor(engine.Processes))
		// Ten bars of at least a few pixels each, and the lines.
		if blue < 500 || red < 500 {
			t.Errorf("%dx%d: %d pixels of the threads' colour, %d of the processes': want both series", size[0], size[1], blue, red)
		}
		if size[0] == DefaultWidth && preview != "" {
			os.WriteFile(preview, buf.Bytes(), 0o644)
		}
	}
	var svg bytes.Buffer
	if err := WriteSVG(&svg, rep, 1200, 700); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"threads (goroutine workers)", "processes (one per worker)", "threads vs processes",
		"recommended: threads 8, processes ", "speed-up over 1 worker of the same kind", "ideal (linear)"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// One mode: drawn as before, in one colour.
	for _, one := range []bench.Report{report(), rep.Only(engine.Processes)} {
		img, err := Image(one, 640, 420, 0)
		if err != nil {
			t.Fatal(err)
		}
		if colours(img, SeriesColor(engine.Processes)) != 0 || colours(img, SeriesColor(engine.Goroutines)) < 500 {
			t.Errorf("one mode (%v) drawn in two colours", one.ModeList())
		}
	}
	// Partial: only the threads measured so far.
	partial := rep
	partial.Rows, partial.Complete = bench.RowsOf(rep.Rows, engine.Goroutines)[:2], false
	if img, err := Image(partial, 400, 300, 0); err != nil {
		t.Error(err)
	} else if drawn, _ := inked(img); drawn < 400*300/100 {
		t.Error("partial chart blank")
	}
}

// TestBusyMachineChart: a chart of figures taken on a busy machine says so
// in its title, names the usable CPUs of an allocation, and never writes
// "1 workers".
func TestBusyMachineChart(t *testing.T) {
	busy := report()
	busy.Machine.UsableCPUs, busy.Machine.CPULimit = 2, "CPU affinity"
	for i := range busy.Runs {
		busy.Runs[i].Busy, busy.Runs[i].OtherCPUPercent = 0.4, 320
	}
	busy.Rows = bench.Summarize(busy.Runs)
	busy.Recommended = 1 // as a busy machine makes it: 0.96× with two workers
	quiet := report()
	quiet.Recommended = 1
	for name, c := range map[string]struct {
		rep          bench.Report
		want, refuse []string
	}{
		"busy":  {busy, []string{"Busy machine: other programs used up to 40% of the CPUs; figures not trustworthy", "recommended: 1 worker", "2 usable CPUs (CPU affinity), 8 logical / 4 physical cores", "usable CPUs: 2"}, []string{"1 workers"}},
		"quiet": {quiet, []string{"recommended: 1 worker"}, []string{"1 workers", "usy machine", "trustworthy", "usable"}},
	} {
		var svg bytes.Buffer
		if err := WriteSVG(&svg, c.rep, 900, 560); err != nil {
			t.Fatal(err)
		}
		for _, want := range c.want {
			if !strings.Contains(svg.String(), want) {
				t.Errorf("%s: SVG lacks %q", name, want)
			}
		}
		for _, bad := range c.refuse {
			if strings.Contains(svg.String(), bad) {
				t.Errorf("%s: SVG has %q", name, bad)
			}
		}
	}
}
