package imgtest

import (
	"image"
	"math"
	"sort"

	"github.com/disintegration/imaging"
)

// DeltaE2000 is the CIEDE2000 colour difference between two CIELAB colours
// (CIE 142-2001), as in Sharma, Wu and Dalal, "The CIEDE2000 Color-
// Difference Formula: Implementation Notes, Supplementary Test Data, and
// Mathematical Observations", Color Research and Application 30(1), 2005,
// whose test pairs deltae_test.go checks. kL = kC = kH = 1.
func DeltaE2000(l1, a1, b1, l2, a2, b2 float64) float64 {
	deg := math.Pi / 180
	c1, c2 := math.Hypot(a1, b1), math.Hypot(a2, b2)
	cm := (c1 + c2) / 2
	cm7 := math.Pow(cm, 7)
	g := 0.5 * (1 - math.Sqrt(cm7/(cm7+math.Pow(25, 7))))
	a1p, a2p := (1+g)*a1, (1+g)*a2
	c1p, c2p := math.Hypot(a1p, b1), math.Hypot(a2p, b2)
	hue := func(b, ap float64) float64 {
		if b == 0 && ap == 0 {
			return 0
		}
		h := math.Atan2(b, ap) / deg
		if h < 0 {
			h += 360
		}
		return h
	}
	h1p, h2p := hue(b1, a1p), hue(b2, a2p)
	// Hues exactly 180° apart (Sharma's pairs 13 and 14) must take the
	// "within 180°" branches; floating point can miss that by an ulp.
	const at180 = 180 + 1e-9
	dL, dC := l2-l1, c2p-c1p
	var dh float64
	switch {
	case c1p*c2p == 0:
		dh = 0
	case math.Abs(h2p-h1p) <= at180:
		dh = h2p - h1p
	case h2p-h1p > at180:
		dh = h2p - h1p - 360
	default:
		dh = h2p - h1p + 360
	}
	dH := 2 * math.Sqrt(c1p*c2p) * math.Sin(dh/2*deg)
	lm, cmp := (l1+l2)/2, (c1p+c2p)/2
	var hm float64
	switch {
	case c1p*c2p == 0:
		hm = h1p + h2p
	case math.Abs(h1p-h2p) <= at180:
		hm = (h1p + h2p) / 2
	case h1p+h2p < 360:
		hm = (h1p + h2p + 360) / 2
	default:
		hm = (h1p + h2p - 360) / 2
	}
	t := 1 - 0.17*math.Cos((hm-30)*deg) + 0.24*math.Cos(2*hm*deg) + 0.32*math.Cos((3*hm+6)*deg) - 0.20*math.Cos((4*hm-63)*deg)
	dTheta := 30 * math.Exp(-math.Pow((hm-275)/25, 2))
	cmp7 := math.Pow(cmp, 7)
	rc := 2 * math.Sqrt(cmp7/(cmp7+math.Pow(25, 7)))
	l50 := (lm - 50) * (lm - 50)
	sl := 1 + 0.015*l50/math.Sqrt(20+l50)
	sc := 1 + 0.045*cmp
	sh := 1 + 0.015*cmp*t
	rt := -math.Sin(2*dTheta*deg) * rc
	return math.Sqrt(math.Pow(dL/sl, 2) + math.Pow(dC/sc, 2) + math.Pow(dH/sh, 2) + rt*(dC/sc)*(dH/sh))
}

// srgbLinear is sRGB's tone curve for each 8-bit value.
var srgbLinear = func() (t [256]float64) {
	for i := range t {
		c := float64(i) / 255
		if c <= 0.04045 {
			t[i] = c / 12.92
		} else {
			t[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return t
}()

// SRGBToLab converts an 8-bit sRGB colour to CIELAB (D65 white).
func SRGBToLab(r, g, b uint8) (float64, float64, float64) {
	rl, gl, bl := srgbLinear[r], srgbLinear[g], srgbLinear[b]
	x := (0.4124564*rl + 0.3575761*gl + 0.1804375*bl) / 0.95047
	y := 0.2126729*rl + 0.7151522*gl + 0.0721750*bl
	z := (0.0193339*rl + 0.1191920*gl + 0.9503041*bl) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x), f(y), f(z)
	return 116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)
}

// DeltaEStats compares two sRGB images of the same size pixel by pixel
// (every step-th pixel in each direction) and returns the mean and the 99th
// percentile of CIEDE2000, and the number of pixels compared. Transparent
// pixels count as what they are in NRGBA (colour without alpha).
func DeltaEStats(a, b image.Image, step int) (mean, p99 float64, n int) {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Dx() != bb.Dx() || ab.Dy() != bb.Dy() {
		return math.Inf(1), math.Inf(1), 0
	}
	step = max(step, 1)
	na, nb := imaging.Clone(a), imaging.Clone(b)
	var des []float64
	sum := 0.0
	for y := 0; y < ab.Dy(); y += step {
		for x := 0; x < ab.Dx(); x += step {
			pa, pb := na.Pix[na.PixOffset(x, y):], nb.Pix[nb.PixOffset(x, y):]
			l1, a1, b1 := SRGBToLab(pa[0], pa[1], pa[2])
			l2, a2, b2 := SRGBToLab(pb[0], pb[1], pb[2])
			d := DeltaE2000(l1, a1, b1, l2, a2, b2)
			des = append(des, d)
			sum += d
		}
	}
	if len(des) == 0 {
		return 0, 0, 0
	}
	sort.Float64s(des)
	return sum / float64(len(des)), des[min(len(des)-1, len(des)*99/100)], len(des)
}
