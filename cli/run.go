package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

func init() {
	register("run", command{summary: "process files and folders into an output folder", run: runCmd})
}

// runFlags are the options of "picpool run" (and, in part, "bench").
type runFlags struct {
	out, filters, preset, format, onExists, pngLevel, prefix, suffix, report, metadata, color string
	quality, workers, avifSpeed                                                               int
	maxPixels                                                                                 int64
	flat, allowOverwrite, quiet, keepDates, lossless, allFrames                               bool
	// Isolation, memory and resume (see worker.go); "" where a command
	// does not offer them: goroutines, no budget, no limits.
	isolation, memoryBudget, workerMemory string
	timeout                               time.Duration
	resume, keepJournal                   bool
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "out", "", "output `folder` (required)")
	fs.StringVar(&f.filters, "filters", "", "filter chain, e.g. `resize=1920x0,sharpen=0.8` (see the README's grammar)")
	fs.StringVar(&f.preset, "preset", "", "read settings from a preset JSON `file`; other flags override it")
	f.registerOutput(fs)
	fs.IntVar(&f.workers, "workers", 0, "parallel workers (0: one per CPU this process may use: affinity, cgroup quota, SLURM_CPUS_PER_TASK)")
	fs.StringVar(&f.onExists, "on-exists", "skip", "when an output exists: skip, overwrite or rename")
	fs.StringVar(&f.color, "color", "srgb", "images with a colour profile: srgb (convert to sRGB, tag the output sRGB) or keep (pixels and profile as they are)")
	fs.StringVar(&f.prefix, "prefix", "", "add this before each output name")
	fs.StringVar(&f.suffix, "suffix", "", "add this after each output name, before the extension")
	fs.BoolVar(&f.flat, "flat", false, "write every output directly in the output folder (default: keep sub-folders)")
	fs.StringVar(&f.metadata, "metadata", string(processing.KeepNoLocation), "metadata outputs keep: all, no-location (all but GPS) or none (the colour profile stays when the pixels need it); GIF and BMP hold none")
	fs.BoolVar(&f.keepDates, "keep-dates", false, "give each output its source's modification time")
	fs.StringVar(&f.report, "report", "", "write a JSON report to this `file`: one record per input")
	fs.BoolVar(&f.allowOverwrite, "allow-overwrite-sources", false, "allow outputs to replace their own sources (with -on-exists overwrite)")
	fs.BoolVar(&f.quiet, "quiet", false, "print only failures and the summary")
	f.registerIsolation(fs)
}

// registerOutput registers the options that decide the work per image
// (run and bench share them).
func (f *runFlags) registerOutput(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "same", "output format: same, jpeg, png, webp, avif, gif, tiff, bmp (same writes HEIC as JPEG)")
	fs.IntVar(&f.quality, "quality", 0, fmt.Sprintf("quality 1..100 of JPEG, WebP and AVIF (0: the format's default: %d, %d, %d)",
		codec.DefaultJPEGQuality, codec.DefaultWebPQuality, codec.DefaultAVIFQuality))
	fs.StringVar(&f.pngLevel, "png-compression", "default", "PNG compression: default, fast, best, none")
	fs.BoolVar(&f.lossless, "lossless", false, "write WebP and AVIF losslessly")
	fs.IntVar(&f.avifSpeed, "avif-speed", 0, fmt.Sprintf("AVIF encoder speed 1 (slowest, smallest) .. 10 (0: %d)", codec.DefaultAVIFSpeed))
	fs.BoolVar(&f.allFrames, "all-frames", false, "keep every frame of animated GIF and WebP when the output format can animate (GIF, WebP; default: the first frame)")
	fs.Int64Var(&f.maxPixels, "max-pixels", codec.DefaultMaxPixels, "refuse images with more pixels than this (-1: no limit)")
}

