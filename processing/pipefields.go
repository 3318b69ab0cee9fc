package processing

import (
	"image"
	"sync"
)

// The current file's fields reach the steps that write text (a watermark's
// "© {artist} {year}") through applyEnv.expand: a Text parameter is a
// template (see Template) expanded per file with Template.Text. A text that
// is not a valid template is drawn as written.

// ApplyFile is Apply for one file: texts with fields are expanded from f
// (nil: drawn as written).
func (p *Pipeline) ApplyFile(img image.Image, f *Fields) *image.NRGBA {
	out, _ := p.apply(img, envFor(f), 0)
	return out
}

// envFor is what a file's fields bring to the steps; nil for none.
func envFor(f *Fields) *applyEnv {
	if f == nil {
		return nil
	}
	return &applyEnv{expand: func(text string) string {
		t, err := textTemplate(text)
		if err != nil {
			return text
		}
		return t.Text(f)
	}}
}

// textTemplates keeps the templates of the texts steps draw, parsed once
// (a batch has a few).
var textTemplates sync.Map // string → *Template or error

func textTemplate(text string) (*Template, error) {
	if v, ok := textTemplates.Load(text); ok {
		if t, ok := v.(*Template); ok {
			return t, nil
		}
		return nil, v.(error)
	}
	t, err := ParseTemplate(text)
	if err != nil {
		textTemplates.Store(text, err)
		return nil, err
	}
	textTemplates.Store(text, t)
	return t, nil
}

// Uses says which of the file's fields the pipeline's steps need: those
// of every Text parameter read as a template (none for a chain without
// text), so that Process reads a file's EXIF only when a step draws it.
func (p *Pipeline) Uses() FieldSet {
	var u FieldSet
	for _, s := range p.steps {
		for _, pi := range s.k.info.Params {
			if pi.Type != Text {
				continue
			}
			if t, err := textTemplate(s.v[pi.Name]); err == nil {
				u |= t.Uses()
			}
		}
	}
	return u
}
