package bench

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/processing"
)

const s = time.Second

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestDefaultCounts(t *testing.T) {
	for _, tc := range []struct {
		physical, logical, usable int
		want                      []int
	}{
		{2, 2, 2, []int{1, 2, 4}},
		{1, 2, 2, []int{1, 2, 4}},
		{1, 1, 1, []int{1, 2}},
		{6, 12, 12, []int{1, 2, 4, 6, 8, 12, 16, 24}},
		{8, 16, 16, []int{1, 2, 4, 8, 16, 32}},
		{3, 3, 3, []int{1, 2, 3, 4, 6}},
		{0, 4, 4, []int{1, 2, 4, 8}}, // physical unknown
		{0, 4, 0, []int{1, 2, 4, 8}}, // usable unknown: the logical cores
		// In an allocation: up to twice the usable CPUs, and the core
		// counts only where they are not above that.
		{2, 2, 1, []int{1, 2}},
		{32, 64, 4, []int{1, 2, 4, 8}},
		{4, 8, 3, []int{1, 2, 3, 4, 6}},
	} {
		if got := DefaultCounts(tc.physical, tc.logical, tc.usable); !slices.Equal(got, tc.want) {
			t.Errorf("DefaultCounts(%d, %d, %d) = %v, want %v", tc.physical, tc.logical, tc.usable, got, tc.want)
		}
	}
}

func TestParseCounts(t *testing.T) {
	got, err := ParseCounts(" 4, 2,2 ,8,")
	if err != nil || !slices.Equal(got, []int{1, 2, 4, 8}) {
		t.Errorf("ParseCounts = %v, %v; want [1 2 4 8] (sorted, 1 added)", got, err)
	}
	for _, bad := range []string{"", ",", "0", "-1", "two", "1,2.5", "100000"} {
		if _, err := ParseCounts(bad); err == nil {
			t.Errorf("ParseCounts(%q) accepted", bad)
		}
	}
}

func TestPlanInterleaves(t *testing.T) {
	got := Plan([]int{1, 2, 4}, 3)
	want := []int{1, 2, 4, 4, 2, 1, 1, 2, 4}
	if !slices.Equal(got, want) {
		t.Errorf("Plan = %v, want %v", got, want)
	}
	if WarmupCount([]int{1, 2, 4}, 2) != 2 || WarmupCount([]int{1, 8}, 4) != 1 || WarmupCount([]int{1, 2, 4, 8}, 16) != 8 {
		t.Error("WarmupCount: want the largest count within the logical cores")
	}
}

