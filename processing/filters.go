package processing

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/disintegration/imaging"
)

// maxSide bounds every width and height a filter may be asked for; the
// pipeline also checks each intermediate size against the pixel limit.
const maxSide = 65535

// values holds a step's parameters after checking, with typed getters.
type values map[string]string

func (v values) int(name string) int {
	n, _ := strconv.Atoi(v[name])
	return n
}

func (v values) float(name string) float64 {
	f, _ := strconv.ParseFloat(v[name], 64)
	return f
}

func (v values) bool(name string) bool {
	b, _ := strconv.ParseBool(v[name])
	return b
}

func (v values) color(name string) color.NRGBA {
	c, _ := ParseColor(v[name])
	return c
}

// shorthand is a kind's "kind=VALUE" form.
type shorthand struct {
	parse  func(text string) (map[string]string, error)
	format func(s Step) (text string, names []string)
}

// kind is a filter kind's description and behaviour.
type kind struct {
	info  KindInfo
	short *shorthand
	// check validates the parameters together (ranges are already checked).
	check func(v values) error
	// size gives the output size for an input of w x h.
	size func(v values, w, h int) (int, int)
	// apply runs the filter.
	apply func(v values, img image.Image) *image.NRGBA
	// build, when set instead of apply, makes the step's filter once per
	// compiled pipeline, for kinds that need more than their values: a logo
	// read from its file, a cache of rendered text. It may refuse what only
	// it can check (a file that is missing or not an image) with a
	// *SpecError naming the parameter.
	build func(v values) (stepFilter, error)
	// bound says that size is an upper bound: the image's content decides
	// the real size (trim).
	bound bool
}

// stepFilter is a built step (see kind.build), safe for concurrent use.
type stepFilter interface {
	// apply runs the step on img. When owned, img is the pipeline's own
	// intermediate image and may be drawn on in place; otherwise it is the
	// caller's and must not be modified.
	apply(img image.Image, owned bool, env *applyEnv) *image.NRGBA
}

var anchors = []string{"center", "top-left", "top", "top-right", "left", "right", "bottom-left", "bottom", "bottom-right"}

var anchorValue = map[string]imaging.Anchor{
	"center": imaging.Center, "top-left": imaging.TopLeft, "top": imaging.Top, "top-right": imaging.TopRight,
	"left": imaging.Left, "right": imaging.Right, "bottom-left": imaging.BottomLeft, "bottom": imaging.Bottom,
	"bottom-right": imaging.BottomRight,
}

var resampleFilters = []string{"lanczos", "catmullrom", "mitchell", "linear", "box", "nearest", "hermite", "bspline", "gaussian", "hann", "hamming", "blackman", "bartlett", "welch", "cosine"}

var resampleValue = map[string]imaging.ResampleFilter{
	"lanczos": imaging.Lanczos, "catmullrom": imaging.CatmullRom, "mitchell": imaging.MitchellNetravali,
	"linear": imaging.Linear, "box": imaging.Box, "nearest": imaging.NearestNeighbor, "hermite": imaging.Hermite,
	"bspline": imaging.BSpline, "gaussian": imaging.Gaussian, "hann": imaging.Hann, "hamming": imaging.Hamming,
	"blackman": imaging.Blackman, "bartlett": imaging.Bartlett, "welch": imaging.Welch, "cosine": imaging.Cosine,
}

func sizeParams(wHelp, hHelp string) []ParamInfo {
	return []ParamInfo{
		{Name: "width", Label: "Width", Type: Int, Default: "0", Min: 0, Max: maxSide, Help: wHelp},
		{Name: "height", Label: "Height", Type: Int, Default: "0", Min: 0, Max: maxSide, Help: hHelp},
	}
}

// sizeShorthand reads "WxH" into width and height.
var sizeShorthand = &shorthand{
	parse: func(t string) (map[string]string, error) {
		w, h, ok := strings.Cut(strings.ToLower(t), "x")
		if !ok {
			return nil, fmt.Errorf("%q should be WxH, e.g. 1920x0", t)
		}
		return map[string]string{"width": w, "height": h}, nil
	},
	format: func(s Step) (string, []string) {
		return s.Get("width") + "x" + s.Get("height"), []string{"width", "height"}
	},
}

