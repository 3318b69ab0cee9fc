package processing

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/picpool/picpool/codec"
)

// Stages a file goes through, in order. With several outputs, filtering,
// encoding and writing come again for each.
const (
	StageDecoding  = "decoding"
	StageFiltering = "filtering"
	StageEncoding  = "encoding"
	StageWriting   = "writing"
)

// Settings is everything that decides what happens to each file.
type Settings struct {
	// Chain is the filter chain: with Outputs, the head every output
	// shares, applied once per input before each output's own chain.
	Chain Chain
	// Format, Quality, PNGLevel, Lossless, AVIFSpeed, AVIFOneFrame, Naming, OnExists,
	// Size and OnlyIfSmaller describe the one output of a batch without
	// Outputs (see OutputList); Naming.Dir is the batch's output folder
	// either way.
	Format   codec.Format // codec.SameFormat keeps the input's format (HEIC becomes JPEG)
	Quality  int          // JPEG, WebP, AVIF quality; 0: the format's default
	PNGLevel string       // PNG compression: default, fast, best, none
	// Lossless writes WebP and AVIF losslessly; a lossless WebP written as
	// "same" is lossless anyway.
	Lossless  bool `json:",omitempty"`
	AVIFSpeed int  `json:",omitempty"` // 1 (slowest) .. 10; 0: codec.DefaultAVIFSpeed
	// AVIFOneFrame writes large AVIFs as one frame, not a grid (see
	// codec.EncodeOptions).
	AVIFOneFrame  bool `json:",omitempty"`
	Naming        Naming
	OnExists      OnExists
	Size          SizeTarget `json:",omitzero"`
	OnlyIfSmaller bool       `json:",omitempty"`
	// Outputs are the files made from each input (see Output).
	Outputs []Output `json:",omitempty"`
	// Decode holds the pixel limit, and AllFrames, which keeps every frame
	// of an animated GIF or WebP for the outputs whose format holds
	// animations (GIF, WebP, or "same" for those inputs), each frame
	// filtered.
	Decode codec.DecodeOptions
	// OverwriteSources lets an output replace its own source (with
	// Overwrite); without it such a file fails, whatever the folder checks
	// above this layer decided.
	OverwriteSources bool
	// AdoptIdentical, with Rename, takes an existing file at the output's
	// name as the output when its bytes are the ones just made, instead of
	// writing name-1 beside it. A resumed batch sets it: an output moved into
	// place just before a kill, but not yet in the journal, is then found
	// again rather than duplicated.
	AdoptIdentical bool `json:",omitempty"`
	// Metadata is what outputs keep of their source's metadata ("" is
	// KeepNoLocation).
	Metadata MetadataPolicy `json:",omitempty"`
	// KeepDates gives each output its source's modification time.
	KeepDates bool `json:",omitempty"`
	// Color says what happens to images with a colour profile: converted
	// to sRGB ("" or codec.ColorSRGB) or kept (see color.go).
	Color codec.ColorMode `json:",omitempty"`
}

// Processor runs the settings on one file at a time. It is immutable and
// safe for concurrent use by many workers.
type Processor struct {
	s        Settings
	pipeline *Pipeline // the head
	outs     []compiledOutput
	uses     FieldSet              // what the templates and steps read from each file
	colors   *codec.ColorConverter // the batch's colour transforms, one per profile
}

// NewProcessor checks the settings (every step of every chain, the
// encoders' options, the name templates, that no two outputs write the
// same file) and returns a processor.
func NewProcessor(s Settings) (*Processor, error) {
	p, err := s.Chain.Compile()
	if err != nil {
		return nil, err
	}
	s.OnExists = orSkip(s.OnExists)
	outs, err := compileOutputs(s)
	if err != nil {
		return nil, err
	}
	uses := p.Uses()
	for _, o := range outs {
		uses |= o.name.t.Uses() | o.tail.Uses()
	}
	if _, err := ParseMetadataPolicy(string(s.Metadata)); err != nil {
		return nil, err
	}
	if _, err := codec.ParseColorMode(string(s.Color)); err != nil {
		return nil, err
	}
	return &Processor{s: s, pipeline: p, outs: outs, uses: uses, colors: codec.NewColorConverter()}, nil
}

