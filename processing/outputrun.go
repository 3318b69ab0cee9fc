package processing

import (
	"bytes"
	"errors"
	"image"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/picpool/picpool/codec"
)

// outputRun is one output of the file being processed (see Processor.Run).
type outputRun struct {
	f *fileRun
	i int // in the settings' outputs
	c *compiledOutput

	format        codec.Format // resolved (never SameFormat)
	fields        Fields       // the file's, with this output's size
	target        string       // the name planned
	final         string       // the name written (Rename may change it)
	width, height int
	bytes         int64
	quality       int
	copied        bool
	metadata      *MetadataReport
	icc           []byte        // the colour profile to write into it (see color.go)
	frames        []codec.Frame // an animation's frames, when it is written with them
	err           error
	reported      bool
}

// open names the output and checks, from the header alone, that there is
// something to do (see fileRun.open).
func (o *outputRun) open() error {
	f, c, s := o.f, o.c, &o.f.p.s
	src := f.job.Source
	peak, err := o.plan()
	if err != nil {
		return err
	}
	if same, _ := sameFile(src.Path, o.target); same && c.OnExists != Rename && !(c.OnExists == Overwrite && s.OverwriteSources) {
		if c.OnExists == Skip {
			return fileErr(src.Path, ErrExists, nil, "output exists: it is the source itself")
		}
		return fileErr(src.Path, ErrWrite, nil, "refusing to overwrite the source itself")
	}
	if c.OnExists == Skip {
		if _, err := os.Lstat(o.target); err == nil {
			o.final = o.target
			return fileErr(o.target, ErrExists, nil, "output exists: %s", o.target)
		}
	}
	// A chain whose sizes depend on the content (trim) is checked step by
	// step as it runs instead (see tail).
	if limit := s.Decode.Limit(); limit > 0 && peak > limit && c.full.SizeKnown() {
		return fileErr(src.Path, ErrTooLarge, nil, "the filters would make a %s image, over the %s limit (%s)", codec.Megapixels(peak), codec.Megapixels(limit), codec.RaiseLimitHint)
	}
	return nil
}

// plan resolves the output's format, predicts its size from the header
// and names it; it returns the largest image its filters make.
func (o *outputRun) plan() (peak int64, err error) {
	f, c := o.f, o.c
	o.format = c.Format.For(f.info.Format)
	ow, oh, peak := c.full.OutputSize(f.w, f.h)
	o.fields = f.fields
	o.fields.Width, o.fields.Height = ow, oh
	return peak, o.name()
}

// name expands the output's name from its fields; a template whose fields
// are all empty for this file (no EXIF camera) gives no name: an error.
func (o *outputRun) name() error {
	src := o.f.job.Source
	base := o.c.name.base(&o.fields, src.dup(o.i), (*Template).Name)
	if strings.TrimSpace(o.c.Naming.Prefix+base[strings.LastIndex(base, "/")+1:]+o.c.Naming.Suffix) == "" {
		return fileErr(src.Path, ErrOther, nil, "the name template %q gives an empty name for this file (the fields it uses are empty)", o.c.name.t.String())
	}
	o.target = o.c.name.place(src, o.format, base)
	return nil
}

// make runs the output's tail, encodes and writes it, and reports it. Only
// a cancellation is returned: the output's own failures are its result.
func (o *outputRun) make() error {
	err := o.produce()
	if err != nil && KindOf(err) == ErrCanceled {
		return err
	}
	o.err = err
	o.f.report(o)
	return nil
}

func (o *outputRun) produce() error {
	img, err := o.tail()
	if err != nil {
		return err
	}
	data, err := o.encode(img)
	if err != nil {
		return err
	}
	return o.write(data)
}

