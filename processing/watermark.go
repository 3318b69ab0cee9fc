package processing

import (
	"image"
	"image/color"
	"math"
	"sync"

	"github.com/disintegration/imaging"
)

// watermark draws a line of text (a copyright, a name) on every image: its
// size a share of the image's width, so one setting suits every size, at an
// anchor and margin, in a colour and opacity, optionally turned, with a
// shadow or an outline so that it reads on any background. The text is laid
// out and drawn once per text and size and kept (see watermarkFilter).
func watermarkKind() kind {
	return kind{
		info: KindInfo{Name: "watermark", Title: "Watermark (text)", Shorthand: "text",
			Help: "draw a line of text on every image; its size is a share of the image's width, so one setting suits every size",
			Params: []ParamInfo{
				{Name: "text", Label: "Text", Type: Text, Max: 500, Help: "e.g. © Ann Smith 2026"},
				{Name: "size", Label: "Size", Type: Length, Default: "4%", Min: 1, Max: 4096, Help: "height of the letters (the font size): N% of the image's width, or pixels"},
				{Name: "font", Label: "Font file", Type: Path, Max: 4096, Exts: []string{".ttf", ".otf", ".ttc"}, Help: "a TrueType or OpenType file; empty: the Go font embedded in PicPool (other scripts from the system's fonts)"},
				{Name: "bold", Label: "Bold", Type: Bool, Default: "false", Help: "the embedded font's bold face (a font file is used as it is)"},
				{Name: "color", Label: "Colour", Type: Color, Default: "#ffffff"},
				{Name: "opacity", Label: "Opacity (%)", Type: Float, Default: "80", Min: 0, Max: 100},
				{Name: "anchor", Label: "Position", Type: Choice, Default: "bottom-right", Choices: anchors},
				{Name: "margin", Label: "Margin", Type: Length, Default: "2%", Min: 0, Max: maxSide, Help: "from the edges: pixels, or N% of the image's width"},
				{Name: "angle", Label: "Angle (°, clockwise)", Type: Float, Default: "0", Min: -360, Max: 360},
				{Name: "effect", Label: "Legibility", Type: Choice, Default: "shadow", Choices: []string{"none", "shadow", "outline"}, Help: "a soft shadow or an outline in the effect colour, so the text reads on any background"},
				{Name: "effectcolor", Label: "Effect colour", Type: Color, Default: "#000000"},
			}},
		short: single("text"),
		check: func(v values) error {
			if v["text"] == "" {
				return &SpecError{Param: "text", Msg: "a watermark needs a text"}
			}
			return nil
		},
		size: same,
		build: func(v values) (stepFilter, error) {
			f, err := loadFont(v["font"], v.bool("bold"))
			if err != nil {
				return nil, &SpecError{Param: "font", Msg: err.Error()}
			}
			return &watermarkFilter{v: v, ts: newTypesetter(f), sprites: map[spriteKey]*image.NRGBA{}}, nil
		},
	}
}

type watermarkFilter struct {
	v values

	mu      sync.Mutex // guards ts and sprites
	ts      *typesetter
	sprites map[spriteKey]*image.NRGBA
}

type spriteKey struct {
	text string
	size int // pixels
}

// spriteCacheSize bounds the texts kept at once (texts with per-file tokens
// differ from file to file); the cache starts again when full.
const spriteCacheSize = 64

func (f *watermarkFilter) apply(img image.Image, owned bool, env *applyEnv) *image.NRGBA {
	out := drawable(img, owned)
	b := out.Bounds()
	text := f.v["text"]
	if env != nil && env.expand != nil {
		text = env.expand(text)
	}
	size := f.v.length("size", b.Dx())
	if text == "" || size < 1 {
		return out
	}
	sprite := f.sprite(text, int(math.Round(size)), b.Dx()*b.Dy())
	margin := int(math.Round(f.v.length("margin", b.Dx())))
	at := anchorInset(f.v["anchor"], b.Size(), sprite.Bounds().Size(), margin)
	drawOver(out, sprite, at, f.v.float("opacity")/100)
	return out
}

