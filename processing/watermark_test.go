package processing

import (
	"image"
	"image/color"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-text/typesetting/di"
)

// dejaVu is a font with Arabic, from Debian's fonts-dejavu-core (the
// Makefile installs it for the tests).
const dejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

func needDejaVu(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(dejaVu); err != nil {
		t.Fatalf("%s is missing: make test installs fonts-dejavu-core", dejaVu)
	}
}

// changed is the bounding box of the pixels of out that differ from bg.
func changed(out *image.NRGBA, bg color.NRGBA) image.Rectangle {
	var r image.Rectangle
	b := out.Bounds()
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if at(out, x, y) != bg {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// Arabic text is shaped: letters take their joined forms and lam-alef
// becomes one ligature, so the glyphs are neither one per character nor the
// characters' own glyphs, and the line is narrower than the characters'
// advances laid end to end (a naive renderer's width).
func TestWatermarkShapesArabic(t *testing.T) {
	needDejaVu(t)
	f, err := loadFont(dejaVu, false)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTypesetter(f)
	const text = "السلام عليكم"
	line := ts.shape(text, 40)
	glyphs, contextual := 0, 0
	for _, run := range line.runs {
		if run.Face != ts.face {
			t.Errorf("a run of %q is not in DejaVu Sans, which has Arabic", text)
		}
		glyphs += len(run.Glyphs)
		for _, g := range run.Glyphs {
			r := []rune(text)[g.ClusterIndex]
			if nominal, _ := ts.face.NominalGlyph(r); nominal != g.GlyphID {
				contextual++
			}
		}
	}
	if runes := utf8.RuneCountInString(text); glyphs >= runes {
		t.Errorf("%d glyphs for %d characters: the lam-alef ligature did not form", glyphs, runes)
	}
	if contextual < 5 {
		t.Errorf("only %d glyphs differ from the characters' isolated forms", contextual)
	}
	var naive float64
	for _, r := range text {
		g, _ := ts.face.NominalGlyph(r)
		naive += float64(ts.face.HorizontalAdvance(g)) * 40 / float64(ts.face.Upem())
	}
	if line.width >= naive-1 {
		t.Errorf("shaped width %.1f px, the isolated characters' %.1f px: shaping changed nothing", line.width, naive)
	}
}

// Mixed directions are laid out in visual order: in a left-to-right line the
// Latin run comes first, in a right-to-left one (it starts with Arabic) the
// Arabic run is at the right.
func TestWatermarkLaysOutMixedDirections(t *testing.T) {
	needDejaVu(t)
	f, _ := loadFont(dejaVu, false)
	ts := newTypesetter(f)
	arabicAt := func(text string) []bool {
		var out []bool
		for _, run := range ts.shape(text, 30).runs {
			out = append(out, run.Direction.Progression() == di.TowardTopLeft)
		}
		return out
	}
	if got := arabicAt("Photo مرحبا"); len(got) < 2 || got[0] || !got[len(got)-1] {
		t.Errorf("LTR paragraph: runs right-to-left %v, want Latin first", got)
	}
	if got := arabicAt("مرحبا Photo"); len(got) < 2 || !got[len(got)-1] || got[0] {
		t.Errorf("RTL paragraph: runs right-to-left %v, want Arabic last (rightmost)", got)
	}
}

// The embedded Go font has no Arabic: those characters come from a system
// font, not as empty boxes.
func TestWatermarkFallsBackToSystemFonts(t *testing.T) {
	needDejaVu(t)
	f, err := loadFont("", false)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTypesetter(f)
	line := ts.shape("© مرحبا", 30)
	var fallback bool
	for _, run := range line.runs {
		if run.Face != ts.face {
			fallback = true
			for _, g := range run.Glyphs {
				if g.GlyphID == 0 {
					t.Errorf("a .notdef glyph in the fallback run")
				}
			}
		}
	}
	if !fallback {
		t.Error("the Arabic was not taken from another font")
	}
}

// The text goes where the anchor says, at the margin, its size a share of
// the image's width; the shadow is darker than the background, the outline
// surrounds the letters.
func TestWatermarkPlacementAndSize(t *testing.T) {
	bg := color.NRGBA{120, 160, 200, 255}
	box := func(spec string, w, h int) image.Rectangle {
		return changed(apply(t, spec, flat(w, h, bg)), bg)
	}
	tl := box("watermark=Hello:size=10%:anchor=top-left:margin=5", 400, 200)
	if tl.Empty() || tl.Min.X < 5 || tl.Min.Y < 5 || tl.Max.X > 200 || tl.Max.Y > 100 {
		t.Errorf("top-left: drawn at %v", tl)
	}
	br := box("watermark=Hello:size=10%:anchor=bottom-right:margin=5", 400, 200)
	if br.Empty() || br.Max.X > 395 || br.Max.Y > 195 || br.Min.X < 200 || br.Min.Y < 100 {
		t.Errorf("bottom-right: drawn at %v", br)
	}
	big := box("watermark=Hello:size=10%:anchor=top-left:margin=5", 800, 400)
	if r := float64(big.Dx()) / float64(tl.Dx()); r < 1.85 || r > 2.15 {
		t.Errorf("twice the width, %.2f times the text (%v vs %v): the size is not a share of the width", r, big, tl)
	}
	px := box("watermark=Hello:size=40:anchor=top-left:margin=0", 800, 400)
	if r := float64(px.Dx()) / float64(big.Dx()); r < 0.45 || r > 0.55 {
		t.Errorf("40 px against 10%% of 800: %v vs %v", px, big)
	}

	out := apply(t, "watermark=H:size=60:anchor=center:color=#ffffff:opacity=100:effect=shadow", flat(100, 100, bg))
	var light, dark bool
	for y := 0; y < 100; y++ {
		for x := 0; x < 100; x++ {
			c := at(out, x, y)
			light = light || c == (color.NRGBA{255, 255, 255, 255})
			dark = dark || (c.R < bg.R-30 && c.B < bg.B-30)
		}
	}
	if !light || !dark {
		t.Errorf("white text with a shadow: white pixels %v, shadow pixels %v", light, dark)
	}
	plain := changed(apply(t, "watermark=H:size=60:anchor=center:effect=none", flat(100, 100, bg)), bg)
	outlined := changed(apply(t, "watermark=H:size=60:anchor=center:effect=outline", flat(100, 100, bg)), bg)
	if !outlined.In(image.Rect(0, 0, 100, 100)) || outlined.Dx() <= plain.Dx() || outlined.Dy() <= plain.Dy() {
		t.Errorf("the outline %v does not surround the plain text %v", outlined, plain)
	}
	turned := changed(apply(t, "watermark=HHHHHH:size=20:anchor=center:effect=none:angle=90", flat(200, 200, bg)), bg)
	if turned.Dy() <= turned.Dx() {
		t.Errorf("turned by 90 degrees, the text is %v: not upright", turned)
	}
}

// The text is drawn once per text and size: a batch of images of one width
// makes one sprite, another width another.
func TestWatermarkDrawsOncePerSize(t *testing.T) {
	c, err := ParseChain("watermark=© PicPool:size=5%")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Compile()
	f := p.steps[0].f.(*watermarkFilter)
	for range 5 {
		p.Apply(flat(300, 200, gray))
	}
	if len(f.sprites) != 1 {
		t.Errorf("5 images of one width made %d sprites", len(f.sprites))
	}
	p.Apply(flat(600, 200, gray))
	if len(f.sprites) != 2 {
		t.Errorf("a second width: %d sprites", len(f.sprites))
	}
}

// A text far larger than the image is drawn smaller rather than making a
// sprite of gigabytes.
func TestWatermarkHugeTextIsBounded(t *testing.T) {
	out := apply(t, "watermark="+strings.Repeat("W", 400)+":size=100%", flat(300, 200, gray))
	if changed(out, gray).Empty() {
		t.Error("nothing drawn")
	}
}

func TestWatermarkErrorsNameTheParameter(t *testing.T) {
	dir := t.TempDir()
	notFont := writeImage(t, "logo.png", flat(2, 2, red))
	for spec, want := range map[string]string{
		"watermark": `step 1 (watermark): parameter "text": a watermark needs a text`,
		"watermark=hi:font=" + Quote(dir+"/no.ttf"): `step 1 (watermark): parameter "font": ` + dir + `/no.ttf: cannot read the file: no such file`,
		"watermark=hi:font=" + Quote(dir):           `parameter "font": ` + dir + `: is a folder`,
		"watermark=hi:font=" + Quote(notFont):       `parameter "font": ` + notFont + `: not a font file`,
		"watermark=hi:size=0":                       `parameter "size": 0 is outside 1..4096`,
		"watermark=hi:size=120%":                    `parameter "size": 120% is outside 0..100%`,
		"watermark=hi:effect=glow":                  `parameter "effect": "glow" is not one of none, shadow, outline`,
		"grayscale,watermark=hi:margin=3cm":         `step 2 (watermark): parameter "margin": "3cm" is not a length`,
		"watermark=text='a\tb'":                     `parameter "text": "a\tb" holds a control character`,
		"watermark='unterminated":                   `has no closing '`,
		"watermark='a'b":                            `"b" follows the closing quote`,
		"watermark=hi:font=/dev/null":               `parameter "font": /dev/null: is a device`,
	} {
		_, err := ParseChain(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseChain(%q) = %v, want %q", spec, err, want)
		}
	}
}
