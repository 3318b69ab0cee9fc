package processing

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/picpool/picpool/codec"
)

// Stages a file goes through, in order.
const (
	StageDecoding  = "decoding"
	StageFiltering = "filtering"
	StageEncoding  = "encoding"
	StageWriting   = "writing"
)

// Settings is everything that decides what happens to each file.
type Settings struct {
	Chain    Chain
	Format   codec.Format // codec.SameFormat keeps the input's format (HEIC becomes JPEG)
	Quality  int          // JPEG, WebP, AVIF quality; 0: the format's default
	PNGLevel string       // PNG compression: default, fast, best, none
	// Lossless writes WebP and AVIF losslessly; a lossless WebP written as
	// "same" is lossless anyway.
	Lossless  bool `json:",omitempty"`
	AVIFSpeed int  `json:",omitempty"` // 1 (slowest) .. 10; 0: codec.DefaultAVIFSpeed
	Naming    Naming
	OnExists  OnExists
	// Decode holds the pixel limit, and AllFrames, which keeps every frame
	// of an animated GIF or WebP when the output format holds animations
	// (GIF, WebP, or "same" for those inputs), each frame filtered.
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
	pipeline *Pipeline
	colors   *codec.ColorConverter // the batch's colour transforms, one per profile
}

// NewProcessor checks the settings (every step of the chain, the encoder's
// options) and returns a processor.
func NewProcessor(s Settings) (*Processor, error) {
	p, err := s.Chain.Compile()
	if err != nil {
		return nil, err
	}
	if err := (codec.EncodeOptions{Format: codec.JPEG, Quality: s.Quality, PNGCompression: s.PNGLevel, AVIFSpeed: s.AVIFSpeed}).Validate(); err != nil {
		return nil, err
	}
	if s.OnExists == "" {
		s.OnExists = Skip
	}
	if _, err := ParseMetadataPolicy(string(s.Metadata)); err != nil {
		return nil, err
	}
	if _, err := codec.ParseColorMode(string(s.Color)); err != nil {
		return nil, err
	}
	return &Processor{s: s, pipeline: p, colors: codec.NewColorConverter()}, nil
}

// Settings returns the processor's settings.
func (p *Processor) Settings() Settings { return p.s }

// Pipeline returns the compiled chain.
func (p *Processor) Pipeline() *Pipeline { return p.pipeline }

// Result describes one processed file.
type Result struct {
	Output        string     // the file written ("" when none)
	Info          codec.Info // the input's header
	Width, Height int        // the output's size
	BytesOut      int64
	// Metadata says what the output kept of the source's metadata.
	Metadata *MetadataReport `json:",omitempty"`
	// Color says what was done to the colours ("converted from … to
	// sRGB"), "" when nothing was.
	Color string `json:",omitempty"`
	// Warnings are problems that did not stop the file, one sentence each
	// (metadata dropped as unreadable, a colour profile that could not be
	// used, …).
	Warnings []string `json:",omitempty"`
}

// StageFunc is told when a file enters a stage; an error (cancellation)
// stops the file there.
type StageFunc func(stage string) error

// Process decodes, filters, encodes and writes one file. Every error is a
// *FileError naming the source, or the output for write errors.
//
// It runs in stages, each a method below, so that what happens to the
// pixels has one place per step:
//
//	open     the header alone: format, size, orientation; output names; skip checks
//	decode   the pixels (shrink-on-load when the chain starts by shrinking),
//	         and the colour conversion that cannot wait for the filters (color.go)
//	head     the filters every output shares, run once
//	then, for each output in turn:
//	tail     the output's own filters, on the head's result, and the colour
//	         conversion that waited for them
//	encode   the output format's bytes, in memory
//	write    the bytes moved into place atomically
func (p *Processor) Process(ctx context.Context, src Source, stage StageFunc) (Result, error) {
	if stage == nil {
		stage = func(string) error { return nil }
	}
	f := &fileRun{p: p, ctx: ctx, src: src, stage: stage}
	defer f.close()
	if err := f.open(); err != nil {
		return f.res, err
	}
	if err := f.decode(); err != nil {
		return f.res, err
	}
	if err := f.head(); err != nil {
		return f.res, err
	}
	o := &f.outs[0]
	img, err := f.tail(o)
	if err != nil {
		return f.res, err
	}
	data, err := f.encode(o, img)
	if err != nil {
		return f.res, err
	}
	img, f.img, f.dec, f.frames = nil, nil, nil, nil // let the pixels go before the write
	err = f.write(o, data)
	f.res.Output, f.res.BytesOut = o.final, o.bytes
	return f.res, err
}