// sprite returns the text drawn at size px with its effect, turned, made
// once per text and size. A text far larger than the image it goes on
// (pixels of area) is drawn smaller, at most four times its area.
func (f *watermarkFilter) sprite(text string, size, area int) *image.NRGBA {
	key := spriteKey{text, size}
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sprites[key]; ok {
		return s
	}
	px := float64(size)
	line := f.ts.shape(text, px)
	limit := math.Max(4*float64(area), 1<<20)
	if a := (line.width + 2*px) * (line.ascent + line.descent + 2*px); a > limit {
		px *= math.Sqrt(limit / a)
		line = f.ts.shape(text, px)
	}
	s := f.render(line, px)
	if len(f.sprites) >= spriteCacheSize {
		clear(f.sprites)
	}
	f.sprites[key] = s
	return s
}

// render draws a shaped line in the text colour over its shadow or
// outline, then turns it by the angle.
func (f *watermarkFilter) render(line textLine, px float64) *image.NRGBA {
	outline := max(1, int(math.Round(px/18)))
	shadowAt := max(1, int(math.Round(px/16)))
	shadowSigma := math.Max(0.5, px/24)
	pad := outline + shadowAt + int(math.Ceil(3*shadowSigma))
	text := f.ts.mask(line, px, pad)
	var effect *image.Alpha
	switch f.v["effect"] {
	case "outline":
		effect = dilate(text, outline)
	case "shadow":
		effect = shadow(text, shadowAt, shadowSigma)
	}
	sprite := paint(text, f.v.color("color"), effect, f.v.color("effectcolor"))
	if a := math.Mod(f.v.float("angle"), 360); a != 0 {
		sprite = imaging.Rotate(sprite, -a, color.Transparent)
	}
	return sprite
}

// paint makes the sprite: the text's colour where the text mask is, over
// the effect's colour where the effect mask is (nil: none).
func paint(text *image.Alpha, tc color.NRGBA, effect *image.Alpha, ec color.NRGBA) *image.NRGBA {
	b := text.Bounds()
	out := image.NewNRGBA(b)
	for i, a := range text.Pix {
		ta := uint32(a) * uint32(tc.A) / 255
		ea := uint32(0)
		if effect != nil {
			ea = uint32(effect.Pix[i]) * uint32(ec.A) / 255
		}
		// text over effect, straight alpha
		wd := ea * (255 - ta) // the effect's weight, scaled by 255
		oa := ta*255 + wd
		if oa == 0 {
			continue
		}
		p := out.Pix[4*i : 4*i+4 : 4*i+4]
		p[0] = uint8((uint32(tc.R)*ta*255 + uint32(ec.R)*wd + oa/2) / oa)
		p[1] = uint8((uint32(tc.G)*ta*255 + uint32(ec.G)*wd + oa/2) / oa)
		p[2] = uint8((uint32(tc.B)*ta*255 + uint32(ec.B)*wd + oa/2) / oa)
		p[3] = uint8((oa + 127) / 255)
	}
	return out
}

// dilate grows a mask by r pixels in every direction (a disc).
func dilate(m *image.Alpha, r int) *image.Alpha {
	b := m.Bounds()
	out := image.NewAlpha(b)
	for dy := -r; dy <= r; dy++ {
		dx := int(math.Sqrt(float64(r*r - dy*dy)))
		for y := max(0, -dy); y < min(b.Dy(), b.Dy()-dy); y++ {
			src := m.Pix[(y+dy)*m.Stride : (y+dy)*m.Stride+b.Dx()]
			dst := out.Pix[y*out.Stride : y*out.Stride+b.Dx()]
			for x := range dst {
				for sx := max(0, x-dx); sx <= min(b.Dx()-1, x+dx); sx++ {
					dst[x] = max(dst[x], src[sx])
				}
			}
		}
	}
	return out
}

// shadow is the mask moved down and right by d pixels and blurred.
func shadow(m *image.Alpha, d int, sigma float64) *image.Alpha {
	b := m.Bounds()
	moved := image.NewNRGBA(b) // blur works on colour images: alpha in every channel
	for y := 0; y+d < b.Dy(); y++ {
		for x := 0; x+d < b.Dx(); x++ {
			a := m.Pix[y*m.Stride+x]
			i := (y+d)*moved.Stride + 4*(x+d)
			moved.Pix[i], moved.Pix[i+1], moved.Pix[i+2], moved.Pix[i+3] = a, a, a, 255
		}
	}
	for i := 3; i < len(moved.Pix); i += 4 {
		moved.Pix[i] = 255
	}
	blurred := blur(moved, sigma)
	out := image.NewAlpha(b)
	for i := range out.Pix {
		out.Pix[i] = uint8(uint32(blurred.Pix[4*i]) * 3 / 4) // a shadow is lighter than the text
	}
	return out
}