// Settings returns the processor's settings.
func (p *Processor) Settings() Settings { return p.s }

// Pipeline returns the compiled head chain (the whole chain of a batch
// without Outputs).
func (p *Processor) Pipeline() *Pipeline { return p.pipeline }

// Result describes one processed file.
type Result struct {
	Output        string     // the first output's file ("" when none)
	Info          codec.Info // the input's header
	Width, Height int        // the first output's size
	BytesOut      int64      // every output's bytes together
	// Metadata says what the first output kept of the source's metadata.
	Metadata *MetadataReport `json:",omitempty"`
	// Color says what was done to the colours ("converted from … to
	// sRGB"), "" when nothing was.
	Color string `json:",omitempty"`
	// Warnings are problems that did not stop the file, one sentence each
	// (metadata dropped as unreadable, a colour profile that could not be
	// used, …), of every output.
	Warnings []string `json:",omitempty"`
	// Outputs has one entry per output asked for, in the settings' order.
	Outputs []OutputResult `json:",omitempty"`
}

// OutputResult is one output of a processed file.
type OutputResult struct {
	Index         int    // in the settings' outputs
	Output        string // the file written, or the one found with Skip; "" when none
	Width, Height int
	BytesOut      int64
	Quality       int  `json:",omitempty"` // the quality written (searched with a size target); 0 for formats without one
	Copied        bool `json:",omitempty"` // OnlyIfSmaller wrote the source's bytes
	// Metadata says what the output kept of the source's metadata.
	Metadata *MetadataReport `json:",omitempty"`
	// The input's Result fields as the output was finished (warnings so far).
	Pixels   int64    `json:",omitempty"`
	Color    string   `json:",omitempty"`
	Warnings []string `json:",omitempty"`
	// Err is why the output was not made: ErrExists (skipped), ErrCanceled,
	// or a failure. Worker processes carry it separately (it is an error).
	Err error `json:"-"`
}

// StageFunc is told when a file enters a stage; an error (cancellation)
// stops the file there.
type StageFunc func(stage string) error

// Job is one source to process and how its caller follows it.
type Job struct {
	Source Source
	// Only lists the outputs to make, by index; nil makes all. A resumed
	// batch leaves out those an earlier run made.
	Only  []int
	Stage StageFunc // told as the file enters each stage (may be nil)
	// Output, when set, is told as each output is finished (made, skipped
	// or failed), before the next one starts: a journal records it then,
	// so that a kill between two outputs redoes only the second. A
	// cancelled file's outputs are told too, with an ErrCanceled error.
	Output func(OutputResult)
}

// Process decodes, filters, encodes and writes one file: Run with every
// output.
func (p *Processor) Process(ctx context.Context, src Source, stage StageFunc) (Result, error) {
	return p.Run(ctx, Job{Source: src, Stage: stage})
}

// Run processes one file. It runs in stages, each a method of fileRun, so
// that what happens to the pixels has one place per step:
//
//	open     the header alone: format, size, orientation; the fields the
//	         names need; each output's name, skip and limit checks
//	decode   the pixels, once (shrink-on-load when every output's chain
//	         starts by shrinking, at the largest size any needs), and the
//	         colour conversion that cannot wait for the filters (color.go)
//	head     the filters every output shares, once
//	then, for each output in turn (outputRun):
//	tail     the output's own filters, on the head's result, and the
//	         colour conversion that waited for them
//	encode   the output format's bytes, in memory (the size target's search)
//	write    the bytes moved into place atomically
//
// A failure before the outputs (unreadable, corrupt, cancelled) is every
// output's; an output's own failure (its size target, its write) leaves
// the others to be made. The error returned is the file's failure, else
// the first output's failure, else ErrExists when every output was
// skipped, else nil. Every error is a *FileError naming the source, or the
// output for write errors.
func (p *Processor) Run(ctx context.Context, j Job) (Result, error) {
	if j.Stage == nil {
		j.Stage = func(string) error { return nil }
	}
	f := &fileRun{p: p, ctx: ctx, job: j}
	defer f.close()
	err := f.run()
	for i := range f.outs { // a failure before an output ended is its failure
		if o := &f.outs[i]; !o.reported {
			o.err = err
			f.report(o)
		}
	}
	return f.result(err)
}