// fileRun is one source on its way through Process's stages.
type fileRun struct {
	p     *Processor
	ctx   context.Context
	src   Source
	stage StageFunc
	res   Result

	file  *codec.File // open between open and decode
	mtime time.Time   // the source's modification time
	w, h  int         // the upright size, from the header
	outs  []outputRun

	dec   *codec.Decoded
	img   image.Image // the decoded pixels, then the head's result
	color *colorPlan  // what the colour setting does (see color.go)
	// frames are every frame of an animation (with Decode.AllFrames), each
	// the whole canvas as shown, filtered as img is; nil for a still.
	frames []codec.Frame
}

// outputRun is one output of the file being processed.
type outputRun struct {
	format codec.Format // resolved (never SameFormat)
	target string       // the planned name
	final  string       // the name written (Rename may change it)
	bytes  int64
	icc    []byte // the colour profile to write into it (see color.go)
}

// step announces a stage and stops the file when the batch is cancelled.
func (f *fileRun) step(name string) error {
	if err := f.stage(name); err != nil {
		return fileErr(f.src.Path, ErrCanceled, err, "canceled")
	}
	if err := f.ctx.Err(); err != nil {
		return fileErr(f.src.Path, ErrCanceled, err, "canceled")
	}
	return nil
}

func (f *fileRun) close() {
	if f.file != nil {
		f.file.Close()
		f.file = nil
	}
}

// open reads the header alone, names the outputs and checks, before any
// pixel is decoded, that there is something to do: the output is not the
// source itself, it does not exist already (with Skip), and no filter would
// make an image over the pixel limit.
func (f *fileRun) open() error {
	s := &f.p.s
	if err := f.step(StageDecoding); err != nil {
		return err
	}
	dopts := s.Decode
	if s.Format != codec.SameFormat && !s.Format.CanAnimate() {
		dopts.AllFrames = false // only the first frame can be written
	}
	file, info, err := codec.Open(f.src.Path, dopts)
	f.res.Info = info
	if err != nil {
		return err
	}
	f.file = file
	format := s.Format.For(info.Format)
	f.outs = []outputRun{{format: format, target: s.Naming.Target(f.src, format)}}
	target := f.outs[0].target
	if same, _ := sameFile(f.src.Path, target); same && s.OnExists != Rename && !(s.OnExists == Overwrite && s.OverwriteSources) {
		if s.OnExists == Skip {
			return fileErr(f.src.Path, ErrExists, nil, "output exists: it is the source itself")
		}
		return fileErr(f.src.Path, ErrWrite, nil, "refusing to overwrite the source itself")
	}
	if s.OnExists == Skip {
		if _, err := os.Lstat(target); err == nil {
			f.res.Output = target
			return fileErr(target, ErrExists, nil, "output exists: %s", target)
		}
	}
	f.w, f.h = info.Upright()
	_, _, peak := f.p.pipeline.OutputSize(f.w, f.h)
	// A pipeline whose sizes depend on the content (trim) is checked step by
	// step as it runs instead (see head).
	if limit := s.Decode.Limit(); limit > 0 && peak > limit && f.p.pipeline.SizeKnown() {
		return fileErr(f.src.Path, ErrTooLarge, nil, "the filters would make a %s image, over the %s limit (%s)", codec.Megapixels(peak), codec.Megapixels(limit), codec.RaiseLimitHint)
	}
	return nil
}

// decode reads the pixels and closes the file. Shrink-on-load: when the
// chain starts by shrinking the image, a JPEG may be decoded at a reduced
// scale, still at least that size.
func (f *fileRun) decode() error {
	var minW, minH int
	if tw, th, ok := f.p.pipeline.FirstDownscale(f.w, f.h); ok {
		minW, minH = tw, th
	}
	dec, err := f.file.Decode(minW, minH)
	f.mtime = f.file.ModTime()
	f.close() // the pixels are in memory: no need to hold the file through the filters
	if err != nil {
		return err
	}
	f.dec, f.frames = dec, dec.Frames
	f.res.Warnings = append(f.res.Warnings, dec.Warnings...)
	f.img, f.color = f.p.planColor(dec) // converts now what cannot wait for the filters
	return nil
}