// percentKind is an adjustment taking one percentage.
func percentKind(name, title, help string, min, max float64, fn func(image.Image, float64) *image.NRGBA) kind {
	return kind{
		info: KindInfo{Name: name, Title: title, Help: help, Shorthand: "percent",
			Params: []ParamInfo{{Name: "percent", Label: "Amount (%)", Type: Float, Default: "0", Min: min, Max: max}}},
		short: single("percent"),
		size:  same,
		apply: func(v values, img image.Image) *image.NRGBA { return fn(img, v.float("percent")) },
	}
}

// single is a shorthand that sets one parameter.
func single(name string) *shorthand {
	return &shorthand{
		parse:  func(t string) (map[string]string, error) { return map[string]string{name: t}, nil },
		format: func(s Step) (string, []string) { return s.Get(name), []string{name} },
	}
}

func same(_ values, w, h int) (int, int)    { return w, h }
func swapped(_ values, w, h int) (int, int) { return h, w }

// resizeSize computes the output of a resize step.
func resizeSize(v values, w, h int) (int, int) {
	tw, th := v.int("width"), v.int("height")
	switch v["mode"] {
	case "fill":
		return tw, th
	case "exact":
		if tw == 0 {
			tw = int(math.Max(1, math.Round(float64(w)*float64(th)/float64(h))))
		}
		if th == 0 {
			th = int(math.Max(1, math.Round(float64(h)*float64(tw)/float64(w))))
		}
		return tw, th
	default: // fit: the largest size within tw x th (0 = unbounded) keeping the ratio
		scale := math.Inf(1)
		if tw > 0 {
			scale = float64(tw) / float64(w)
		}
		if th > 0 {
			scale = math.Min(scale, float64(th)/float64(h))
		}
		if scale >= 1 && !v.bool("enlarge") {
			return w, h
		}
		return int(math.Max(1, math.Round(float64(w)*scale))), int(math.Max(1, math.Round(float64(h)*scale)))
	}
}

// cropRect computes the rectangle a crop step keeps from a w x h image.
func cropRect(v values, w, h int) image.Rectangle {
	cw, ch := v.int("width"), v.int("height")
	if a := v["aspect"]; a != "" {
		rw, rh, _ := parseRatio(a)
		cw, ch = w, int(math.Round(float64(w)*rh/rw))
		if ch > h {
			cw, ch = int(math.Round(float64(h)*rw/rh)), h
		}
		cw, ch = max(cw, 1), max(ch, 1)
	}
	cw, ch = min(cw, w), min(ch, h)
	x, y := v.int("x"), v.int("y")
	if x < 0 || y < 0 || v["aspect"] != "" {
		pt := anchorPoint(v["anchor"], image.Pt(w, h), image.Pt(cw, ch))
		return image.Rectangle{Min: pt, Max: pt.Add(image.Pt(cw, ch))}.Intersect(image.Rect(0, 0, w, h))
	}
	return image.Rect(x, y, x+cw, y+ch).Intersect(image.Rect(0, 0, w, h))
}

// rotateSize is imaging's rotatedSize for an angle in degrees.
func rotateSize(v values, w, h int) (int, int) {
	a := math.Mod(v.float("angle"), 360)
	if a < 0 {
		a += 360
	}
	switch a {
	case 0, 180:
		return w, h
	case 90, 270:
		return h, w
	}
	// imaging's own formula (transform.go rotatedSize), for the angle it is given.
	sin, cos := math.Sincos(math.Pi * -a / 180)
	rot := func(x, y float64) (float64, float64) { return x*cos - y*sin, x*sin + y*cos }
	x1, y1 := rot(float64(w-1), 0)
	x2, y2 := rot(float64(w-1), float64(h-1))
	x3, y3 := rot(0, float64(h-1))
	minx, maxx := math.Min(x1, math.Min(x2, math.Min(x3, 0))), math.Max(x1, math.Max(x2, math.Max(x3, 0)))
	miny, maxy := math.Min(y1, math.Min(y2, math.Min(y3, 0))), math.Max(y1, math.Max(y2, math.Max(y3, 0)))
	nw, nh := maxx-minx+1, maxy-miny+1
	if nw-math.Floor(nw) > 0.1 {
		nw++
	}
	if nh-math.Floor(nh) > 0.1 {
		nh++
	}
	return int(nw), int(nh)
}

