package processing

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"

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
}

// Processor runs the settings on one file at a time. It is immutable and
// safe for concurrent use by many workers.
type Processor struct {
	s        Settings
	pipeline *Pipeline
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
	return &Processor{s: s, pipeline: p}, nil
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
}

// StageFunc is told when a file enters a stage; an error (cancellation)
// stops the file there.
type StageFunc func(stage string) error

// Process decodes, filters, encodes and writes one file. Every error is a
// *FileError naming the source, or the output for write errors.
func (p *Processor) Process(ctx context.Context, src Source, stage StageFunc) (Result, error) {
	var res Result
	if stage == nil {
		stage = func(string) error { return nil }
	}
	step := func(name string) error {
		if err := stage(name); err != nil {
			return fileErr(src.Path, ErrCanceled, err, "canceled")
		}
		if err := ctx.Err(); err != nil {
			return fileErr(src.Path, ErrCanceled, err, "canceled")
		}
		return nil
	}
	if err := step(StageDecoding); err != nil {
		return res, err
	}
	dopts := p.s.Decode
	if p.s.Format != codec.SameFormat && !p.s.Format.CanAnimate() {
		dopts.AllFrames = false // only the first frame can be written
	}
	file, info, err := codec.Open(src.Path, dopts) // the header only, so far
	res.Info = info
	if err != nil {
		return res, err
	}
	defer file.Close()
	format := p.s.Format.For(info.Format)
	target := p.s.Naming.Target(src, format)
	if same, _ := sameFile(src.Path, target); same && p.s.OnExists != Rename && !(p.s.OnExists == Overwrite && p.s.OverwriteSources) {
		if p.s.OnExists == Skip {
			return res, fileErr(src.Path, ErrExists, nil, "output exists: it is the source itself")
		}
		return res, fileErr(src.Path, ErrWrite, nil, "refusing to overwrite the source itself")
	}
	if p.s.OnExists == Skip {
		if _, err := os.Lstat(target); err == nil {
			res.Output = target
			return res, fileErr(target, ErrExists, nil, "output exists: %s", target)
		}
	}
	w, h := info.Upright()
	ow, oh, peak := p.pipeline.OutputSize(w, h)
	if limit := p.s.Decode.Limit(); limit > 0 && peak > limit {
		return res, fileErr(src.Path, ErrTooLarge, nil, "the filters would make a %s image, over the %s limit", codec.Megapixels(peak), codec.Megapixels(limit))
	}
	// Shrink-on-load: when the chain starts by shrinking the image, a JPEG
	// may be decoded at a reduced scale, still at least that size.
	var minW, minH int
	if tw, th, ok := p.pipeline.FirstDownscale(w, h); ok {
		minW, minH = tw, th
	}
	dec, err := file.Decode(minW, minH)
	file.Close() // the pixels are in memory: no need to hold the file through the filters
	if err != nil {
		return res, err
	}
	if err := step(StageFiltering); err != nil {
		return res, err
	}
	frames := dec.Frames
	if !format.CanAnimate() {
		frames = nil
	}
	img := dec.Image
	if p.pipeline.Len() > 0 {
		img = p.pipeline.ApplyFrom(img, w, h)
		for i := range frames { // each frame is the whole canvas, as shown
			frames[i].Image = p.pipeline.ApplyFrom(frames[i].Image, w, h)
		}
	}
	res.Width, res.Height = img.Bounds().Dx(), img.Bounds().Dy()
	if res.Width != ow || res.Height != oh {
		return res, fileErr(src.Path, ErrOther, nil, "internal error: the filters made %dx%d, expected %dx%d", res.Width, res.Height, ow, oh)
	}
	if err := step(StageEncoding); err != nil {
		return res, err
	}
	var buf bytes.Buffer
	enc := codec.EncodeOptions{Format: format, Quality: p.s.Quality, PNGCompression: p.s.PNGLevel, AVIFSpeed: p.s.AVIFSpeed,
		Lossless: p.s.Lossless || (p.s.Format == codec.SameFormat && info.Lossless)}
	if len(frames) > 1 {
		err = codec.EncodeFrames(&buf, frames, dec.Loop, enc)
	} else {
		err = codec.Encode(&buf, img, enc)
	}
	if err != nil {
		return res, fileErr(src.Path, ErrWrite, err, "cannot encode %s: %v", format, err)
	}
	img, dec, frames = nil, nil, nil // let the pixels go before the write
	if err := step(StageWriting); err != nil {
		return res, err
	}
	final, err := writeAtomic(ctx, target, p.s.OnExists, p.s.AdoptIdentical, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
	res.Output = final
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) && fe.Kind == ErrCanceled {
			fe.Path = src.Path
		}
		return res, err
	}
	res.BytesOut = int64(buf.Len())
	return res, nil
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