func TestSampleSpreads(t *testing.T) {
	var src []processing.Source
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		src = append(src, processing.Source{Path: n})
	}
	names := func(ss []processing.Source) string {
		var b strings.Builder
		for _, x := range ss {
			b.WriteString(x.Path)
		}
		return b.String()
	}
	for k, want := range map[int]string{0: "abcdefgh", 8: "abcdefgh", 20: "abcdefgh", 4: "aceg", 3: "acf", 1: "a"} {
		if got := names(Sample(src, k)); got != want {
			t.Errorf("Sample(8 sources, %d) = %s, want %s", k, got, want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5 * s}, 5 * s},
		{[]time.Duration{9 * s, 1 * s, 5 * s}, 5 * s},
		{[]time.Duration{4 * s, 1 * s, 2 * s, 3 * s}, 2500 * time.Millisecond},
	} {
		if got := Median(tc.in); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestSummarizeLiteral: 8 images of 2 MP; 1 worker takes 8 s, 2 workers 4.4 s,
// 4 workers 4.2 s (medians), on a 2-core machine.
func TestSummarizeLiteral(t *testing.T) {
	m := func(w int, wall time.Duration, cpu float64, rss uint64) Measurement {
		return Measurement{Workers: w, Wall: wall, CPUPercent: cpu, PeakRSS: rss, Done: 8, Megapixels: 16}
	}
	runs := []Measurement{
		m(1, 8*s, 99, 100), m(2, 4400*time.Millisecond, 190, 150), m(4, 4200*time.Millisecond, 196, 260),
		m(4, 4300*time.Millisecond, 194, 250), m(2, 4500*time.Millisecond, 188, 160), m(1, 8200*time.Millisecond, 100, 110),
		m(1, 7900*time.Millisecond, 101, 105), m(2, 4300*time.Millisecond, 192, 155), m(4, 4100*time.Millisecond, 198, 255),
	}
	rows := Summarize(runs)
	if len(rows) != 3 || rows[0].Workers != 1 || rows[1].Workers != 2 || rows[2].Workers != 4 {
		t.Fatalf("rows %+v", rows)
	}
	one, two, four := rows[0], rows[1], rows[2]
	if one.Wall != 8*s || one.WallMin != 7900*time.Millisecond || one.WallMax != 8200*time.Millisecond || one.Runs != 3 {
		t.Errorf("1 worker: median %v min %v max %v runs %d", one.Wall, one.WallMin, one.WallMax, one.Runs)
	}
	if !near(one.ImagesPerSec, 1) || !near(one.MPPerSec, 2) || !near(one.SpeedUp, 1) || !near(one.Efficiency, 1) {
		t.Errorf("1 worker: %v images/s %v MP/s speed-up %v efficiency %v", one.ImagesPerSec, one.MPPerSec, one.SpeedUp, one.Efficiency)
	}
	if !near(one.CPUPercent, 100) || one.PeakRSS != 110 {
		t.Errorf("1 worker: CPU %v%% (want the mean, 100), peak %d (want the highest, 110)", one.CPUPercent, one.PeakRSS)
	}
	if two.Wall != 4400*time.Millisecond || !near(two.SpeedUp, 8/4.4) || !near(two.Efficiency, 8/4.4/2) {
		t.Errorf("2 workers: median %v speed-up %v efficiency %v", two.Wall, two.SpeedUp, two.Efficiency)
	}
	if four.Wall != 4200*time.Millisecond || !near(four.SpeedUp, 8/4.2) || !near(four.Efficiency, 8/4.2/4) {
		t.Errorf("4 workers: median %v speed-up %v efficiency %v", four.Wall, four.SpeedUp, four.Efficiency)
	}
	// 4 workers are best (1.905 images/s); 2 workers (1.818) are within 5%
	// of that, so 2 is recommended.
	if Best(rows) != 4 || Recommend(rows, 0.05) != 2 {
		t.Errorf("best %d recommended %d, want 4 and 2", Best(rows), Recommend(rows, 0.05))
	}
	// With a 1% tolerance only the best itself qualifies.
	if Recommend(rows, 0.01) != 4 {
		t.Errorf("recommended at 1%% = %d, want 4", Recommend(rows, 0.01))
	}

	rep := Report{Images: 8, Counts: []int{1, 2, 4}, Tolerance: 0.05, Runs: runs}
	rep.update()
	v := rep.Verdict()
	for _, want := range []string{"Recommended: 2 workers", "within 5% of the best", "1.82× as fast", "efficiency 91%", "beyond 2 gains at most +5%"} {
		if !strings.Contains(v, want) {
			t.Errorf("verdict %q lacks %q", v, want)
		}
	}
}

func TestSummarizeEdgeCases(t *testing.T) {
	// No one-worker runs yet: no speed-up rather than a made-up one.
	rows := Summarize([]Measurement{{Workers: 2, Wall: 2 * s, Done: 4, Megapixels: 8}})
	if len(rows) != 1 || rows[0].SpeedUp != 0 || rows[0].Efficiency != 0 || !near(rows[0].ImagesPerSec, 2) {
		t.Errorf("rows %+v", rows)
	}
	// Runs that processed different numbers of images report the fewest,
	// and the most failures.
	rows = Summarize([]Measurement{
		{Workers: 1, Wall: 4 * s, Done: 4, Megapixels: 8},
		{Workers: 1, Wall: 4 * s, Done: 3, Failed: 1, Megapixels: 6},
	})
	if rows[0].Images != 3 || rows[0].Failed != 1 || !near(rows[0].Megapixels, 6) || !near(rows[0].ImagesPerSec, 0.75) {
		t.Errorf("row %+v", rows[0])
	}
	// Nothing measured: nothing recommended.
	if Recommend(nil, 0.05) != 0 || Best(nil) != 0 {
		t.Error("a recommendation without figures")
	}
	if v := (Report{}).Verdict(); v != "No figures yet." {
		t.Errorf("empty verdict %q", v)
	}
	// A one-worker run that got 40% of a core: the machine was busy.
	busy := Report{Tolerance: 0.05, Runs: []Measurement{{Workers: 1, Wall: 4 * s, Done: 4, CPUPercent: 40}}}
	busy.update()
	if share, ok := busy.Contended(); !ok || share != 40 || !strings.Contains(busy.Warning(), "one worker got only 40% of a core") || !busy.Untrusted() {
		t.Errorf("contended %v %v, warning %q", share, ok, busy.Warning())
	}
	// Throughput still rising at the largest count: say so.
	rep := Report{Tolerance: 0.05, Counts: []int{1, 2}, Runs: []Measurement{
		{Workers: 1, Wall: 4 * s, Done: 4}, {Workers: 2, Wall: 2 * s, Done: 4},
	}}
	rep.update()
	if rep.Recommended != 2 || !strings.Contains(rep.Verdict(), "largest count measured") {
		t.Errorf("recommended %d, verdict %q", rep.Recommended, rep.Verdict())
	}
	// ... unless that count is beyond the usable CPUs (the logical cores
	// where those are not known): then more cores are not what helped.
	rep.Machine.LogicalCores = 1
	if v := rep.Verdict(); strings.Contains(v, "might still help") || !strings.Contains(v, "more workers than the 1 usable CPU:") {
		t.Errorf("verdict %q", v)
	}
	rep.Machine.LogicalCores, rep.Machine.UsableCPUs = 8, 1 // e.g. taskset -c 0 on 8 cores
	if v := rep.Verdict(); strings.Contains(v, "might still help") || !strings.Contains(v, "more workers than the 1 usable CPU:") {
		t.Errorf("verdict %q", v)
	}
}

func TestProgressFraction(t *testing.T) {
	p := Progress{RunsDone: 2, Runs: 5, Images: 4, ImagesDone: 2}
	if !near(p.Fraction(), 10.0/20) {
		t.Errorf("fraction %v", p.Fraction())
	}
	if (Progress{}).Fraction() != 0 || (Progress{RunsDone: 5, Runs: 5, Images: 4, ImagesDone: 4}).Fraction() != 1 {
		t.Error("fraction out of 0..1")
	}
}

func TestModes(t *testing.T) {
	g, p := engine.Goroutines, engine.Processes
	for in, want := range map[string][]engine.Isolation{
		"goroutine": {g}, "process,goroutine": {g, p}, " processes , threads ,process": {g, p}, "both": {g, p}, "PROCESS": {p},
	} {
		if got, err := ParseModes(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseModes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ",", "fork", "goroutine,vm"} {
		if _, err := ParseModes(bad); err == nil {
			t.Errorf("ParseModes(%q) accepted", bad)
		}
	}
	if got := normalizeModes(nil); !slices.Equal(got, DefaultModes) {
		t.Errorf("no modes: %v", got)
	}
	// Both modes side by side at each count, alternately ascending and
	// descending, so that neither always runs first.
	got := PlanModes([]engine.Isolation{g, p}, []int{1, 2}, 3)
	want := []Slot{{g, 1}, {p, 1}, {g, 2}, {p, 2}, {p, 2}, {g, 2}, {p, 1}, {g, 1}, {g, 1}, {p, 1}, {g, 2}, {p, 2}}
	if !slices.Equal(got, want) {
		t.Errorf("PlanModes = %v, want %v", got, want)
	}
	var counts []int
	for _, s := range PlanModes([]engine.Isolation{g}, []int{1, 2, 4}, 3) {
		counts = append(counts, s.Workers)
	}
	if !slices.Equal(counts, Plan([]int{1, 2, 4}, 3)) {
		t.Errorf("one mode: %v, want Plan's order", counts)
	}
	if ModeName(g) != "threads (goroutine workers)" || ModeName(p) != "processes (one per worker)" || ModeName("") != ModeName(g) {
		t.Error("mode names")
	}
}

// TestSummarizeModes: 8 images of 2 MP on 2 cores. Goroutine workers take
// 8 s with 1 worker, 4.2 s with 2; worker processes 8.4 s and 4.6 s. Each
// mode's speed-up is over its own one-worker run.
func TestSummarizeModes(t *testing.T) {
	g, p := engine.Goroutines, engine.Processes
	m := func(mode engine.Isolation, w int, wall time.Duration, rss uint64) Measurement {
		return Measurement{Mode: mode, Workers: w, Wall: wall, CPUPercent: 95 * float64(w), PeakRSS: rss, Done: 8, Megapixels: 16}
	}
	rep := Report{Images: 8, Modes: []engine.Isolation{g, p}, Counts: []int{1, 2}, Tolerance: 0.05, Machine: Machine{LogicalCores: 2, PhysicalCores: 2},
		Runs: []Measurement{m(p, 1, 8400*time.Millisecond, 150), m(g, 1, 8*s, 100), m(g, 2, 4200*time.Millisecond, 140), m(p, 2, 4600*time.Millisecond, 230)}}
	rep.update()
	if len(rep.Rows) != 4 {
		t.Fatalf("rows %+v", rep.Rows)
	}
	for i, want := range []Slot{{g, 1}, {g, 2}, {p, 1}, {p, 2}} {
		if r := rep.Rows[i]; r.Mode != want.Mode || r.Workers != want.Workers {
			t.Errorf("row %d: %s %d, want %v", i, r.Mode, r.Workers, want)
		}
	}
	gr, pr := RowsOf(rep.Rows, g), RowsOf(rep.Rows, p)
	if !near(gr[0].SpeedUp, 1) || !near(pr[0].SpeedUp, 1) || !near(gr[1].SpeedUp, 8/4.2) || !near(pr[1].SpeedUp, 8.4/4.6) || !near(pr[1].Efficiency, 8.4/4.6/2) {
		t.Errorf("speed-ups: threads %v %v, processes %v %v", gr[0].SpeedUp, gr[1].SpeedUp, pr[0].SpeedUp, pr[1].SpeedUp)
	}
	if rep.Recommended != 2 || rep.Choice(p).Recommended != 2 || rep.Choice(p).Best != 2 || len(rep.Choices) != 2 {
		t.Errorf("recommended %d, choices %+v", rep.Recommended, rep.Choices)
	}
	c, ok := rep.Compare()
	if !ok || c.Faster.Mode != g || c.Slower.Mode != p || !near(c.Ratio, 4.6/4.2) || c.Within {
		t.Errorf("compare %+v %v", c, ok)
	}
	v := rep.Verdict()
	for _, want := range []string{"Threads (goroutine workers), recommended: 2 workers", "Processes (one per worker), recommended: 2 workers",
		"threads (goroutine workers) were 1.10× as fast as processes (one per worker)", "peak memory 0 MB against 0 MB"} {
		if !strings.Contains(v, want) {
			t.Errorf("verdict %q lacks %q", v, want)
		}
	}
	only := rep.Only(p)
	if len(only.Rows) != 2 || len(only.Runs) != 2 || only.Recommended != 2 || !slices.Equal(only.ModeList(), []engine.Isolation{p}) {
		t.Errorf("Only(process): %+v", only)
	}
	if strings.Contains(only.Verdict(), "Threads") || !strings.HasPrefix(only.Verdict(), "Recommended: 2 workers") {
		t.Errorf("one mode's verdict %q", only.Verdict())
	}
	// A report of one mode reads as before: no mode in the verdict.
	single := Report{Tolerance: 0.05, Runs: []Measurement{m(g, 1, 8*s, 1), m(g, 2, 4*s, 1)}}
	single.update()
	if !slices.Equal(single.ModeList(), []engine.Isolation{g}) || !strings.HasPrefix(single.Verdict(), "Recommended: 2 workers") {
		t.Errorf("single mode: %v %q", single.ModeList(), single.Verdict())
	}
}
