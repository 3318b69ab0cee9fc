package processing

import (
	"image"
	"strconv"
)

// ApplyFrom is Apply for an image decoded at a reduced scale (see
// DecodeAtLeast) from an original of w x h: the first step, the resize that
// FirstDownscale reported, makes the size it would have made from the whole
// original, so the result is always OutputSize(w, h), whatever scale the
// decoder picked and however it rounded. An img of w x h is simply Apply.
func (p *Pipeline) ApplyFrom(img image.Image, w, h int) *image.NRGBA {
	out, _ := p.applyFrom(img, w, h, nil, 0)
	return out
}

// applyFrom is ApplyFrom with apply's env and limit.
func (p *Pipeline) applyFrom(img image.Image, w, h int, env *applyEnv, limit int64) (*image.NRGBA, error) {
	b := img.Bounds()
	if len(p.steps) == 0 || (b.Dx() == w && b.Dy() == h) || p.steps[0].k.info.Name != "resize" {
		return p.apply(img, env, limit)
	}
	first := p.steps[0]
	v := make(values, len(first.v))
	for name, value := range first.v {
		v[name] = value
	}
	// fill always makes exactly width x height; fit and exact compute the
	// size from the input's, so it is fixed from the original's here.
	if v["mode"] != "fill" {
		tw, th := first.k.size(first.v, w, h)
		v["mode"], v["width"], v["height"] = "exact", strconv.Itoa(tw), strconv.Itoa(th)
	}
	steps := append([]compiledStep{{index: first.index, k: first.k, v: v}}, p.steps[1:]...)
	return (&Pipeline{steps: steps, bounded: p.bounded}).apply(img, env, limit)
}
