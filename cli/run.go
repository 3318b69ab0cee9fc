package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
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
	name, maxSize, tooBig                                                                     string
	quality, workers, minQuality, avifSpeed                                                   int
	maxPixels                                                                                 int64
	flat, allowOverwrite, quiet, onlyIfSmaller, keepDates, lossless, allFrames, avifOneFrame  bool
	outputs                                                                                   outputFlags
	// Isolation, memory and resume (see worker.go); "" where a command
	// does not offer them: goroutines, no budget, no limits.
	isolation, memoryBudget, workerMemory string
	timeout                               time.Duration
	resume, keepJournal                   bool
	// Sharded runs (see shardrun.go); base is a plan's settings, which
	// the flags given must agree with.
	shardFlags
	base *processing.Preset
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
	fs.StringVar(&f.name, "name", "{name}", "name `template`: {name} {ext} {folder} {n:04} {date:2006-01-02} {year} {width} {height} {camera} {lens} {artist} {copyright}")
	fs.StringVar(&f.maxSize, "max-size", "", "size target, e.g. `300KB`: the quality is searched down to -min-quality, then the image scaled down (see -too-big)")
	fs.IntVar(&f.minQuality, "min-quality", processing.DefaultMinQuality, "the lowest quality -max-size may choose")
	fs.StringVar(&f.tooBig, "too-big", "scale", "when -max-size is not reached at -min-quality: scale (down until it fits) or fail")
	fs.BoolVar(&f.onlyIfSmaller, "only-if-smaller", false, "write the source's bytes when an output in its format and size would not be smaller")
	fs.Var(&f.outputs, "output", "add an output: `SPEC` is key=value pairs separated by ;, e.g. 'dir=thumbs;filters=resize=256x256:mode=fill;name={name}_t' (keys: "+strings.Join(specKeys(), ", ")+"); -filters is then the chain they share, the other flags their defaults")
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
	fs.BoolVar(&f.avifOneFrame, "avif-one-frame", false, "write AVIFs over 4 MP as one frame, not a grid of cells: for viewers that do not read grids (Firefox, as of 2024); the encoder then needs about 190 MB more a worker for 12 MP")
	fs.BoolVar(&f.allFrames, "all-frames", false, "keep every frame of animated GIF and WebP when the output format can animate (GIF, WebP; default: the first frame)")
	fs.Int64Var(&f.maxPixels, "max-pixels", codec.DefaultMaxPixels, "refuse images with more pixels than this (-1: no limit)")
}

// outputFlags collects -output, one output each.
type outputFlags []processing.OutputPreset

func (o *outputFlags) String() string { return "" }

func (o *outputFlags) Set(spec string) error {
	out, err := processing.ParseOutputSpec(spec)
	if err != nil {
		return fmt.Errorf("output %d: %w", len(*o)+1, err)
	}
	*o = append(*o, out)
	return nil
}