// fileRun is one source on its way through Run's stages.
type fileRun struct {
	p    *Processor
	ctx  context.Context
	job  Job
	info codec.Info

	file     *codec.File // open between open and decode
	mtime    time.Time   // the source's modification time
	w, h     int         // the upright size, from the header
	fields   Fields      // for templates and steps (see Processor.uses)
	outs     []outputRun // the outputs asked for
	warnings []string    // the file's (decoding) and its outputs' (metadata)
	dec      *codec.Decoded
	img      image.Image // the decoded pixels, then the head's result
	color    *colorPlan  // what the colour setting does (see color.go)
	// frames are every frame of an animation (with Decode.AllFrames), each
	// the whole canvas as shown, filtered as img is; nil for a still.
	frames    []codec.Frame
	lastStage string
}

func (f *fileRun) run() error {
	if err := f.open(); err != nil {
		return err
	}
	if f.pending() == 0 {
		return nil // every output skipped or refused before decoding
	}
	if err := f.decode(); err != nil {
		return err
	}
	if err := f.head(); err != nil {
		return err
	}
	for i := range f.outs {
		if o := &f.outs[i]; !o.reported {
			if err := o.make(); err != nil {
				return err // cancelled: the rest is abandoned
			}
		}
	}
	f.img = nil
	return nil
}

// step announces a stage and stops the file when the batch is cancelled.
func (f *fileRun) step(name string) error {
	f.lastStage = name
	if err := f.job.Stage(name); err != nil {
		return fileErr(f.job.Source.Path, ErrCanceled, err, "canceled")
	}
	if err := f.ctx.Err(); err != nil {
		return fileErr(f.job.Source.Path, ErrCanceled, err, "canceled")
	}
	return nil
}

func (f *fileRun) close() {
	if f.file != nil {
		f.file.Close()
		f.file = nil
	}
}

// open reads the header alone, then the fields the templates need, and
// names each output, checking before any pixel is decoded that it has
// something to do: a name, not the source itself, not there already
// (with Skip), no filter making an image over the pixel limit.
func (f *fileRun) open() error {
	s, src := &f.p.s, f.job.Source
	if err := f.step(StageDecoding); err != nil {
		return err
	}
	dopts := s.Decode
	if !f.p.anyAnimates() {
		dopts.AllFrames = false // only the first frame can be written
	}
	file, info, err := codec.Open(src.Path, dopts)
	f.info = info
	if err != nil {
		return err
	}
	f.file = file
	f.w, f.h = info.Upright()
	f.fields = fileFields(src, file, f.p.uses)
	for i := range f.p.outs {
		if f.job.Only != nil && !contains(f.job.Only, i) {
			continue
		}
		f.outs = append(f.outs, outputRun{f: f, i: i, c: &f.p.outs[i]})
	}
	for i := range f.outs {
		o := &f.outs[i]
		if err := o.open(); err != nil {
			o.err = err
			f.report(o)
		}
	}
	return nil
}