// tail runs the output's own filters on the head's result (which it never
// modifies: the next output reads it too) and checks the size they made
// against the one OutputSize predicted from the header; when the chain's
// sizes depend on the content (trim), the prediction was an upper bound:
// the name is made again from the real size.
func (o *outputRun) tail() (image.Image, error) {
	f := o.f
	if f.lastStage != StageFiltering {
		if err := f.step(StageFiltering); err != nil {
			return nil, err
		}
	}
	img, env, limit := f.img, envFor(&o.fields), f.p.s.Decode.Limit()
	var err error
	switch tail := o.c.tail; {
	case tail.Len() == 0:
	case f.p.pipeline.Len() > 0:
		img, err = tail.apply(img, env, limit)
	default: // no head: the tail reads the decoded image, perhaps shrunk on load
		img, err = tail.applyFrom(img, f.w, f.h, env, limit)
	}
	if err != nil {
		return nil, fileErr(f.job.Source.Path, ErrTooLarge, err, "%v", err)
	}
	// The colour conversion that waited for the filters: in place when the
	// tail made the image or no later output reads the head's, on a copy
	// otherwise.
	img, o.icc = f.color.finish(img, img != f.img || o.last(), o.format)
	if len(f.frames) > 1 && o.format.CanAnimate() {
		if o.frames, err = o.tailFrames(env, limit); err != nil {
			return nil, err
		}
	}
	for _, w := range f.color.warnings {
		if !slices.Contains(f.warnings, w) {
			f.warnings = append(f.warnings, w)
		}
	}
	o.width, o.height = img.Bounds().Dx(), img.Bounds().Dy()
	if o.width != o.fields.Width || o.height != o.fields.Height {
		if o.c.full.SizeKnown() {
			return nil, fileErr(f.job.Source.Path, ErrOther, nil, "internal error: the filters made %dx%d, expected %dx%d", o.width, o.height, o.fields.Width, o.fields.Height)
		}
		o.fields.Width, o.fields.Height = o.width, o.height
		if err := o.name(); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// encode turns the output's image into its format's bytes: at its quality,
// or the best its size target allows (which may scale it down, and then
// renames it when its name has the size); with OnlyIfSmaller, the source's
// own bytes when these would not be smaller.
func (o *outputRun) encode(img image.Image) ([]byte, error) {
	f, c := o.f, o.c
	src := f.job.Source
	if err := f.step(StageEncoding); err != nil {
		return nil, err
	}
	meta := o.metadataFor()
	lossless := c.Lossless || (c.Format == codec.SameFormat && f.info.Lossless)
	enc := func(img image.Image, q int) ([]byte, error) {
		b := img.Bounds()
		m, _, _ := meta(b.Dx(), b.Dy())
		opts := codec.EncodeOptions{Format: o.format, Quality: q, PNGCompression: c.PNGLevel, AVIFSpeed: c.AVIFSpeed, AVIFOneFrame: c.AVIFOneFrame, Lossless: lossless, Meta: &m}
		var buf bytes.Buffer
		var err error
		if o.frames != nil {
			err = codec.EncodeFrames(&buf, o.frames, f.dec.Loop, opts)
		} else {
			err = codec.Encode(&buf, img, opts)
		}
		if err != nil {
			return nil, fileErr(src.Path, ErrWrite, err, "cannot encode %s: %v", o.format, err)
		}
		return buf.Bytes(), nil
	}
	q := 0
	if o.format.HasQuality() && !lossless {
		q = c.Quality
		if q == 0 {
			q = o.format.DefaultQuality()
		}
	}
	var data []byte
	if c.Size.Max > 0 {
		target := c.Size
		target.NoScale = target.NoScale || o.frames != nil // an animation's frames are not scaled
		r, err := target.fit(img, q, enc)
		if fe := (*FileError)(nil); errors.As(err, &fe) && fe.Path == "" {
			fe.Path = src.Path
		}
		if err != nil {
			return nil, err
		}
		data, q, img = r.data, r.quality, r.img
	} else {
		var err error
		if data, err = enc(img, q); err != nil {
			return nil, err
		}
	}
	o.quality = q
	_, rep, warn := meta(img.Bounds().Dx(), img.Bounds().Dy())
	o.metadata, f.warnings = rep, append(f.warnings, warn...)
	if b := img.Bounds(); b.Dx() != o.width || b.Dy() != o.height {
		o.width, o.height = b.Dx(), b.Dy()
		o.fields.Width, o.fields.Height = o.width, o.height
		if err := o.name(); err != nil {
			return nil, err
		}
	}
	if c.OnlyIfSmaller && string(o.format) == f.info.Format && o.width == f.w && o.height == f.h && sourceMetadataFits(rep) &&
		int64(len(data)) >= f.info.Size && (c.Size.Max == 0 || f.info.Size <= c.Size.Max) {
		if orig, err := os.ReadFile(src.Path); err == nil && int64(len(orig)) == f.info.Size {
			data, o.copied, o.quality = orig, true, 0
		}
	}
	return data, nil
}

// write moves the output's bytes into place at its name (see WriteAtomic).
func (o *outputRun) write(data []byte) error {
	f, c := o.f, o.c
	if err := f.step(StageWriting); err != nil {
		return err
	}
	var mtime time.Time // the source's, with KeepDates
	if f.p.s.KeepDates {
		mtime = f.mtime
	}
	final, err := writeAtomic(f.ctx, o.target, c.OnExists, f.p.s.AdoptIdentical, mtime, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	o.final = final
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) && fe.Kind == ErrCanceled {
			fe.Path = f.job.Source.Path
		}
		return err
	}
	o.bytes = int64(len(data))
	return nil
}

// tailFrames runs the output's own filters and the colour conversion that
// waited on each frame of an animation: new images, or copies where the
// tail has no steps and a later output still reads the head's frames.
func (o *outputRun) tailFrames(env *applyEnv, limit int64) ([]codec.Frame, error) {
	f := o.f
	frames := make([]codec.Frame, len(f.frames))
	for i, fr := range f.frames {
		img := fr.Image
		var err error
		switch tail := o.c.tail; {
		case tail.Len() == 0:
		case f.p.pipeline.Len() > 0:
			img, err = tail.apply(img, env, limit)
		default:
			img, err = tail.applyFrom(img, f.w, f.h, env, limit)
		}
		if err != nil {
			return nil, fileErr(f.job.Source.Path, ErrTooLarge, err, "%v", err)
		}
		fr.Image, _ = f.color.finish(img, img != f.frames[i].Image || o.last(), o.format)
		frames[i] = fr
	}
	return frames, nil
}

// last reports whether no later output of the file is still to make (so
// none reads the head's image after this one).
func (o *outputRun) last() bool {
	for i := range o.f.outs {
		if later := &o.f.outs[i]; later.i > o.i && !later.reported {
			return false
		}
	}
	return true
}

func (o *outputRun) result() OutputResult {
	r := OutputResult{Index: o.i, Output: o.final, Width: o.width, Height: o.height, BytesOut: o.bytes,
		Quality: o.quality, Copied: o.copied, Metadata: o.metadata, Err: o.err,
		Pixels: o.f.info.Pixels(), Warnings: slices.Clone(o.f.warnings)}
	if o.f.color != nil {
		r.Color = o.f.color.note
	}
	return r
}

// metadataFor returns what the output writes of its source's metadata for
// an image of w x h (see outputMetadata), made once per size: a size
// target encodes a few times at each.
func (o *outputRun) metadataFor() func(w, h int) (codec.Metadata, *MetadataReport, []string) {
	f, s := o.f, &o.f.p.s
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
	var lastW, lastH int
	var m codec.Metadata
	var rep *MetadataReport
	var warn []string
	return func(w, h int) (codec.Metadata, *MetadataReport, []string) {
		if w != lastW || h != lastH {
			lastW, lastH = w, h
			m, rep, warn = outputMetadata(f.dec.Meta, s.Metadata, o.format, upright, w, h, icc)
		}
		return m, rep, warn
	}
}

// sourceMetadataFits reports whether the source's own bytes may stand for
// an output whose metadata is rep (OnlyIfSmaller): only when the policy
// removed nothing from it but an EXIF thumbnail, and no profile was
// converted; otherwise copying the source would bring back what the
// policy took out (GPS, or everything with "none").
func sourceMetadataFits(rep *MetadataReport) bool {
	if rep == nil {
		return true
	}
	for _, r := range rep.Removed {
		if r != "thumbnail" {
			return false
		}
	}
	return len(rep.Converted) == 0
}