func specKeys() []string {
	keys := make([]string, 0, len(processing.OutputSpecKeys))
	for k := range processing.OutputSpecKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// settings merges the preset (if any) with the flags that were set. The
// plain flags are every output's defaults: an -output's keys win over
// them; a preset's outputs take a flag given explicitly (-format png
// makes every output PNG). -output replaces a preset's outputs.
func (f *runFlags) settings(fs *flag.FlagSet) (engine.Settings, error) {
	p, err := f.presetOf(fs)
	if err != nil {
		return engine.Settings{}, err
	}
	ps, err := p.Settings(f.out)
	if err != nil {
		return engine.Settings{}, err
	}
	iso, err := f.isolationSettings()
	if err != nil {
		return engine.Settings{}, err
	}
	return engine.Settings{
		Processing:           ps,
		Workers:              f.workers,
		AllowSourceOverwrite: f.allowOverwrite,
		MemoryBudget:         iso.MemoryBudget,
		Isolation:            iso.Isolation,
		Timeout:              iso.Timeout,
		WorkerMemory:         iso.WorkerMemory,
	}, nil
}

// presetOf is the batch's settings as a preset: -preset's file (or a
// plan's settings, base) with the flags that were set over it, or the
// flags alone.
func (f *runFlags) presetOf(fs *flag.FlagSet) (processing.Preset, error) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	p := processing.Preset{Format: f.format, Quality: f.quality, PNGLevel: f.pngLevel, Lossless: f.lossless, Speed: f.avifSpeed, AVIFOneFrame: f.avifOneFrame,
		AllFrames: f.allFrames, MaxPixels: f.maxPixels, OnExists: processing.OnExists(f.onExists), Prefix: f.prefix, Suffix: f.suffix, Flat: f.flat, NameTemplate: f.name, MaxSize: f.maxSize, MinQuality: f.minQuality,
		TooBig: f.tooBig, OnlyIfSmaller: f.onlyIfSmaller, Metadata: f.metadata, KeepDates: f.keepDates, Color: f.color}
	if set["name"] && strings.TrimSpace(f.name) == "" {
		return p, errors.New("-name: the template is empty (the default is {name})")
	}
	if f.preset != "" || f.base != nil {
		var loaded processing.Preset
		var err error
		if f.preset != "" {
			loaded, err = processing.LoadPreset(f.preset)
		} else {
			loaded, err = clonePreset(*f.base)
		}
		if err != nil {
			return p, err
		}
		for _, o := range []struct {
			flag  string
			apply func(top *processing.Preset, out *processing.OutputPreset)
		}{
			{"format", func(t *processing.Preset, o *processing.OutputPreset) { t.Format, o.Format = f.format, "" }},
			{"quality", func(t *processing.Preset, o *processing.OutputPreset) { t.Quality, o.Quality = f.quality, 0 }},
			{"png-compression", func(t *processing.Preset, o *processing.OutputPreset) { t.PNGLevel, o.PNGLevel = f.pngLevel, "" }},
			{"on-exists", func(t *processing.Preset, o *processing.OutputPreset) {
				t.OnExists, o.OnExists = processing.OnExists(f.onExists), ""
			}},
			{"prefix", func(t *processing.Preset, o *processing.OutputPreset) { t.Prefix, o.Prefix = f.prefix, "" }},
			{"suffix", func(t *processing.Preset, o *processing.OutputPreset) { t.Suffix, o.Suffix = f.suffix, "" }},
			{"flat", func(t *processing.Preset, o *processing.OutputPreset) { t.Flat, o.Flat = f.flat, nil }},
			{"name", func(t *processing.Preset, o *processing.OutputPreset) { t.NameTemplate, o.NameTemplate = f.name, "" }},
			{"max-size", func(t *processing.Preset, o *processing.OutputPreset) { t.MaxSize, o.MaxSize = f.maxSize, "" }},
			{"min-quality", func(t *processing.Preset, o *processing.OutputPreset) { t.MinQuality, o.MinQuality = f.minQuality, 0 }},
			{"too-big", func(t *processing.Preset, o *processing.OutputPreset) { t.TooBig, o.TooBig = f.tooBig, "" }},
			{"only-if-smaller", func(t *processing.Preset, o *processing.OutputPreset) {
				t.OnlyIfSmaller, o.OnlyIfSmaller = f.onlyIfSmaller, nil
			}},
			{"metadata", func(t *processing.Preset, _ *processing.OutputPreset) { t.Metadata = f.metadata }},
			{"keep-dates", func(t *processing.Preset, _ *processing.OutputPreset) { t.KeepDates = f.keepDates }},
			{"color", func(t *processing.Preset, _ *processing.OutputPreset) { t.Color = f.color }},
			{"lossless", func(t *processing.Preset, o *processing.OutputPreset) { t.Lossless, o.Lossless = f.lossless, nil }},
			{"avif-speed", func(t *processing.Preset, o *processing.OutputPreset) { t.Speed, o.Speed = f.avifSpeed, 0 }},
			{"avif-one-frame", func(t *processing.Preset, o *processing.OutputPreset) {
				t.AVIFOneFrame, o.AVIFOneFrame = f.avifOneFrame, nil
			}},
			{"all-frames", func(t *processing.Preset, _ *processing.OutputPreset) { t.AllFrames = f.allFrames }},
			{"max-pixels", func(t *processing.Preset, _ *processing.OutputPreset) { t.MaxPixels = f.maxPixels }},
		} {
			if set[o.flag] {
				var none processing.OutputPreset
				o.apply(&loaded, &none)
				for i := range loaded.Outputs {
					o.apply(&loaded, &loaded.Outputs[i])
				}
			}
		}
		p = loaded
	}
	if set["filters"] || (f.preset == "" && f.base == nil) {
		chain, err := processing.ParseChain(f.filters)
		if err != nil {
			return p, fmt.Errorf("-filters: %w", err)
		}
		p.Filters = chain
	}
	if len(f.outputs) > 0 {
		p.Outputs = f.outputs
	}
	if f.workers < 0 {
		return p, fmt.Errorf("-workers %d: must be 0 (one per usable CPU) or more", f.workers)
	}
	if f.maxPixels == 0 {
		return p, errors.New("-max-pixels 0: use -1 for no limit")
	}
	return p, nil
}

// clonePreset is a deep copy of a preset (its outputs are changed in
// place by the flags over it).
func clonePreset(p processing.Preset) (processing.Preset, error) {
	data, err := p.MarshalIndent()
	if err != nil {
		return p, err
	}
	return processing.ParsePreset(data)
}

func runCmd(env *Env, args []string) int {
	fs := flag.NewFlagSet("picpool run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f runFlags
	f.register(fs)
	f.registerShard(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: picpool run -out FOLDER [options] FILE|FOLDER...\n       picpool run -plan FILE -shard K/N | -shards N [options]\n\nOptions:")
		fs.PrintDefaults()
		fmt.Fprintln(env.Stderr, "\nExit status: 0 all done or skipped, 1 some inputs failed, 2 bad usage, 130 interrupted.")
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if f.sharded() {
		return runShard(env, fs, &f)
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
	return exitStatus(env, sum)
}

// exitStatus is a run's exit status, saying what an interrupted one left.
func exitStatus(env *Env, sum engine.Summary) int {
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
				where := r.Input
				if r.OutputName != "" {
					where += " (" + r.OutputName + ")"
				}
				fmt.Fprintf(env.Stderr, "FAIL   %s: %s\n", where, r.Error)
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

func writeReport(path string, b engine.Batch, s engine.Summary, records []engine.Record) error {
	return engine.WriteReport(path, engine.NewReport(b, s, records))
}
