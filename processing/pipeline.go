package processing

import (
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
)

// A Pipeline is a compiled, checked chain, ready to run on images. It is
// immutable and safe for concurrent use.
type Pipeline struct {
	steps []compiledStep
	// bounded: a step's output size depends on the image's content (trim),
	// so OutputSize is an estimate from that step on (see OutputSize).
	bounded bool
}

type compiledStep struct {
	index int
	k     *kind
	v     values
	f     stepFilter // for kinds with build; nil otherwise
}

// run applies the step; owned says img is the pipeline's own intermediate.
func (s compiledStep) run(img image.Image, owned bool, env *applyEnv) *image.NRGBA {
	if s.f != nil {
		return s.f.apply(img, owned, env)
	}
	return s.k.apply(s.v, img)
}

// applyEnv is what one file brings to the steps besides its pixels.
type applyEnv struct {
	// expand fills the tokens of a text ({artist}, {year}) from the file;
	// nil leaves a text as it is.
	expand func(text string) string
}

// Compile checks every enabled step (kind, parameter names, types, ranges and
// how they combine) before any pixel is touched and returns the pipeline.
// Files a step names (an overlay's logo, a watermark's font) are read here,
// so a missing or unreadable one stops the chain before a batch starts.
func (c Chain) Compile() (*Pipeline, error) {
	p := &Pipeline{}
	for i, s := range c {
		k, ok := kindByName[strings.ToLower(s.Kind)]
		if !ok {
			err := unknownKind(s.Kind).(*SpecError)
			err.Index = i + 1
			return nil, err
		}
		v := values{}
		for name := range s.Params {
			if _, ok := k.info.Param(name); !ok {
				return nil, &SpecError{Index: i + 1, Kind: k.info.Name, Param: name, Msg: "no such parameter (has: " + paramNames(k.info) + ")"}
			}
		}
		for _, pi := range k.info.Params {
			raw, set := s.Params[pi.Name]
			if !set || (raw == "" && pi.Default == "") {
				v[pi.Name] = pi.Default
				continue
			}
			canon, err := ValidateParam(pi, raw)
			if err != nil {
				return nil, &SpecError{Index: i + 1, Kind: k.info.Name, Param: pi.Name, Msg: err.Error()}
			}
			v[pi.Name] = canon
		}
		step := compiledStep{index: i + 1, k: k, v: v}
		err := error(nil)
		if k.check != nil {
			err = k.check(v)
		}
		if err == nil && k.build != nil {
			step.f, err = k.build(v)
		}
		if err != nil {
			se, ok := err.(*SpecError)
			if !ok {
				se = &SpecError{Msg: err.Error()}
			}
			se.Index, se.Kind = i+1, k.info.Name
			return nil, se
		}
		if !s.Disabled {
			p.steps = append(p.steps, step)
			p.bounded = p.bounded || k.bound
		}
	}
	return p, nil
}

// Len is the number of steps the pipeline applies.
func (p *Pipeline) Len() int { return len(p.steps) }

// OutputSize returns the size the pipeline turns a w x h image into, and the
// largest number of pixels any step produces on the way, from the header
// alone (memory estimates and the pixel limit use it before decoding).
//
// It is exact unless a step's size depends on the image's content (trim:
// see SizeKnown). Such a step counts as keeping the whole image, its upper
// bound, and the steps after it are computed from that: the figures are then
// what the chain makes when nothing is trimmed, an estimate. Process checks
// the real size of every step against the pixel limit as it goes for those
// pipelines (a trimmed image that a resize to a fixed width then makes
// taller is caught there).
func (p *Pipeline) OutputSize(w, h int) (ow, oh int, peak int64) {
	peak = int64(w) * int64(h)
	for _, s := range p.steps {
		w, h = s.k.size(s.v, w, h)
		peak = max(peak, int64(w)*int64(h))
	}
	return w, h, peak
}

// SizeKnown reports whether OutputSize is exact: no step's size depends on
// the image's content.
func (p *Pipeline) SizeKnown() bool { return !p.bounded }

// Apply runs every step on img and returns the result. The first step reads
// img in whatever type the decoder made (no up-front conversion of a large
// image); an empty pipeline returns img as NRGBA. It never modifies img.
// Texts with tokens ({artist}) are drawn as they are written.
func (p *Pipeline) Apply(img image.Image) *image.NRGBA {
	out, _ := p.apply(img, nil, 0)
	return out
}

// apply is Apply for one file's env; with a limit > 0 and a pipeline whose
// sizes are not known before (SizeKnown), each step's size is checked
// against the limit before the step runs.
func (p *Pipeline) apply(img image.Image, env *applyEnv, limit int64) (*image.NRGBA, error) {
	if len(p.steps) == 0 {
		return toNRGBA(img), nil
	}
	orig, _ := img.(*image.NRGBA)
	var out *image.NRGBA
	for i, s := range p.steps {
		if limit > 0 && p.bounded {
			b := img.Bounds()
			if w, h := s.k.size(s.v, b.Dx(), b.Dy()); int64(w)*int64(h) > limit {
				return nil, fmt.Errorf("step %d (%s) would make a %dx%d image, over the pixel limit (%s)", s.index, s.k.info.Name, w, h, codec.RaiseLimitHint)
			}
		}
		owned := i > 0 && (orig == nil || !samePixels(out, orig))
		out = s.run(img, owned, env)
		img = out
	}
	return out, nil
}

// samePixels reports whether two images share their pixel memory: slices of
// one array (an image and its SubImage) end at the same element.
func samePixels(a, b *image.NRGBA) bool {
	if cap(a.Pix) == 0 || cap(b.Pix) == 0 {
		return false
	}
	return &a.Pix[:cap(a.Pix)][cap(a.Pix)-1] == &b.Pix[:cap(b.Pix)][cap(b.Pix)-1]
}

// FirstDownscale returns the size the first step shrinks a w x h image to,
// when the pipeline starts with a resize (or a smart crop, which resizes
// first) that reduces both sides; ok is false otherwise. Decoders use it to
// decode large JPEGs at a reduced scale.
func (p *Pipeline) FirstDownscale(w, h int) (tw, th int, ok bool) {
	if len(p.steps) == 0 {
		return 0, 0, false
	}
	s := p.steps[0]
	switch {
	case s.k.info.Name == "smartcrop" || (s.k.info.Name == "resize" && s.v["mode"] == "fill"):
		// fill scales to cover the target, then crops.
		tw, th = s.v.int("width"), s.v.int("height")
		scale := math.Max(float64(tw)/float64(w), float64(th)/float64(h))
		tw, th = int(math.Ceil(float64(w)*scale)), int(math.Ceil(float64(h)*scale))
	case s.k.info.Name == "resize":
		tw, th = resizeSize(s.v, w, h)
	default:
		return 0, 0, false
	}
	if tw >= w || th >= h {
		return 0, 0, false
	}
	return tw, th, true
}

// toNRGBA hands imaging the type it works on. Filters accept any image, but
// imaging converts through a generic scanner on every call; converting once
// is cheaper for chains of several steps. An NRGBA is passed as is.
func toNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok {
		return n
	}
	return imaging.Clone(img)
}
