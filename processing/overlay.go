package processing

import (
	"fmt"
	"image"
	"math"
	"sync"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
)

// overlay draws an image (a logo, a signature: a PNG or WebP with
// transparency) on every image, scaled as a share of the image's width, at
// an anchor or tiled. The file is read when the chain is compiled, so a
// missing or unreadable logo stops the batch before it starts; each size
// the logo is scaled to is made once per pipeline and kept.
func overlayKind() kind {
	return kind{
		info: KindInfo{Name: "overlay", Title: "Overlay (logo)", Shorthand: "file",
			Help: "draw an image with transparency (PNG, WebP) over every image, scaled to a share of its width",
			Params: []ParamInfo{
				{Name: "file", Label: "Logo file", Type: Path, Max: 4096, Exts: []string{".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".jpg", ".jpeg"}, Help: "PNG or WebP, read once before the batch starts"},
				{Name: "size", Label: "Width", Type: Length, Default: "20%", Min: 0, Max: maxSide, Help: "the logo's width: N% of the image's width, or pixels; 0 = its own size"},
				{Name: "opacity", Label: "Opacity (%)", Type: Float, Default: "100", Min: 0, Max: 100},
				{Name: "anchor", Label: "Position", Type: Choice, Default: "bottom-right", Choices: anchors},
				{Name: "margin", Label: "Margin", Type: Length, Default: "2%", Min: 0, Max: maxSide, Help: "from the edges (with tile: between the tiles): pixels, or N% of the image's width"},
				{Name: "tile", Label: "Tile", Type: Bool, Default: "false", Help: "repeat the logo over the whole image instead"},
			}},
		short: single("file"),
		check: func(v values) error {
			if v["file"] == "" {
				return &SpecError{Param: "file", Msg: "an overlay needs an image file (PNG or WebP with transparency)"}
			}
			return nil
		},
		size: same,
		build: func(v values) (stepFilter, error) {
			logo, err := loadLogo(v["file"])
			if err != nil {
				return nil, &SpecError{Param: "file", Msg: err.Error()}
			}
			return &overlayFilter{v: v, logo: logo, scaled: map[int]*image.NRGBA{}}, nil
		},
	}
}

type overlayFilter struct {
	v    values
	logo *image.NRGBA

	mu     sync.Mutex
	scaled map[int]*image.NRGBA // by width
}

// scaledCacheSize bounds the sizes of a logo kept at once: a batch of mixed
// sizes makes a few; the cache starts again when full.
const scaledCacheSize = 32

func (o *overlayFilter) apply(img image.Image, owned bool, _ *applyEnv) *image.NRGBA {
	out := drawable(img, owned)
	b := out.Bounds()
	lw := int(math.Round(o.v.length("size", b.Dx())))
	if lw == 0 {
		lw = o.logo.Bounds().Dx()
	}
	logo := o.at(max(lw, 1))
	margin := int(math.Round(o.v.length("margin", b.Dx())))
	opacity := o.v.float("opacity") / 100
	if !o.v.bool("tile") {
		drawOver(out, logo, anchorInset(o.v["anchor"], b.Size(), logo.Bounds().Size(), margin), opacity)
		return out
	}
	step := logo.Bounds().Size().Add(image.Pt(margin, margin))
	for y := margin; y < b.Dy(); y += step.Y {
		for x := margin; x < b.Dx(); x += step.X {
			drawOver(out, logo, image.Pt(x, y), opacity)
		}
	}
	return out
}

// at returns the logo scaled to width w, made once per width.
func (o *overlayFilter) at(w int) *image.NRGBA {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s, ok := o.scaled[w]; ok {
		return s
	}
	lb := o.logo.Bounds()
	var s *image.NRGBA
	if w == lb.Dx() {
		s = o.logo
	} else {
		h := max(1, int(math.Round(float64(lb.Dy())*float64(w)/float64(lb.Dx()))))
		s = imaging.Resize(o.logo, w, h, imaging.Lanczos)
	}
	if len(o.scaled) >= scaledCacheSize {
		clear(o.scaled)
	}
	o.scaled[w] = s
	return s
}

var logos fileCache[*image.NRGBA]

// loadLogo reads an image file for an overlay, through the codec's checks
// (a regular file, a header within the pixel limit), upright.
func loadLogo(path string) (*image.NRGBA, error) {
	return logos.get(path, func(path string, _ int64) (*image.NRGBA, error) {
		dec, err := codec.Decode(path, codec.DecodeOptions{})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		return toNRGBA(dec.Image), nil
	})
}