// head runs the shared filters once on the decoded image.
func (f *fileRun) head() error {
	if err := f.step(StageFiltering); err != nil {
		return err
	}
	if pl := f.p.pipeline; pl.Len() > 0 {
		img, err := pl.applyFrom(f.img, f.w, f.h, f.p.env(f.src), f.p.s.Decode.Limit())
		if err != nil {
			return fileErr(f.src.Path, ErrTooLarge, err, "%v", err)
		}
		f.img = img
		for i := range f.frames { // each frame is the whole canvas, as shown
			if f.frames[i].Image, err = pl.applyFrom(f.frames[i].Image, f.w, f.h, f.p.env(f.src), f.p.s.Decode.Limit()); err != nil {
				return fileErr(f.src.Path, ErrTooLarge, err, "%v", err)
			}
		}
	}
	return nil
}

// env is what src brings to the steps besides its pixels.
func (p *Processor) env(src Source) *applyEnv { return nil }

// tail runs an output's own filters on the head's result and checks the
// size they made against the one OutputSize predicted from the header.
func (f *fileRun) tail(o *outputRun) (image.Image, error) {
	img := f.img
	img, o.icc = f.color.finish(img, o.format) // converts what waited for the filters
	if o.format.CanAnimate() {
		for i := range f.frames {
			f.frames[i].Image, _ = f.color.finish(f.frames[i].Image, o.format)
		}
	}
	f.res.Color = f.color.note
	for _, w := range f.color.warnings {
		if !slices.Contains(f.res.Warnings, w) {
			f.res.Warnings = append(f.res.Warnings, w)
		}
	}
	ow, oh, _ := f.p.pipeline.OutputSize(f.w, f.h)
	f.res.Width, f.res.Height = img.Bounds().Dx(), img.Bounds().Dy()
	if f.p.pipeline.SizeKnown() && (f.res.Width != ow || f.res.Height != oh) {
		return nil, fileErr(f.src.Path, ErrOther, nil, "internal error: the filters made %dx%d, expected %dx%d", f.res.Width, f.res.Height, ow, oh)
	}
	return img, nil
}

// encode turns an output's image into its format's bytes: every frame of
// an animation when there are several and the format holds them.
func (f *fileRun) encode(o *outputRun, img image.Image) ([]byte, error) {
	s := &f.p.s
	if err := f.step(StageEncoding); err != nil {
		return nil, err
	}
	// The profile of the output's pixels, decided on the colour side
	// (color.go): sRGB's when they were converted, the source's when they
	// keep its colours. Stripping all metadata drops it when the pixels
	// are sRGB (what an untagged image is taken as).
	icc := o.icc
	if s.Metadata.OrDefault() == StripAll && f.color.srgb {
		icc = nil
	}
	// A HEIC's or AVIF's orientation is its irot and imir, applied; an EXIF
	// orientation it also carries was never applied (HEIF readers ignore
	// it) and must not reach the output, where viewers would turn the
	// pixels again.
	heif := f.dec.Info.Format == "heic" || f.dec.Info.Format == "avif"
	upright := (f.dec.Info.Orientation > 1 || heif) && !s.Decode.NoOrientation
	b := img.Bounds()
	meta, rep, warn := outputMetadata(f.dec.Meta, s.Metadata, o.format, upright, b.Dx(), b.Dy(), icc)
	f.res.Metadata, f.res.Warnings = rep, append(f.res.Warnings, warn...)
	var buf bytes.Buffer
	enc := codec.EncodeOptions{Format: o.format, Quality: s.Quality, PNGCompression: s.PNGLevel, AVIFSpeed: s.AVIFSpeed,
		Lossless: s.Lossless || (s.Format == codec.SameFormat && f.res.Info.Lossless), Meta: &meta}
	var err error
	if len(f.frames) > 1 && o.format.CanAnimate() {
		err = codec.EncodeFrames(&buf, f.frames, f.dec.Loop, enc)
	} else {
		err = codec.Encode(&buf, img, enc)
	}
	if err != nil {
		return nil, fileErr(f.src.Path, ErrWrite, err, "cannot encode %s: %v", o.format, err)
	}
	return buf.Bytes(), nil
}

// write moves an output's bytes into place at its name (see WriteAtomic).
func (f *fileRun) write(o *outputRun, data []byte) error {
	s := &f.p.s
	if err := f.step(StageWriting); err != nil {
		return err
	}
	var mtime time.Time // the source's, with KeepDates
	if s.KeepDates {
		mtime = f.mtime
	}
	final, err := writeAtomic(f.ctx, o.target, s.OnExists, s.AdoptIdentical, mtime, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	o.final = final
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) && fe.Kind == ErrCanceled {
			fe.Path = f.src.Path
		}
		return err
	}
	o.bytes = int64(len(data))
	return nil
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
