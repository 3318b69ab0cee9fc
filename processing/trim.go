package processing

import (
	"image"
	"math"

	"github.com/disintegration/imaging"
)

// trim removes uniform borders: scanner margins, letterboxing, the empty
// edges of a logo. Its size depends on the content, so its size function
// is an upper bound (nothing trimmed); see Pipeline.OutputSize.
func trimKind() kind {
	return kind{
		info: KindInfo{Name: "trim", Title: "Trim borders", Shorthand: "tolerance",
			Help: "remove rows and columns at the edges that are one colour (each side's own: white margins, black bars, transparency); an image that is one colour all over is left as it is",
			Params: []ParamInfo{
				{Name: "tolerance", Label: "Tolerance (%)", Type: Float, Default: "10", Min: 0, Max: 100, Help: "how far a border pixel may stray from the border's colour, per channel (0 = exactly)"},
			}},
		short: single("tolerance"),
		bound: true,
		size:  same,
		apply: func(v values, img image.Image) *image.NRGBA {
			n := toNRGBA(img)
			r := trimRect(n, v.float("tolerance"))
			if r == n.Bounds() {
				return n
			}
			return imaging.Crop(n, r)
		},
	}
}

// trimRect is the part of img left once its uniform borders are removed.
// Top and bottom go first, then left and right over the rows that are left
// (so letterbox bars do not hide pillarbox bars). Each side's colour is the
// first pixel of its outermost line. A line is a border when every pixel is
// within tol percent of that colour on every channel (alpha included; two
// fully transparent pixels always match).
func trimRect(img *image.NRGBA, tol float64) image.Rectangle {
	b := img.Bounds()
	t := int(math.Round(tol / 100 * 255))
	px := func(x, y int) []uint8 { i := img.PixOffset(x, y); return img.Pix[i : i+4 : i+4] }
	near := func(p, ref []uint8) bool {
		if p[3] == 0 && ref[3] == 0 {
			return true
		}
		for c := 0; c < 4; c++ {
			if d := int(p[c]) - int(ref[c]); d > t || d < -t {
				return false
			}
		}
		return true
	}
	row := func(y, x0, x1 int, ref []uint8) bool {
		for x := x0; x < x1; x++ {
			if !near(px(x, y), ref) {
				return false
			}
		}
		return true
	}
	col := func(x, y0, y1 int, ref []uint8) bool {
		for y := y0; y < y1; y++ {
			if !near(px(x, y), ref) {
				return false
			}
		}
		return true
	}
	// Each side stops short of the opposite edge: a side whose lines are
	// all border is not trimmed (never trim to nothing).
	top, bottom := b.Min.Y, b.Max.Y
	for ref := px(b.Min.X, top); top < bottom && row(top, b.Min.X, b.Max.X, ref); {
		top++
	}
	if top == bottom {
		return b // one colour all over
	}
	for ref := px(b.Min.X, bottom-1); bottom > top && row(bottom-1, b.Min.X, b.Max.X, ref); {
		bottom--
	}
	if bottom == top {
		bottom = b.Max.Y
	}
	left, right := b.Min.X, b.Max.X
	for ref := px(left, top); left < right && col(left, top, bottom, ref); {
		left++
	}
	if left == right {
		left = b.Min.X
	}
	for ref := px(right-1, top); right > left && col(right-1, top, bottom, ref); {
		right--
	}
	if right == left {
		right = b.Max.X
	}
	return image.Rect(left, top, right, bottom)
}