var kinds = []kind{
	{
		info: KindInfo{Name: "resize", Title: "Resize", Shorthand: "WxH",
			Help: "fit: largest size within WxH keeping the ratio (0 = no bound); fill: exactly WxH, cropping at the anchor; exact: WxH, 0 keeps the ratio",
			Params: append(sizeParams("target width in pixels (0 = from the ratio)", "target height in pixels (0 = from the ratio)"),
				ParamInfo{Name: "mode", Label: "Mode", Type: Choice, Default: "fit", Choices: []string{"fit", "fill", "exact"}},
				ParamInfo{Name: "anchor", Label: "Anchor", Type: Choice, Default: "center", Choices: anchors, Help: "where fill keeps the image"},
				ParamInfo{Name: "filter", Label: "Resampling", Type: Choice, Default: "lanczos", Choices: resampleFilters},
				ParamInfo{Name: "enlarge", Label: "Enlarge small images", Type: Bool, Default: "true", Help: "fit mode: scale up images smaller than the target"},
			)},
		short: sizeShorthand,
		check: func(v values) error {
			w, h := v.int("width"), v.int("height")
			if w == 0 && h == 0 {
				return &SpecError{Param: "width", Msg: "width and height cannot both be 0"}
			}
			if v["mode"] == "fill" && (w == 0 || h == 0) {
				return &SpecError{Param: "height", Msg: "fill needs both width and height"}
			}
			return nil
		},
		size: resizeSize,
		apply: func(v values, img image.Image) *image.NRGBA {
			f := resampleValue[v["filter"]]
			b := img.Bounds()
			if v["mode"] == "fill" {
				return imaging.Fill(img, v.int("width"), v.int("height"), anchorValue[v["anchor"]], f)
			}
			w, h := resizeSize(v, b.Dx(), b.Dy())
			if w == b.Dx() && h == b.Dy() {
				return toNRGBA(img)
			}
			return resize(img, w, h, f)
		},
	},
	{
		info: KindInfo{Name: "crop", Title: "Crop", Shorthand: "WxH, WxH+X+Y or W/H",
			Help: "keep a WxH rectangle at X,Y, or at the anchor when X and Y are -1; or the largest W/H aspect at the anchor",
			Params: append(sizeParams("width to keep", "height to keep"),
				ParamInfo{Name: "x", Label: "X", Type: Int, Default: "-1", Min: -1, Max: maxSide, Help: "left edge, -1 = use the anchor"},
				ParamInfo{Name: "y", Label: "Y", Type: Int, Default: "-1", Min: -1, Max: maxSide, Help: "top edge, -1 = use the anchor"},
				ParamInfo{Name: "aspect", Label: "Aspect W/H", Type: Ratio, Help: "crop to this aspect ratio instead of a size, e.g. 16/9"},
				ParamInfo{Name: "anchor", Label: "Anchor", Type: Choice, Default: "center", Choices: anchors},
			)},
		short: &shorthand{
			parse: func(t string) (map[string]string, error) {
				if strings.Contains(t, "/") {
					return map[string]string{"aspect": t}, nil
				}
				size, off, hasOff := strings.Cut(strings.ToLower(t), "+")
				w, h, ok := strings.Cut(size, "x")
				if !ok {
					return nil, fmt.Errorf("%q should be WxH, WxH+X+Y or W/H", t)
				}
				p := map[string]string{"width": w, "height": h}
				if hasOff {
					x, y, ok := strings.Cut(off, "+")
					if !ok {
						return nil, fmt.Errorf("%q should be WxH+X+Y", t)
					}
					p["x"], p["y"] = x, y
				}
				return p, nil
			},
			format: func(s Step) (string, []string) {
				if a := s.Get("aspect"); a != "" {
					return a, []string{"aspect", "width", "height", "x", "y"}
				}
				t := s.Get("width") + "x" + s.Get("height")
				if x, y := s.Get("x"), s.Get("y"); x != "-1" || y != "-1" {
					return t + "+" + x + "+" + y, []string{"width", "height", "x", "y"}
				}
				return t, []string{"width", "height"}
			},
		},
		check: func(v values) error {
			if v["aspect"] != "" {
				return nil
			}
			if v.int("width") < 1 || v.int("height") < 1 {
				return &SpecError{Param: "width", Msg: "a crop needs a width and height of at least 1, or an aspect"}
			}
			if (v.int("x") < 0) != (v.int("y") < 0) {
				return &SpecError{Param: "x", Msg: "give both x and y, or neither"}
			}
			return nil
		},
		size: func(v values, w, h int) (int, int) {
			r := cropRect(v, w, h)
			return r.Dx(), r.Dy()
		},
		apply: func(v values, img image.Image) *image.NRGBA {
			b := img.Bounds()
			r := cropRect(v, b.Dx(), b.Dy())
			if r.Empty() {
				return imaging.New(1, 1, color.Transparent)
			}
			return imaging.Crop(img, r.Add(b.Min))
		},
	},
	smartcropKind(),
	canvasKind(),
	trimKind(),
	{
		info: KindInfo{Name: "rotate", Title: "Rotate", Shorthand: "degrees clockwise",
			Help: "rotate clockwise; 90, 180 and 270 are exact, other angles fill the corners with the background",
			Params: []ParamInfo{
				{Name: "angle", Label: "Angle (°, clockwise)", Type: Float, Default: "90", Min: -360, Max: 360},
				{Name: "background", Label: "Background", Type: Color, Default: "#ffffff"},
			}},
		short: single("angle"),
		size:  rotateSize,
		apply: func(v values, img image.Image) *image.NRGBA {
			a := math.Mod(v.float("angle"), 360)
			if a < 0 {
				a += 360
			}
			switch a {
			case 0:
				return toNRGBA(img)
			case 90:
				return imaging.Rotate270(img) // imaging turns counter-clockwise
			case 180:
				return imaging.Rotate180(img)
			case 270:
				return imaging.Rotate90(img)
			}
			return imaging.Rotate(img, -a, v.color("background"))
		},
	},
	{
		info: KindInfo{Name: "flip", Title: "Flip", Shorthand: "h or v",
			Params: []ParamInfo{{Name: "direction", Label: "Direction", Type: Choice, Default: "h", Choices: []string{"h", "v"}, Help: "h: mirror left-right; v: upside down"}}},
		short: single("direction"),
		size:  same,
		apply: func(v values, img image.Image) *image.NRGBA {
			if v["direction"] == "v" {
				return imaging.FlipV(img)
			}
			return imaging.FlipH(img)
		},
	},
	{
		info:  KindInfo{Name: "transpose", Title: "Transpose", Help: "flip over the top-left to bottom-right diagonal"},
		size:  swapped,
		apply: func(_ values, img image.Image) *image.NRGBA { return imaging.Transpose(img) },
	},
	{
		info:  KindInfo{Name: "transverse", Title: "Transverse", Help: "flip over the top-right to bottom-left diagonal"},
		size:  swapped,
		apply: func(_ values, img image.Image) *image.NRGBA { return imaging.Transverse(img) },
	},
	{
		info: KindInfo{Name: "blur", Title: "Blur", Shorthand: "sigma", Help: "Gaussian blur",
			Params: []ParamInfo{{Name: "sigma", Label: "Sigma (px)", Type: Float, Default: "1", Min: 0.01, Max: 100}}},
		short: single("sigma"),
		size:  same,
		apply: func(v values, img image.Image) *image.NRGBA { return blur(img, v.float("sigma")) },
	},
	{
		info: KindInfo{Name: "sharpen", Title: "Sharpen", Shorthand: "sigma", Help: "unsharp mask with a Gaussian of this sigma",
			Params: []ParamInfo{{Name: "sigma", Label: "Sigma (px)", Type: Float, Default: "0.8", Min: 0.01, Max: 50}}},
		short: single("sigma"),
		size:  same,
		apply: func(v values, img image.Image) *image.NRGBA { return sharpen(img, v.float("sigma")) },
	},
	percentKind("brightness", "Brightness", "-100 is black, 100 is white", -100, 100, imaging.AdjustBrightness),
	percentKind("contrast", "Contrast", "-100 is flat grey", -100, 100, imaging.AdjustContrast),
	{
		info: KindInfo{Name: "gamma", Title: "Gamma", Shorthand: "gamma", Help: "below 1 darkens, above 1 lightens",
			Params: []ParamInfo{{Name: "gamma", Label: "Gamma", Type: Float, Default: "1", Min: 0.01, Max: 10}}},
		short: single("gamma"),
		size:  same,
		apply: func(v values, img image.Image) *image.NRGBA { return imaging.AdjustGamma(img, v.float("gamma")) },
	},
	percentKind("saturation", "Saturation", "-100 is grey, 100 doubles the saturation", -100, 100, imaging.AdjustSaturation),
	{
		info: KindInfo{Name: "hue", Title: "Hue", Shorthand: "degrees", Help: "turn every colour's hue around the colour wheel",
			Params: []ParamInfo{{Name: "degrees", Label: "Shift (°)", Type: Float, Default: "0", Min: -180, Max: 180}}},
		short: single("degrees"),
		size:  same,
		apply: func(v values, img image.Image) *image.NRGBA { return shiftHue(img, v.float("degrees")) },
	},
	autolevelKind(),
	{
		info:  KindInfo{Name: "grayscale", Title: "Grayscale"},
		size:  same,
		apply: func(_ values, img image.Image) *image.NRGBA { return imaging.Grayscale(img) },
	},
	{
		info:  KindInfo{Name: "invert", Title: "Invert", Help: "negative image"},
		size:  same,
		apply: func(_ values, img image.Image) *image.NRGBA { return imaging.Invert(img) },
	},
	watermarkKind(),
	overlayKind(),
}

