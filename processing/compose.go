package processing

import (
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/disintegration/imaging"
)

// Helpers for the kinds that place one image on another (canvas, overlay,
// watermark): where a box goes at an anchor, flat fills, and the "over"
// blend of straight-alpha NRGBA pixels.

// length resolves a Length parameter against ref, the image's width:
// pixels as they are, "N%" as that share of ref.
func (v values) length(name string, ref int) float64 {
	s := v[name]
	if n, pct := strings.CutSuffix(s, "%"); pct {
		f, _ := strconv.ParseFloat(n, 64)
		return f / 100 * float64(ref)
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// anchorPoint is where a box of size inner goes inside one of size outer so
// that it sits at the anchor (center, top-left, top, …); it may be negative
// when inner is the larger.
func anchorPoint(anchor string, outer, inner image.Point) image.Point {
	free := outer.Sub(inner)
	x, y := free.X/2, free.Y/2
	if strings.HasSuffix(anchor, "left") {
		x = 0
	} else if strings.HasSuffix(anchor, "right") {
		x = free.X
	}
	if strings.HasPrefix(anchor, "top") {
		y = 0
	} else if strings.HasPrefix(anchor, "bottom") {
		y = free.Y
	}
	return image.Pt(x, y)
}

// anchorInset is anchorPoint with a margin kept from the edges the anchor
// touches (none for a centred axis).
func anchorInset(anchor string, outer, inner image.Point, margin int) image.Point {
	pt := anchorPoint(anchor, outer, inner)
	if strings.HasSuffix(anchor, "left") {
		pt.X += margin
	} else if strings.HasSuffix(anchor, "right") {
		pt.X -= margin
	}
	if strings.HasPrefix(anchor, "top") {
		pt.Y += margin
	} else if strings.HasPrefix(anchor, "bottom") {
		pt.Y -= margin
	}
	return pt
}

// filled returns a new w x h image of one colour.
func filled(w, h int, c color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	if c == (color.NRGBA{}) || w == 0 || h == 0 {
		return img
	}
	row := img.Pix[:4*w]
	for x := 0; x < w; x++ {
		row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = c.R, c.G, c.B, c.A
	}
	for y := 1; y < h; y++ {
		copy(img.Pix[y*img.Stride:], row)
	}
	return img
}

// drawable returns img as an NRGBA the caller may draw on: img itself when
// the pipeline owns it, a copy otherwise.
func drawable(img image.Image, owned bool) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok && owned {
		return n
	}
	return imaging.Clone(img)
}

// drawOver blends src over dst with its top-left corner at at (in dst's
// coordinates relative to its Bounds().Min), clipped to dst; opacity (0..1)
// scales src's alpha. Both are straight (not premultiplied) alpha.
func drawOver(dst, src *image.NRGBA, at image.Point, opacity float64) {
	db, sb := dst.Bounds(), src.Bounds()
	r := image.Rectangle{Min: at, Max: at.Add(sb.Size())}.Intersect(image.Rect(0, 0, db.Dx(), db.Dy()))
	if r.Empty() || opacity <= 0 {
		return
	}
	op := uint32(math.Round(math.Min(opacity, 1) * 255))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d := dst.Pix[y*dst.Stride+4*r.Min.X : y*dst.Stride+4*r.Max.X]
		sy := y - at.Y
		sx := r.Min.X - at.X
		s := src.Pix[sy*src.Stride+4*sx : sy*src.Stride+4*(sx+r.Dx())]
		for i := 0; i < len(d); i += 4 {
			sa := (uint32(s[i+3])*op + 127) / 255
			if sa == 0 {
				continue
			}
			da := uint32(d[i+3])
			if sa == 255 || da == 0 {
				d[i], d[i+1], d[i+2], d[i+3] = s[i], s[i+1], s[i+2], uint8(sa)
				continue
			}
			if da == 255 { // an opaque background, the common case
				inv := 255 - sa
				d[i] = uint8((uint32(s[i])*sa + uint32(d[i])*inv + 127) / 255)
				d[i+1] = uint8((uint32(s[i+1])*sa + uint32(d[i+1])*inv + 127) / 255)
				d[i+2] = uint8((uint32(s[i+2])*sa + uint32(d[i+2])*inv + 127) / 255)
				continue
			}
			// Both translucent: out = src + dst * (1 - src alpha), in
			// premultiplied terms, then back to straight alpha.
			wd := da * (255 - sa) // dst's weight, scaled by 255
			oa := sa*255 + wd     // out alpha, scaled by 255
			for c := 0; c < 3; c++ {
				d[i+c] = uint8((uint32(s[i+c])*sa*255 + uint32(d[i+c])*wd + oa/2) / oa)
			}
			d[i+3] = uint8((oa + 127) / 255)
		}
	}
}