// settings merges the preset (if any) with the flags that were set.
func (f *runFlags) settings(fs *flag.FlagSet) (engine.Settings, error) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	p := processing.Preset{Format: f.format, Quality: f.quality, PNGLevel: f.pngLevel, Lossless: f.lossless, Speed: f.avifSpeed,
		AllFrames: f.allFrames, MaxPixels: f.maxPixels, OnExists: processing.OnExists(f.onExists), Prefix: f.prefix, Suffix: f.suffix, Flat: f.flat,
		Metadata: f.metadata, KeepDates: f.keepDates, Color: f.color}
	if f.preset != "" {
		loaded, err := processing.LoadPreset(f.preset)
		if err != nil {
			return engine.Settings{}, err
		}
		override := func(name string, apply func()) {
			if set[name] {
				apply()
			}
		}
		override("format", func() { loaded.Format = f.format })
		override("quality", func() { loaded.Quality = f.quality })
		override("png-compression", func() { loaded.PNGLevel = f.pngLevel })
		override("lossless", func() { loaded.Lossless = f.lossless })
		override("avif-speed", func() { loaded.Speed = f.avifSpeed })
		override("all-frames", func() { loaded.AllFrames = f.allFrames })
		override("max-pixels", func() { loaded.MaxPixels = f.maxPixels })
		override("on-exists", func() { loaded.OnExists = processing.OnExists(f.onExists) })
		override("prefix", func() { loaded.Prefix = f.prefix })
		override("suffix", func() { loaded.Suffix = f.suffix })
		override("flat", func() { loaded.Flat = f.flat })
		override("color", func() { loaded.Color = f.color })
		override("metadata", func() { loaded.Metadata = f.metadata })
		override("keep-dates", func() { loaded.KeepDates = f.keepDates })
		p = loaded
	}
	if set["filters"] || f.preset == "" {
		chain, err := processing.ParseChain(f.filters)
		if err != nil {
			return engine.Settings{}, fmt.Errorf("-filters: %w", err)
		}
		p.Filters = chain
	}
	if err := p.Validate(); err != nil {
		return engine.Settings{}, err
	}
	if f.workers < 0 {
		return engine.Settings{}, fmt.Errorf("-workers %d: must be 0 (one per usable CPU) or more", f.workers)
	}
	if f.maxPixels == 0 {
		return engine.Settings{}, errors.New("-max-pixels 0: use -1 for no limit")
	}
	iso, err := f.isolationSettings()
	if err != nil {
		return engine.Settings{}, err
	}
	return engine.Settings{
		Processing:           p.Settings(f.out),
		Workers:              f.workers,
		AllowSourceOverwrite: f.allowOverwrite,
		MemoryBudget:         iso.MemoryBudget,
		Isolation:            iso.Isolation,
		Timeout:              iso.Timeout,
		WorkerMemory:         iso.WorkerMemory,
	}, nil
}

func runCmd(env *Env, args []string) int {
	fs := flag.NewFlagSet("picpool run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f runFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: picpool run -out FOLDER [options] FILE|FOLDER...\n\nOptions:")
		fs.PrintDefaults()
		fmt.Fprintln(env.Stderr, "\nExit status: 0 all done or skipped, 1 some inputs failed, 2 bad usage, 130 interrupted.")
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := usageFailure(env, "run")
	if f.out == "" {
		return fail("-out FOLDER is required")
	}
	if fs.NArg() == 0 {
		return fail("no inputs: give files or folders after the options")
	}
	s, err := f.settings(fs)
	if err != nil {
		return fail("%v", err)
	}
	s.Journal, s.Resume, s.KeepJournal = true, f.resume, f.keepJournal // every run can be resumed
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	batch := engine.Collect(ctx, fs.Args(), f.out)
	for _, sk := range batch.Skipped {
		fmt.Fprintf(env.Stderr, "skip   %s: %s\n", sk.Path, sk.Reason)
	}
	if len(batch.Sources) == 0 {
		if ctx.Err() != nil {
			return ExitCanceled
		}
		return fail("no image files found in the inputs")
	}
	run, err := engine.Start(ctx, batch, s)
	if err != nil {
		return fail("%v", err)
	}
	if !f.quiet {
		fmt.Fprintln(env.Stderr, startLine(len(batch.Sources), run.Workers(), pool.UsableCPUs()))
	}
	sum, records := watch(env, run, f.quiet)
	printSummary(env.Stderr, sum, len(batch.Skipped))
	printResume(env.Stderr, sum, f.keepJournal)
	if f.report != "" {
		if err := writeReport(f.report, batch, sum, records); err != nil {
			fmt.Fprintf(env.Stderr, "picpool run: cannot write the report: %v\n", err)
		}
	}
	switch {
	case sum.Interrupted:
		printCanceled(env.Stderr, sum)
		return ExitCanceled
	case sum.Failed > 0:
		return ExitFailures
	}
	return ExitOK
}

// startLine says what a run starts with: "18 inputs, 1 worker (1 usable CPU
// of 2 logical cores: CPU affinity)".
func startLine(inputs, workers int, cpus pool.CPUs) string {
	s := fmt.Sprintf("start  %s, %s", plural(inputs, "input", "inputs"), plural(workers, "worker", "workers"))
	if cpus.Limited() {
		return s + fmt.Sprintf(" (%s of %s: %s)", plural(cpus.N, "usable CPU", "usable CPUs"), plural(cpus.Logical, "logical core", "logical cores"), cpus.Reason())
	}
	return s + fmt.Sprintf(" (%s)", plural(cpus.Logical, "logical core", "logical cores"))
}

