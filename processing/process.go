package processing

import (
	"bytes"
	"context"
	"errors"
	"image"
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
	Format   codec.Format // codec.SameFormat keeps the input's format
	Quality  int          // JPEG quality, 0 = 90
	PNGLevel string       // PNG compression: default, fast, best, none
	Naming   Naming
	OnExists OnExists
	Decode   codec.DecodeOptions
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
	if err := (codec.EncodeOptions{Format: codec.JPEG, Quality: s.Quality, PNGCompression: s.PNGLevel}).Validate(); err != nil {
		return nil, err
	}
	if s.OnExists == "" {
		s.OnExists = Skip
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
	// Color says what was done to the colours ("converted from … to
	// sRGB"), "" when nothing was.
	Color string `json:",omitempty"`
	// Warnings are problems that did not stop the file (a colour profile
	// that could not be used).
	Warnings []string `json:",omitempty"`
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
	file, info, err := codec.Open(src.Path, p.s.Decode) // the header only, so far
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
	img, colour := p.color(dec, format, func(img image.Image) image.Image {
		if p.pipeline.Len() > 0 {
			return p.pipeline.ApplyFrom(img, w, h)
		}
		return img
	})
	res.Color, res.Warnings = colour.note, colour.warnings
	res.Width, res.Height = img.Bounds().Dx(), img.Bounds().Dy()
	if res.Width != ow || res.Height != oh {
		return res, fileErr(src.Path, ErrOther, nil, "internal error: the filters made %dx%d, expected %dx%d", res.Width, res.Height, ow, oh)
	}
	if err := step(StageEncoding); err != nil {
		return res, err
	}
	var buf bytes.Buffer
	if err := codec.Encode(&buf, img, codec.EncodeOptions{Format: format, Quality: p.s.Quality, PNGCompression: p.s.PNGLevel, Meta: &codec.Metadata{ICC: colour.icc}}); err != nil {
		return res, fileErr(src.Path, ErrWrite, err, "cannot encode %s: %v", format, err)
	}
	img, dec = nil, nil // let the pixels go before the write
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
