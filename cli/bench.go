package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/picpool/picpool/bench"
	"github.com/picpool/picpool/chart"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/processing"
)

func init() {
	register("bench", command{summary: "measure what more workers buy on your machine and images", run: benchCmd})
}

// benchFlags are the options of "picpool bench".
type benchFlags struct {
	workers, modes, csv, json, chart, chartSize, tmp string
	repeat, sample                                   int
}

func benchCmd(env *Env, args []string) int {
	fs := flag.NewFlagSet("picpool bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var b benchFlags
	fs.StringVar(&b.workers, "workers", "", "worker `counts` to compare, e.g. 1,2,4,8 (default: 1, 2, 4, … up to twice the CPUs this process may use, plus that count and the physical and logical core counts up to there; 1 is always measured)")
	fs.StringVar(&b.modes, "modes", "goroutine", "worker `modes` to compare: goroutine (workers are goroutines of this process), process (one child process per worker), or both: goroutine,process")
	fs.IntVar(&b.repeat, "repeat", bench.DefaultRepeat, "counted runs per worker mode and count (after one warm-up run per mode)")
	fs.IntVar(&b.sample, "sample", 0, "measure on `K` of the images, evenly spread (0: all)")
	fs.StringVar(&b.csv, "csv", "", "write the figures to this CSV `file`")
	fs.StringVar(&b.json, "json", "", "write the figures, machine and every run to this JSON `file`")
	fs.StringVar(&b.chart, "chart", "", "draw the chart to this `file`: PNG, or SVG when it ends in .svg")
	fs.StringVar(&b.chartSize, "chart-size", fmt.Sprintf("%dx%d", chart.DefaultWidth, chart.DefaultHeight), "the chart's size in `pixels`")
	fs.StringVar(&b.tmp, "tmp", "", "write the runs' outputs under this `folder` (default: the system's temporary folder); they are removed")
	// The processing options of "picpool run" that change the work per image.
	f := runFlags{onExists: string(processing.Skip)}
	fs.StringVar(&f.filters, "filters", "", "filter chain, e.g. `resize=1920x0,sharpen=0.8` (as for run)")
	fs.StringVar(&f.preset, "preset", "", "read the filters and format from a preset JSON `file`; other flags override it")
	f.registerOutput(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, `Usage: picpool bench [options] FILE|FOLDER...

Runs the same batch at each worker count, a warm-up first and then -repeat
counted runs per count in interleaved order, writing real outputs to a
temporary folder that is removed. Prints, per count: median wall time (min–max),
images/s, MP/s, speed-up over 1 worker, efficiency, CPU use, other programs'
CPU use during the runs and peak memory, and the recommended count: the
smallest within 5% of the best throughput. When other programs took more than
10% of the CPUs' time during a count's runs, it says that the figures cannot
be trusted (table, chart, CSV and JSON).
With -modes goroutine,process it measures both kinds of workers, goroutines
and child processes, as two series (their CPU and memory included), with a
recommended count for each and which was faster.

Options:`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := usageFailure(env, "bench")
	if fs.NArg() == 0 {
		return fail("no inputs: give files or folders after the options")
	}
	var counts []int
	if b.workers != "" {
		var err error
		if counts, err = bench.ParseCounts(b.workers); err != nil {
			return fail("-workers: %v", err)
		}
	}
	modes, err := bench.ParseModes(b.modes)
	if err != nil {
		return fail("-modes: %v", err)
	}
	if b.repeat < 1 || b.sample < 0 {
		return fail("-repeat must be 1 or more and -sample 0 or more")
	}
	width, height, err := chart.ParseSize(b.chartSize)
	if err != nil {
		return fail("-chart-size: %v", err)
	}
	if ext := strings.ToLower(filepath.Ext(b.chart)); b.chart != "" && ext != ".png" && ext != ".svg" {
		return fail("-chart %s: the name must end in .png or .svg", b.chart)
	}
	s, err := f.settings(fs)
	if err != nil {
		return fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	batch := engine.Collect(ctx, fs.Args(), "")
	for _, sk := range batch.Skipped {
		fmt.Fprintf(env.Stderr, "skip   %s: %s\n", sk.Path, sk.Reason)
	}
	if len(batch.Sources) == 0 {
		if ctx.Err() != nil {
			return ExitCanceled
		}
		return fail("no image files found in the inputs")
	}

	events := make(chan bench.Event)
	bn, err := bench.Start(ctx, batch, bench.Config{
		Counts: counts, Modes: modes, Repeat: b.repeat, Sample: b.sample, Settings: s, TempDir: b.tmp,
		OnRun: func(ev bench.Event) { events <- ev },
	})
	if err != nil {
		return fail("%v", err)
	}
	rep, err := followBench(env, bn, events)
	if err != nil {
		if len(rep.Rows) > 0 {
			fmt.Fprintln(env.Stderr, "canceled: the figures so far:")
			bench.WriteTable(env.Stdout, rep)
		}
		if errors.Is(err, context.Canceled) {
			return ExitCanceled
		}
		fmt.Fprintf(env.Stderr, "picpool bench: %v\n", err)
		return ExitFailures
	}
	if err := bench.WriteTable(env.Stdout, rep); err != nil {
		return ExitFailures
	}
	status := ExitOK
	write := func(path, what string, w func(io.Writer) error) {
		if path == "" {
			return
		}
		if err := bench.WriteFile(path, w); err != nil {
			fmt.Fprintf(env.Stderr, "picpool bench: cannot write the %s: %v\n", what, err)
			status = ExitFailures
			return
		}
		fmt.Fprintf(env.Stderr, "wrote  %s\n", path)
	}
	write(b.csv, "CSV", func(w io.Writer) error { return bench.WriteCSV(w, rep) })
	write(b.json, "JSON", func(w io.Writer) error { return bench.WriteJSON(w, rep) })
	if b.chart != "" {
		if err := chart.WriteFile(b.chart, rep, width, height); err != nil {
			fmt.Fprintf(env.Stderr, "picpool bench: cannot write the chart: %v\n", err)
			status = ExitFailures
		} else {
			fmt.Fprintf(env.Stderr, "wrote  %s\n", b.chart)
		}
	}
	for _, row := range rep.Rows {
		if row.Failed > 0 {
			fmt.Fprintf(env.Stderr, "warning: %d of %d images failed in some runs; the figures count only the images processed\n", row.Failed, rep.Images)
			status = ExitFailures
			break
		}
	}
	return status
}

// followBench prints one line per run as the benchmark goes (and, on a
// terminal, the run in progress) and returns its report.
func followBench(env *Env, bn *bench.Bench, events <-chan bench.Event) (bench.Report, error) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	drawn := false
	erase := func() {
		if drawn {
			fmt.Fprint(env.Stderr, "\r\033[K")
			drawn = false
		}
	}
	p := bn.Progress()
	warmups := "the first one a warm-up"
	if p.Warmups > 1 {
		warmups = fmt.Sprintf("the first %d warm-ups, one per mode", p.Warmups)
	}
	fmt.Fprintf(env.Stderr, "measuring %s, %d runs (%s)\n", plural(p.Images, "image", "images"), p.Runs, warmups)
	mode := func(m engine.Isolation) string { // shown when both modes are measured
		if p.Warmups < 2 {
			return ""
		}
		return fmt.Sprintf("%-9s  ", bench.ModeShort(m))
	}
	for {
		select {
		case ev := <-events:
			erase()
			m := ev.Run
			if ev.Warmup {
				fmt.Fprintf(env.Stderr, "warm-up   %sworkers %3d  %7.2f s  (not counted)\n", mode(m.Mode), m.Workers, m.Wall.Seconds())
				for _, x := range ev.Report.Excluded {
					fmt.Fprintf(env.Stderr, "left out %s: it failed (%s)\n", x.Path, x.Error)
				}
				continue
			}
			ips := 0.0
			if m.Wall > 0 {
				ips = float64(m.Done) / m.Wall.Seconds()
			}
			others := ""
			switch m.LoadState() {
			case bench.LoadMeasured:
				others = fmt.Sprintf("  other programs %4.0f%%", m.OtherCPUPercent)
			case bench.LoadTooShort: // the row sums its runs, and the report the whole benchmark
				others = "  other programs: too short to tell in one run"
			}
			fmt.Fprintf(env.Stderr, "run %2d/%d  %sworkers %3d  %7.2f s  %6.2f images/s  CPU %4.0f%%%s\n",
				ev.Index-ev.Warmups+1, ev.Total-ev.Warmups, mode(m.Mode), m.Workers, m.Wall.Seconds(), ips, m.CPUPercent, others)
		case <-tick.C:
			if !env.Interactive {
				continue
			}
			p := bn.Progress()
			if p.Workers == 0 {
				continue
			}
			what := fmt.Sprintf("run %d/%d", p.RunsDone-p.Warmups+1, p.Runs-p.Warmups)
			if p.Warmup {
				what = "warm-up"
			}
			fmt.Fprintf(env.Stderr, "\r\033[K%s  %sworkers %d  %d/%d images", what, mode(p.Mode), p.Workers, p.ImagesDone, p.Images)
			drawn = true
		case <-bn.Done():
			erase()
			return bn.Wait()
		}
	}
}

// plural writes "1 image", "2 images".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
