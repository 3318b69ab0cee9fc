package processing

import "image"

// ApplyFile is Apply for one file: steps that need the file's fields (see
// Fields; a watermark's text) receive f, nil meaning none known. Apply is
// ApplyFile(img, nil).
func (p *Pipeline) ApplyFile(img image.Image, f *Fields) *image.NRGBA {
	if len(p.steps) == 0 {
		return toNRGBA(img)
	}
	if f == nil {
		f = &Fields{}
	}
	var out *image.NRGBA
	for _, s := range p.steps {
		if s.k.applyFile != nil {
			out = s.k.applyFile(s.v, img, f)
		} else {
			out = s.k.apply(s.v, img)
		}
		img = out
	}
	return out
}

// Uses says which of the file's fields the pipeline's steps need (none for
// every kind but those that write text).
func (p *Pipeline) Uses() FieldSet {
	var u FieldSet
	for _, s := range p.steps {
		if s.k.uses != nil {
			u |= s.k.uses(s.v)
		}
	}
	return u
}
