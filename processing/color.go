package processing

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
)

// Colour: what Settings.Color does to one image, and where in the pipeline
// the conversion runs. Both are decided here, in Processor.planColor, and
// nowhere else (Process calls it after decoding, and colorPlan.finish for
// each output after the filters):
//
//   - No profile: the pixels are taken as sRGB and pass untouched, at no cost
//     (CMYK without a profile is turned into RGB without one, the way
//     browsers and ImageMagick show it: there is no telling which inks it
//     meant).
//   - A profile that cannot be used (truncated, absurd, or not for this
//     kind of image): the pixels are left as they are, the profile is
//     dropped, and the file gets a warning.
//   - keep: the pixels stay as they are and the profile goes into the
//     output with them.
//   - srgb (the default) and a profile that is sRGB in effect: nothing to
//     convert; the profile stays.
//   - srgb and any other profile: the pixels are converted to sRGB
//     (codec.ColorConverter: lcms2, relative colorimetric) and the output is
//     tagged sRGB (sGray for gray images). CMYK is converted before the
//     filters, which work on RGB; so are gray images (a table lookup per
//     pixel: converting first costs little and resamples in the output's
//     tone curve, as lcms2 followed by the filters would), and RGB images
//     whose chain changes colours (adjustments, grayscale, a rotation that
//     fills corners with a colour). Otherwise the chain only moves,
//     resamples or mixes pixels (see colorNeutral), and the conversion runs
//     after it, on the output's pixels, when they are no more than the
//     decoded ones: after shrink-on-load and a resize that is a fraction of
//     the work, for a result within a mean ΔE2000 of 0.6 of converting
//     first (TestColorMatchesLCMS).
//
// Builds without a colour engine (CGO_ENABLED=0) leave the pixels and the
// profile as they are, with a warning; CMYK is then turned into RGB without
// its profile.

// colorNeutral lists the filter kinds that treat every colour alike, with
// the test each step must pass: a kind not listed changes colours.
var colorNeutral = map[string]func(v values) bool{
	"resize": always, "crop": always, "flip": always, "transpose": always, "transverse": always,
	"blur": always, "sharpen": always,
	// Other angles fill the corners with a background, given in sRGB.
	"rotate": func(v values) bool { return math.Mod(v.float("angle"), 90) == 0 },
}

func always(values) bool { return true }

// ColorNeutral reports whether every step treats every colour alike, so that
// a colour conversion gives nearly the same result before or after the
// chain (see colorNeutral).
func (p *Pipeline) ColorNeutral() bool {
	for _, s := range p.steps {
		if ok := colorNeutral[s.k.info.Name]; ok == nil || !ok(s.v) {
			return false
		}
	}
	return true
}

// colorPlan is what the colour setting does to one image: planColor decides
// it once the pixels are decoded, and converts at once what cannot wait for
// the filters; finish converts, per output, what waited.
type colorPlan struct {
	p       *Processor
	prof    *codec.ICCProfile
	pending bool              // to convert after the filters
	kept    *codec.ICCProfile // ColorKeep: the profile written as it is

	icc      []byte   // the profile to write into the output; nil for none
	srgb     bool     // the output's pixels are sRGB (untagged, converted, or sRGB already)
	note     string   // for the report: "converted from … to sRGB", "kept …"; "" when nothing was done
	warnings []string // for the report
}

func (c *colorPlan) warn(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	for _, have := range c.warnings {
		if have == w {
			return
		}
	}
	c.warnings = append(c.warnings, w)
}

// planColor decides what the colour setting does to the decoded image (see
// the top of this file) and returns the image the filters get.
func (p *Processor) planColor(dec *codec.Decoded) (image.Image, *colorPlan) {
	c := &colorPlan{p: p}
	img := dec.Image
	_, cmyk := img.(*image.CMYK)
	if len(dec.Meta.ICC) == 0 {
		c.srgb = true // taken as sRGB
		if cmyk {
			c.note = "CMYK without a profile: turned into RGB without one"
			img = imaging.Clone(img)
		}
		return img, c
	}
	prof, err := codec.ParseICC(dec.Meta.ICC)
	if err != nil {
		c.warn("%v: not used, the pixels are left as they are", err)
		if cmyk {
			img = imaging.Clone(img)
		}
		return img, c
	}
	switch {
	case p.s.Color == codec.ColorKeep && !cmyk:
		c.icc, c.kept, c.note = prof.Bytes(), prof, "kept the profile "+prof.String()
		return img, c
	case prof.SRGB && !cmyk:
		c.icc, c.srgb = prof.Bytes(), true
		return img, c
	}
	c.prof = prof
	w, h := dec.Info.Upright()
	ow, oh, _ := p.pipeline.OutputSize(w, h)
	if b := img.Bounds(); prof.ColorSpace == "RGB" && p.pipeline.ColorNeutral() && int64(ow)*int64(oh) <= int64(b.Dx())*int64(b.Dy()) {
		c.pending = true
		return img, c
	}
	return c.convert(img), c
}

// finish converts an output's image when the conversion waited for the
// filters, in place where the image is its own (with several outputs of one
// image, each must get its own pixels), and returns it with the profile to
// write into an output of the given format.
func (c *colorPlan) finish(img image.Image, format codec.Format) (image.Image, []byte) {
	if c.pending {
		img = c.convert(img)
	}
	if c.kept != nil && !format.HoldsICC() {
		c.warn("%s cannot hold a colour profile: the output's colours are those of %s, without the profile that says so", format, c.kept)
	}
	return img, c.icc
}

// convert converts img to sRGB with the plan's profile, or says why not.
func (c *colorPlan) convert(img image.Image) image.Image {
	prof := c.prof
	_, cmyk := img.(*image.CMYK)
	out, err := c.p.colors.ToSRGB(img, prof)
	switch {
	case err == nil:
		c.icc, c.srgb, c.note = codec.SRGBProfile(), true, "converted from "+prof.String()+" to sRGB"
		switch out.(type) {
		case *image.Gray, *image.Gray16:
			c.icc = codec.SGrayProfile()
		}
	case errors.Is(err, codec.ErrNoColorManagement) && !cmyk:
		c.icc = prof.Bytes()
		c.warn("%v: the pixels keep the colours of %s, and the profile with them", err, prof)
	case errors.Is(err, codec.ErrNoColorManagement):
		c.warn("%v: CMYK turned into RGB without its profile %s", err, prof)
	default:
		c.warn("%v: not used, the pixels are left as they are", err)
	}
	if _, still := out.(*image.CMYK); still {
		out = imaging.Clone(out)
	}
	return out
}
