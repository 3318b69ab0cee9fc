package processing

import (
	"image"
	"math"
	"strings"
)

// autolevel stretches the levels so that the darkest and lightest pixels
// (less a clipped share) reach black and white, optionally after a grey-world
// white balance.
func autolevelKind() kind {
	return kind{
		info: KindInfo{Name: "autolevel", Title: "Auto levels", Shorthand: "clip%",
			Help: "stretch the levels to the full range; luminance keeps the colours, channels stretches red, green and blue each (which also removes a colour cast)",
			Params: []ParamInfo{
				{Name: "clip", Label: "Clip (%)", Type: Float, Default: "0.5", Min: 0, Max: 25, Help: "share of the pixels allowed to become pure black, and pure white"},
				{Name: "mode", Label: "Stretch", Type: Choice, Default: "luminance", Choices: []string{"luminance", "channels"}},
				{Name: "whitebalance", Label: "Auto white balance", Type: Bool, Default: "false", Help: "first make the average colour neutral grey (grey world)"},
			}},
		short: &shorthand{
			parse: func(t string) (map[string]string, error) {
				return map[string]string{"clip": strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t), "%"))}, nil
			},
			format: func(s Step) (string, []string) { return s.Get("clip") + "%", []string{"clip"} },
		},
		size: same,
		apply: func(v values, img image.Image) *image.NRGBA {
			return autolevel(toNRGBA(img), v.float("clip"), v["mode"] == "channels", v.bool("whitebalance"))
		},
	}
}

// levelsFlat is the narrowest range that is stretched: a flatter image (a
// plain colour, a blank page) is left alone rather than made noise.
const levelsFlat = 8

func autolevel(img *image.NRGBA, clip float64, perChannel, whiteBalance bool) *image.NRGBA {
	b := img.Bounds()
	var hist [3][256]int
	var luma [256]int
	var lut [3][256]uint8
	for c := range lut {
		for i := range lut[c] {
			lut[c][i] = uint8(i)
		}
	}
	count := func(fn func(r, g, b uint8)) {
		for y := 0; y < b.Dy(); y++ {
			row := img.Pix[y*img.Stride : y*img.Stride+4*b.Dx()]
			for i := 0; i < len(row); i += 4 {
				if row[i+3] != 0 { // transparent pixels have no colour to level
					fn(row[i], row[i+1], row[i+2])
				}
			}
		}
	}
	if whiteBalance {
		count(func(r, g, b uint8) { hist[0][r]++; hist[1][g]++; hist[2][b]++ })
		// Grey world on the means within the clip range, gains kept
		// within 1/2..2 so that a picture of one colour is not turned grey.
		var means [3]float64
		for c := range 3 {
			lo, hi := percentiles(&hist[c], max(clip, 1))
			means[c] = meanBetween(&hist[c], lo, hi)
		}
		grey := (means[0] + means[1] + means[2]) / 3
		for c := range 3 {
			if means[c] <= 0 {
				continue
			}
			gain := math.Min(2, math.Max(0.5, grey/means[c]))
			for i := range lut[c] {
				lut[c][i] = clamp8(float64(i) * gain)
			}
		}
	}
	// The histograms of what the white balance made, then the stretch.
	hist = [3][256]int{}
	count(func(r, g, b uint8) {
		r, g, b = lut[0][r], lut[1][g], lut[2][b]
		hist[0][r]++
		hist[1][g]++
		hist[2][b]++
		luma[(299*int(r)+587*int(g)+114*int(b)+500)/1000]++
	})
	for c := range 3 {
		h := &hist[c]
		if !perChannel {
			h = &luma
		}
		lo, hi := percentiles(h, clip)
		if hi-lo < levelsFlat {
			continue
		}
		scale := 255 / float64(hi-lo)
		for i := range lut[c] {
			lut[c][i] = clamp8((float64(lut[c][i]) - float64(lo)) * scale)
		}
	}
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		src := img.Pix[y*img.Stride : y*img.Stride+4*b.Dx()]
		dst := out.Pix[y*out.Stride : y*out.Stride+4*b.Dx()]
		for i := 0; i < len(src); i += 4 {
			dst[i], dst[i+1], dst[i+2], dst[i+3] = lut[0][src[i]], lut[1][src[i+1]], lut[2][src[i+2]], src[i+3]
		}
	}
	return out
}

// percentiles returns the levels below which, and above which, at most
// clip percent of the histogram's samples lie.
func percentiles(h *[256]int, clip float64) (lo, hi int) {
	total := 0
	for _, n := range h {
		total += n
	}
	if total == 0 {
		return 0, 255
	}
	limit := int(clip / 100 * float64(total))
	for sum := 0; lo < 255; lo++ {
		if sum += h[lo]; sum > limit {
			break
		}
	}
	hi = 255
	for sum := 0; hi > 0; hi-- {
		if sum += h[hi]; sum > limit {
			break
		}
	}
	return lo, hi
}

// meanBetween is the mean level of the samples within lo..hi.
func meanBetween(h *[256]int, lo, hi int) float64 {
	var sum, n float64
	for i := lo; i <= hi; i++ {
		sum += float64(i * h[i])
		n += float64(h[i])
	}
	if n == 0 {
		return 0
	}
	return sum / n
}
