package processing

import (
	"image"
	"math"

	"github.com/disintegration/imaging"
)

// smartcrop is resize with mode fill whose window is chosen by content: the
// image is scaled to cover WxH, then the WxH window is centred on the most
// interesting spot, found the way libvips' "attention" strategy finds it
// (which comes from smartcrop.js): on a 32x32 thumbnail, detail (edges of
// the luminance), skin tones and saturated colour are summed, blurred over
// about the crop's size, and the window is centred on the maximum.
func smartcropKind() kind {
	return kind{
		info: KindInfo{Name: "smartcrop", Title: "Smart crop", Shorthand: "WxH",
			Help: "resize to cover WxH, then keep the WxH window with the most detail, skin tones and colour (resize with mode fill keeps the anchor instead)",
			Params: append(sizeParams("width of the result", "height of the result"),
				ParamInfo{Name: "filter", Label: "Resampling", Type: Choice, Default: "lanczos", Choices: resampleFilters},
			)},
		short: sizeShorthand,
		check: func(v values) error {
			if v.int("width") < 1 || v.int("height") < 1 {
				return &SpecError{Param: "width", Msg: "a smart crop needs a width and height of at least 1"}
			}
			return nil
		},
		size: func(v values, _, _ int) (int, int) { return v.int("width"), v.int("height") },
		apply: func(v values, img image.Image) *image.NRGBA {
			w, h := v.int("width"), v.int("height")
			cover := coverResize(img, w, h, resampleValue[v["filter"]])
			r := smartcropRect(cover, w, h)
			return imaging.Crop(cover, r.Add(cover.Bounds().Min))
		},
	}
}

// coverResize scales img to the smallest size that covers w x h, keeping
// its ratio (imaging.Fill's first step).
func coverResize(img image.Image, w, h int, f imaging.ResampleFilter) *image.NRGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	tw, th := w, h
	if float64(sw)/float64(sh) > float64(w)/float64(h) {
		tw = max(w, int(math.Round(float64(h)*float64(sw)/float64(sh))))
	} else {
		th = max(h, int(math.Round(float64(w)*float64(sh)/float64(sw))))
	}
	if tw == sw && th == sh {
		return toNRGBA(img)
	}
	return resize(img, tw, th, f)
}

// attentionGrid is the side of the thumbnail the interest is measured on:
// it sets the precision with which the window is placed.
const attentionGrid = 32

// smartcropRect chooses the w x h window of img (which covers w x h) around
// its most interesting spot, in coordinates relative to img's bounds.
func smartcropRect(img *image.NRGBA, w, h int) image.Rectangle {
	b := img.Bounds()
	iw, ih := b.Dx(), b.Dy()
	if iw == w && ih == h {
		return image.Rect(0, 0, w, h)
	}
	// The grid is 32x32, or as fine as a smaller image's pixels.
	nx, ny := min(attentionGrid, iw), min(attentionGrid, ih)
	score := interest(img, nx, ny)
	sigma := math.Max(math.Hypot(float64(w*nx)/float64(iw), float64(h*ny)/float64(ih))/10, 1)
	score = blurGrid(score, nx, ny, sigma)
	best := 0
	for i, s := range score {
		if s > score[best] {
			best = i
		}
	}
	// The centre of the best cell, back in the image's pixels.
	cx := int((float64(best%nx) + 0.5) * float64(iw) / float64(nx))
	cy := int((float64(best/nx) + 0.5) * float64(ih) / float64(ny))
	x := min(max(cx-w/2, 0), iw-w)
	y := min(max(cy-h/2, 0), ih-h)
	return image.Rect(x, y, x+w, y+h)
}

// interest scores each cell of an nx x ny grid over img (the mean colour of
// its pixels): the luminance's Laplacian (detail), closeness to a skin tone,
// and the red-green axis of CIELAB (saturated warm colours), the last two
// only where the cell is not nearly black.
func interest(img *image.NRGBA, nx, ny int) []float64 {
	b := img.Bounds()
	iw, ih := b.Dx(), b.Dy()
	sums := make([][4]float64, nx*ny) // r, g, b, count
	cellX := make([]int, iw)
	for x := range cellX {
		cellX[x] = x * nx / iw
	}
	for y := 0; y < ih; y++ {
		rowSums := sums[(y*ny/ih)*nx:]
		p := img.Pix[y*img.Stride : y*img.Stride+4*iw]
		for x := 0; x < iw; x++ {
			s := &rowSums[cellX[x]]
			s[0] += float64(p[4*x])
			s[1] += float64(p[4*x+1])
			s[2] += float64(p[4*x+2])
			s[3]++
		}
	}
	lum := make([]float64, nx*ny)
	score := make([]float64, nx*ny)
	for i, s := range sums {
		X, Y, Z := srgbToXYZ(s[0]/s[3], s[1]/s[3], s[2]/s[3])
		lum[i] = Y
		if Y <= 5 {
			continue
		}
		norm := math.Sqrt(X*X + Y*Y + Z*Z)
		skin := 100 - 100*math.Sqrt(sq(X/norm-0.78)+sq(Y/norm-0.57)+sq(Z/norm-0.44))
		_, a, _ := xyzToLab(X, Y, Z)
		score[i] = skin + a
	}
	at := func(x, y int) float64 { return lum[min(max(y, 0), ny-1)*nx+min(max(x, 0), nx-1)] }
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			lap := 4*at(x, y) - at(x-1, y) - at(x+1, y) - at(x, y-1) - at(x, y+1)
			score[y*nx+x] += math.Abs(5 * lap)
		}
	}
	return score
}

// blurGrid blurs an nx x ny grid with a Gaussian cut where it falls below
// a fifth of its peak, repeating the edge cells beyond the border.
func blurGrid(g []float64, nx, ny int, sigma float64) []float64 {
	radius := int(sigma * math.Sqrt(2*math.Log(5)))
	k := make([]float64, 2*radius+1)
	var total float64
	for i := range k {
		d := float64(i - radius)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		total += k[i]
	}
	pass := func(src []float64, at func(i, d int) int) []float64 {
		out := make([]float64, len(src))
		for i := range src {
			var sum float64
			for j, w := range k {
				sum += w * src[at(i, j-radius)]
			}
			out[i] = sum / total
		}
		return out
	}
	g = pass(g, func(i, d int) int { return i/nx*nx + min(max(i%nx+d, 0), nx-1) })
	return pass(g, func(i, d int) int { return min(max(i/nx+d, 0), ny-1)*nx + i%nx })
}

func sq(f float64) float64 { return f * f }

// srgbToXYZ converts 8-bit sRGB to CIE XYZ (D65) with Y from 0 to 100.
func srgbToXYZ(r, g, b float64) (x, y, z float64) {
	lin := func(c float64) float64 {
		c /= 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	R, G, B := lin(r), lin(g), lin(b)
	return 100 * (0.4124*R + 0.3576*G + 0.1805*B), 100 * (0.2126*R + 0.7152*G + 0.0722*B), 100 * (0.0193*R + 0.1192*G + 0.9505*B)
}

// xyzToLab converts XYZ (Y 0..100) to CIELAB with a D65 white.
func xyzToLab(x, y, z float64) (l, a, b float64) {
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x/95.047), f(y/100), f(z/108.883)
	return 116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)
}