var kindByName = map[string]*kind{}

func init() {
	for i := range kinds {
		kindByName[kinds[i].info.Name] = &kinds[i]
	}
	kindByName["greyscale"] = kindByName["grayscale"]
}

// shiftHue turns hues by deg degrees, through imaging.AdjustFunc (imaging
// v1.6.2 has no hue adjustment of its own).
func shiftHue(img image.Image, deg float64) *image.NRGBA {
	if deg == 0 {
		return toNRGBA(img)
	}
	shift := deg / 360
	return imaging.AdjustFunc(img, func(c color.NRGBA) color.NRGBA {
		h, s, l := rgbToHSL(c.R, c.G, c.B)
		h = math.Mod(h+shift+1, 1)
		r, g, b := hslToRGB(h, s, l)
		return color.NRGBA{r, g, b, c.A}
	})
}

func rgbToHSL(r8, g8, b8 uint8) (h, s, l float64) {
	r, g, b := float64(r8)/255, float64(g8)/255, float64(b8)/255
	mx, mn := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	l = (mx + mn) / 2
	if mx == mn {
		return 0, 0, l
	}
	d := mx - mn
	if l > 0.5 {
		s = d / (2 - mx - mn)
	} else {
		s = d / (mx + mn)
	}
	switch mx {
	case r:
		h = (g - b) / d
		if g < b {
			h += 6
		}
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	return h / 6, s, l
}

func hslToRGB(h, s, l float64) (uint8, uint8, uint8) {
	if s == 0 {
		v := clamp8(l * 255)
		return v, v, v
	}
	var q float64
	if l < 0.5 {
		q = l * (1 + s)
	} else {
		q = l + s - l*s
	}
	p := 2*l - q
	return clamp8(hue2rgb(p, q, h+1.0/3) * 255), clamp8(hue2rgb(p, q, h) * 255), clamp8(hue2rgb(p, q, h-1.0/3) * 255)
}

func hue2rgb(p, q, t float64) float64 {
	if t < 0 {
		t++
	}
	if t > 1 {
		t--
	}
	switch {
	case t < 1.0/6:
		return p + (q-p)*6*t
	case t < 0.5:
		return q
	case t < 2.0/3:
		return p + (q-p)*(2.0/3-t)*6
	}
	return p
}

func clamp8(f float64) uint8 { return uint8(math.Max(0, math.Min(255, math.Round(f)))) }

var namedColors = map[string]color.NRGBA{
	"black": {0, 0, 0, 255}, "white": {255, 255, 255, 255}, "transparent": {0, 0, 0, 0},
	"gray": {128, 128, 128, 255}, "grey": {128, 128, 128, 255}, "red": {255, 0, 0, 255},
	"green": {0, 128, 0, 255}, "blue": {0, 0, 255, 255},
}

// ParseColor reads #rgb, #rrggbb, #rrggbbaa or a colour name.
func ParseColor(s string) (color.NRGBA, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if c, ok := namedColors[s]; ok {
		return c, nil
	}
	hex := strings.TrimPrefix(s, "#")
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	if len(hex) == 6 {
		hex += "ff"
	}
	n, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || len(hex) != 8 || !strings.HasPrefix(s, "#") {
		return color.NRGBA{}, fmt.Errorf("%q is not a colour (#rgb, #rrggbb, #rrggbbaa or black, white, transparent…)", s)
	}
	return color.NRGBA{uint8(n >> 24), uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}
