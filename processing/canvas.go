package processing

import (
	"fmt"
	"image"
	"math"
	"strings"
)

// canvas extends the image to a size or an aspect ratio (never cropping),
// then adds a border; the new area is the background colour.
func canvasKind() kind {
	return kind{
		info: KindInfo{Name: "canvas", Title: "Canvas / border", Shorthand: "WxH or W/H",
			Help: "extend the canvas around the image to WxH or to the aspect W/H (a side already larger is kept: never crops), then add a border on every side",
			Params: append(sizeParams("canvas width (0 = the image's)", "canvas height (0 = the image's)"),
				ParamInfo{Name: "aspect", Label: "Aspect W/H", Type: Ratio, Help: "extend to this aspect ratio instead of a size, e.g. 1/1 for a square"},
				ParamInfo{Name: "anchor", Label: "Image at", Type: Choice, Default: "center", Choices: anchors, Help: "where the image sits on the larger canvas"},
				ParamInfo{Name: "background", Label: "Background", Type: Color, Default: "#ffffff", Help: "colour of the new area; transparent for PNG"},
				ParamInfo{Name: "border", Label: "Border", Type: Length, Default: "0", Min: 0, Max: maxSide / 2, Help: "added on every side: pixels, or N% of the image's width"},
			)},
		short: &shorthand{
			parse: func(t string) (map[string]string, error) {
				if strings.Contains(t, "/") {
					return map[string]string{"aspect": t}, nil
				}
				w, h, ok := strings.Cut(strings.ToLower(t), "x")
				if !ok {
					return nil, fmt.Errorf("%q should be WxH or W/H", t)
				}
				return map[string]string{"width": w, "height": h}, nil
			},
			format: func(s Step) (string, []string) {
				if a := s.Get("aspect"); a != "" {
					return a, []string{"aspect", "width", "height"}
				}
				if s.Get("width") == "0" && s.Get("height") == "0" {
					return "", nil
				}
				return s.Get("width") + "x" + s.Get("height"), []string{"width", "height"}
			},
		},
		check: func(v values) error {
			sized := v.int("width") > 0 || v.int("height") > 0
			if v["aspect"] != "" && sized {
				return &SpecError{Param: "aspect", Msg: "give a size or an aspect, not both"}
			}
			if !sized && v["aspect"] == "" && v.length("border", 1000) == 0 {
				return &SpecError{Param: "width", Msg: "a canvas needs a size, an aspect or a border"}
			}
			return nil
		},
		size: func(v values, w, h int) (int, int) {
			r, _ := canvasLayout(v, w, h)
			return r.X, r.Y
		},
		apply: func(v values, img image.Image) *image.NRGBA {
			b := img.Bounds()
			size, at := canvasLayout(v, b.Dx(), b.Dy())
			out := filled(size.X, size.Y, v.color("background"))
			drawOver(out, toNRGBA(img), at, 1)
			return out
		},
	}
}

// canvasLayout returns the canvas size for a w x h image and where the
// image's top-left corner goes on it.
func canvasLayout(v values, w, h int) (size, at image.Point) {
	cw, ch := max(w, v.int("width")), max(h, v.int("height"))
	if a := v["aspect"]; a != "" {
		rw, rh, _ := parseRatio(a)
		cw, ch = w, h
		if float64(w)*rh < float64(h)*rw { // too narrow: widen
			cw = max(w, int(math.Round(float64(h)*rw/rh)))
		} else {
			ch = max(h, int(math.Round(float64(w)*rh/rw)))
		}
	}
	at = anchorPoint(v["anchor"], image.Pt(cw, ch), image.Pt(w, h))
	border := int(math.Round(v.length("border", w)))
	return image.Pt(cw+2*border, ch+2*border), at.Add(image.Pt(border, border))
}
