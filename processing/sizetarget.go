package processing

import (
	"fmt"
	"image"
	"math"

	"github.com/disintegration/imaging"
)

// SizeTarget asks for outputs of at most Max bytes ("under 300 KB" for an
// upload form).
//
// For a format with a quality knob (codec.Format.HasQuality: JPEG, and the
// lossy formats added later) the encoder's quality is searched, from the
// output's quality down to MinQuality, with at most maxQualityEncodes
// encodes per image size: the quality asked for (kept when it fits), the
// floor (when even it is too big, the search stops there), then a first
// guess interpolated between the two (file size is close to exponential in
// quality) and bisection. The result is the highest quality tried that
// fits: the best one, or a step or two below it when the encodes run out.
//
// When the floor is still too big (or the format has no quality: PNG, GIF,
// TIFF, BMP, whose size goes with their pixel count), the image is scaled
// down in steps, each from the unscaled image by the factor the last size
// suggests (the square root of target/size, less 5%, between 50% and 90%
// per step), and searched again, at most maxScaleSteps times and never
// below minScaledSide pixels; with NoScale, or when that is not enough,
// the output fails with ErrOverSize and says how close it came. The other
// outputs of the file are made as usual.
type SizeTarget struct {
	Max        int64 `json:",omitempty"` // bytes; 0: no target
	MinQuality int   `json:",omitempty"` // the floor of the search; 0: DefaultMinQuality
	// NoScale fails the output when the floor quality is still too big,
	// instead of scaling the image down.
	NoScale bool `json:",omitempty"`
}

const (
	DefaultMinQuality = 40 // below it JPEG artefacts are plain to see
	maxQualityEncodes = 7
	maxScaleSteps     = 8
	minScaledSide     = 16
)

func (t SizeTarget) validate(quality int) error {
	switch {
	case t.Max < 0:
		return fmt.Errorf("size target %d bytes: must be positive", t.Max)
	case t.MinQuality < 0 || t.MinQuality > 100:
		return fmt.Errorf("size target: floor quality %d is outside 1..100", t.MinQuality)
	case t.MinQuality > 0 && quality > 0 && t.MinQuality > quality:
		return fmt.Errorf("size target: floor quality %d is above the quality %d", t.MinQuality, quality)
	}
	return nil
}

func (t SizeTarget) floor() int {
	if t.MinQuality == 0 {
		return DefaultMinQuality
	}
	return t.MinQuality
}

// encodeAt makes img's bytes at quality q (ignored by formats without one).
type encodeAt func(img image.Image, q int) ([]byte, error)

// fitted is what a size target reached: the bytes, their quality (0 for
// formats without one) and the image they hold (img itself or smaller).
type fitted struct {
	data    []byte
	quality int
	img     image.Image
	encodes int
}

// fit encodes img at quality want (0 for a format without one) within the
// target. A failure to fit is an error of kind ErrOverSize saying how
// close it came; an encoder's error is returned as it is.
func (t SizeTarget) fit(img image.Image, want int, enc encodeAt) (fitted, error) {
	cur, total := img, 0
	floor := min(t.floor(), want)
	for step := 0; ; step++ {
		r, fits, err := t.search(cur, want, floor, enc)
		total += r.encodes
		r.encodes = total
		if err != nil || fits {
			return r, err
		}
		b := cur.Bounds()
		at := fmt.Sprintf("%s at %dx%d", sizeText(int64(len(r.data))), b.Dx(), b.Dy())
		if want > 0 {
			at += fmt.Sprintf(", quality %d", r.quality)
		}
		if t.NoScale {
			return r, fileErr("", ErrOverSize, nil, "cannot make it %s or less: %s (scaling down is off)", sizeText(t.Max), at)
		}
		factor := math.Sqrt(float64(t.Max)/float64(len(r.data))) * 0.95
		factor = math.Max(0.5, math.Min(0.9, factor))
		w, h := int(math.Round(float64(b.Dx())*factor)), int(math.Round(float64(b.Dy())*factor))
		if step == maxScaleSteps || w < minScaledSide || h < minScaledSide {
			return r, fileErr("", ErrOverSize, nil, "cannot make it %s or less: still %s", sizeText(t.Max), at)
		}
		scale := float64(w) / float64(img.Bounds().Dx())
		cur = resize(img, w, max(1, int(math.Round(float64(img.Bounds().Dy())*scale))), imaging.Lanczos)
	}
}

// search finds the highest quality in floor..want whose bytes fit (see
// SizeTarget); fits is false when even the floor is too big (r is then
// the floor's).
func (t SizeTarget) search(img image.Image, want, floor int, enc encodeAt) (r fitted, fits bool, err error) {
	r.img = img
	tried := map[int][]byte{}
	at := func(q int) ([]byte, error) {
		if d, ok := tried[q]; ok {
			return d, nil
		}
		d, err := enc(img, q)
		r.encodes++
		tried[q] = d
		return d, err
	}
	hi, err := at(want)
	if err != nil || int64(len(hi)) <= t.Max || want <= floor {
		r.data, r.quality = hi, want
		return r, err == nil && int64(len(hi)) <= t.Max, err
	}
	lo, err := at(floor)
	if err != nil || int64(len(lo)) > t.Max {
		r.data, r.quality = lo, floor
		return r, false, err
	}
	qlo, qhi := floor, want
	for qhi-qlo > 1 && r.encodes < maxQualityEncodes {
		g := (qlo + qhi) / 2
		if r.encodes == 2 && len(lo) > 0 && len(hi) > len(lo) {
			frac := math.Log(float64(t.Max)/float64(len(lo))) / math.Log(float64(len(hi))/float64(len(lo)))
			g = qlo + int(frac*float64(qhi-qlo))
		}
		g = max(qlo+1, min(qhi-1, g))
		d, err := at(g)
		if err != nil {
			return r, false, err
		}
		if int64(len(d)) <= t.Max {
			qlo = g
		} else {
			qhi = g
		}
	}
	r.data, r.quality = tried[qlo], qlo
	return r, true, nil
}

// sizeText writes a byte count the way the flags read it: 300 KB, 1.5 MB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