// watch shows progress until the run ends, printing each failure as it
// happens, and returns the summary and every record.
func watch(env *Env, run *engine.Run, quiet bool) (engine.Summary, []engine.Record) {
	var records []engine.Record
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	lastPlain := time.Now()
	drawn := false
	flush := func() {
		for _, r := range run.Records(len(records)) {
			records = append(records, r)
			if r.Status != "failed" && len(r.Warnings) == 0 {
				continue
			}
			if drawn {
				fmt.Fprint(env.Stderr, "\r\033[K")
				drawn = false
			}
			if r.Status == "failed" {
				fmt.Fprintf(env.Stderr, "FAIL   %s: %s\n", r.Input, r.Error)
			}
			for _, w := range r.Warnings {
				fmt.Fprintf(env.Stderr, "WARN   %s: %s\n", r.Input, w)
			}
		}
	}
	for {
		select {
		case <-run.Done():
			flush()
			if drawn {
				fmt.Fprint(env.Stderr, "\r\033[K")
			}
			return run.Wait(), records
		case <-tick.C:
			flush()
			if quiet {
				continue
			}
			t := run.Snapshot().Totals
			if env.Interactive {
				fmt.Fprint(env.Stderr, "\r\033[K"+progressLine(t.Finished(), t.Total, t.PerSecond, t.ETA, true))
				drawn = true
			} else if time.Since(lastPlain) >= 5*time.Second {
				fmt.Fprintln(env.Stderr, progressLine(t.Finished(), t.Total, t.PerSecond, t.ETA, false))
				lastPlain = time.Now()
			}
		}
	}
}

func progressLine(done, total int, perSec float64, eta time.Duration, bar bool) string {
	const width = 30
	s := ""
	if bar && total > 0 {
		n := done * width / total
		s = "[" + repeat('#', n) + repeat('.', width-n) + "] "
	}
	s += fmt.Sprintf("%d/%d  %.2f images/s", done, total, perSec)
	if eta > 0 {
		s += "  ETA " + eta.Round(time.Second).String()
	}
	return s
}

func repeat(c byte, n int) string {
	b := make([]byte, max(n, 0))
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func printSummary(w io.Writer, s engine.Summary, ignored int) {
	mps := 0.0
	if s.Wall > 0 {
		mps = s.Megapixels / s.Wall.Seconds()
	}
	fmt.Fprintf(w, "processed %d, skipped %d, failed %d", s.Done, s.Skipped, s.Failed)
	if s.Canceled > 0 {
		fmt.Fprintf(w, ", not processed %d", s.Canceled)
	}
	fmt.Fprintf(w, " of %d in %s (%.2f images/s, %.1f MP/s)", s.Total, s.Wall.Round(time.Millisecond), s.PerSecond(), mps)
	if ignored > 0 {
		fmt.Fprintf(w, "; %d other files ignored", ignored)
	}
	if s.WithWarnings > 0 {
		fmt.Fprintf(w, "; %d with warnings", s.WithWarnings)
	}
	fmt.Fprintln(w)
}

// report is the JSON written by -report.
type report struct {
	Summary struct {
		Total      int     `json:"total"`
		Done       int     `json:"done"`
		Skipped    int     `json:"skipped"`
		Failed     int     `json:"failed"`
		Canceled   int     `json:"canceled"`
		Ignored    int     `json:"ignored"` // not images, unreadable, links to nowhere: see their records
		Warned     int     `json:"with_warnings"`
		WallMS     float64 `json:"wall_ms"`
		PerSecond  float64 `json:"images_per_second"`
		Megapixels float64 `json:"megapixels"`
		BytesIn    int64   `json:"bytes_in"`
		BytesOut   int64   `json:"bytes_out"`
	} `json:"summary"`
	Records []engine.Record `json:"records"`
}

func writeReport(path string, b engine.Batch, s engine.Summary, records []engine.Record) error {
	var r report
	r.Summary.Total, r.Summary.Done, r.Summary.Skipped, r.Summary.Failed, r.Summary.Canceled = s.Total, s.Done, s.Skipped, s.Failed, s.Canceled
	r.Summary.Ignored, r.Summary.Warned = len(b.Skipped), s.WithWarnings
	r.Summary.WallMS, r.Summary.PerSecond, r.Summary.Megapixels = float64(s.Wall.Microseconds())/1000, s.PerSecond(), s.Megapixels
	r.Summary.BytesIn, r.Summary.BytesOut = s.BytesIn, s.BytesOut
	for _, sk := range b.Skipped {
		r.Records = append(r.Records, engine.Record{Input: sk.Path, Status: "ignored", Error: sk.Reason, Reason: "not an input", Worker: -1})
	}
	r.Records = append(r.Records, records...)
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
