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
// the conversion runs. Both are decided here, in Processor.color, and
// nowhere else:
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

// colorResult is what the colour step did to one image.
type colorResult struct {
	icc      []byte // the profile to write into the output; nil for none
	note     string // for the report: "converted from … to sRGB", "kept …"; "" when nothing was done
	warnings []string
}

func (r *colorResult) warn(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

// color runs the decoded image through the filters (the function given) and
// the colour setting, in the order decided above, for an output in format.
func (p *Processor) color(dec *codec.Decoded, format codec.Format, filters func(image.Image) image.Image) (image.Image, colorResult) {
	var r colorResult
	img := dec.Image
	_, cmyk := img.(*image.CMYK)
	if len(dec.Meta.ICC) == 0 {
		if cmyk {
			r.note = "CMYK without a profile: turned into RGB without one"
			img = imaging.Clone(img)
		}
		return filters(img), r
	}
	prof, err := codec.ParseICC(dec.Meta.ICC)
	if err != nil {
		r.warn("%v: not used, the pixels are left as they are", err)
		if cmyk {
			img = imaging.Clone(img)
		}
		return filters(img), r
	}
	switch {
	case p.s.Color == codec.ColorKeep && !cmyk:
		r.icc, r.note = prof.Bytes(), "kept the profile "+prof.String()
		if !format.HoldsICC() {
			r.warn("%s cannot hold a colour profile: the output's colours are those of %s, without the profile that says so", format, prof)
		}
		return filters(img), r
	case prof.SRGB && !cmyk:
		r.icc = prof.Bytes()
		return filters(img), r
	}
	convert := func(img image.Image) image.Image {
		out, err := p.colors.ToSRGB(img, prof)
		switch {
		case err == nil:
			r.icc, r.note = codec.SRGBProfile(), "converted from "+prof.String()+" to sRGB"
			if _, ok := out.(*image.Gray); ok {
				r.icc = codec.SGrayProfile()
			} else if _, ok := out.(*image.Gray16); ok {
				r.icc = codec.SGrayProfile()
			}
		case errors.Is(err, codec.ErrNoColorManagement) && !cmyk:
			r.icc = prof.Bytes()
			r.warn("%v: the pixels keep the colours of %s, and the profile with them", err, prof)
		case errors.Is(err, codec.ErrNoColorManagement):
			r.warn("%v: CMYK turned into RGB without its profile %s", err, prof)
		default:
			r.warn("%v: not used, the pixels are left as they are", err)
		}
		if _, still := out.(*image.CMYK); still {
			out = imaging.Clone(out)
		}
		return out
	}
	w, h := dec.Info.Upright()
	ow, oh, _ := p.pipeline.OutputSize(w, h)
	if b := img.Bounds(); prof.ColorSpace == "RGB" && p.pipeline.ColorNeutral() && int64(ow)*int64(oh) <= int64(b.Dx())*int64(b.Dy()) {
		out := convert(filters(img))
		return out, r
	}
	out := filters(convert(img))
	return out, r
}