// decode reads the pixels and closes the file. Shrink-on-load: when the
// chain of every output still to make starts by shrinking the image, a
// JPEG may be decoded at a reduced scale, still at least as large as the
// largest of them needs.
func (f *fileRun) decode() error {
	var minW, minH int
	for i := range f.outs {
		if o := &f.outs[i]; !o.reported {
			tw, th, ok := o.c.full.FirstDownscale(f.w, f.h)
			if !ok {
				minW, minH = 0, 0
				break
			}
			minW, minH = max(minW, tw), max(minH, th)
		}
	}
	dec, err := f.file.Decode(minW, minH)
	f.mtime = f.file.ModTime()
	f.close() // the pixels are in memory: no need to hold the file through the filters
	if err != nil {
		return err
	}
	f.dec, f.frames = dec, dec.Frames
	f.warnings = append(f.warnings, dec.Warnings...)
	f.img, f.color = f.p.planColor(dec) // converts now what cannot wait for the filters
	return nil
}

// head runs the shared filters once on the decoded image.
func (f *fileRun) head() error {
	if err := f.step(StageFiltering); err != nil {
		return err
	}
	if pl := f.p.pipeline; pl.Len() > 0 {
		// The head's steps see the size it makes (a batch's one output's).
		f.fields.Width, f.fields.Height, _ = pl.OutputSize(f.w, f.h)
		img, err := pl.applyFrom(f.img, f.w, f.h, envFor(&f.fields), f.p.s.Decode.Limit())
		if err != nil {
			return fileErr(f.job.Source.Path, ErrTooLarge, err, "%v", err)
		}
		f.img = img
		for i := range f.frames { // each frame is the whole canvas, as shown
			if f.frames[i].Image, err = pl.applyFrom(f.frames[i].Image, f.w, f.h, envFor(&f.fields), f.p.s.Decode.Limit()); err != nil {
				return fileErr(f.job.Source.Path, ErrTooLarge, err, "%v", err)
			}
		}
	}
	f.dec.Image = nil // the metadata stays for the outputs; the pixels go with the head's result
	return nil
}

func (f *fileRun) pending() int {
	n := 0
	for i := range f.outs {
		if !f.outs[i].reported {
			n++
		}
	}
	return n
}

// report tells the job an output is finished.
func (f *fileRun) report(o *outputRun) {
	o.reported = true
	if f.job.Output != nil {
		f.job.Output(o.result())
	}
}

// result gathers the outputs into the file's Result and error (see Run).
func (f *fileRun) result(err error) (Result, error) {
	res := Result{Info: f.info, Warnings: f.warnings}
	if f.color != nil {
		res.Color = f.color.note
	}
	var failed, skipped error
	for i := range f.outs {
		r := f.outs[i].result()
		res.Outputs = append(res.Outputs, r)
		res.BytesOut += r.BytesOut
		switch {
		case r.Err == nil:
		case KindOf(r.Err) == ErrExists:
			skipped = cmpErr(skipped, r.Err)
		default:
			failed = cmpErr(failed, r.Err)
		}
	}
	if len(res.Outputs) > 0 {
		first := res.Outputs[0]
		res.Output, res.Width, res.Height, res.Metadata = first.Output, first.Width, first.Height, first.Metadata
	}
	switch {
	case err != nil:
		return res, err
	case failed != nil:
		return res, failed
	case skipped != nil && len(res.Outputs) > 0 && countErr(res.Outputs, ErrExists) == len(res.Outputs):
		return res, skipped
	}
	return res, nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func countErr(rs []OutputResult, k ErrorKind) int {
	n := 0
	for _, r := range rs {
		if r.Err != nil && KindOf(r.Err) == k {
			n++
		}
	}
	return n
}

// anyAnimates reports whether some output may be written with every
// frame of an animation (its format holds them, or is "same").
func (p *Processor) anyAnimates() bool {
	for _, o := range p.outs {
		if o.Format == codec.SameFormat || o.Format.CanAnimate() {
			return true
		}
	}
	return false
}

func contains(list []int, i int) bool {
	for _, v := range list {
		if v == i {
			return true
		}
	}
	return false
}

// sameFile reports whether two paths name the same existing file.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return filepath.Clean(a) == filepath.Clean(b), nil
	}
	return os.SameFile(sa, sb), nil
}
