package processing

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"log"
	"math"
	"os"
	"sort"
	"sync"
	"unicode"

	"github.com/go-text/render"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/fontscan"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/math/fixed"
)

// Text for the watermark: shaped with HarfBuzz (go-text/typesetting, which
// Fyne uses too), so that Arabic joins, Indic scripts reorder and combine,
// ligatures form and mixed left-to-right and right-to-left text is laid out
// in visual order; drawn by go-text/render into an alpha mask.

// maxFontFile bounds a font file read whole into memory.
const maxFontFile = 64 << 20

var (
	goFonts    [2]*font.Font // regular, bold
	goFontsErr error
	goFontOnce sync.Once
	fontFiles  fileCache[*font.Font]
)

// loadFont returns the font of a file (TTF, OTF, or the first of a TTC), or
// the embedded Go font (bold or not) for "".
func loadFont(path string, bold bool) (*font.Font, error) {
	if path == "" {
		goFontOnce.Do(func() {
			for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
				var f *font.Face
				if f, goFontsErr = font.ParseTTF(bytes.NewReader(ttf)); goFontsErr != nil {
					return
				}
				goFonts[i] = f.Font
			}
		})
		if bold {
			return goFonts[1], goFontsErr
		}
		return goFonts[0], goFontsErr
	}
	return fontFiles.get(path, func(path string, size int64) (*font.Font, error) {
		if size > maxFontFile {
			return nil, fmt.Errorf("%s: %d MiB is too large for a font file", path, size>>20)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if f, err := font.ParseTTF(bytes.NewReader(data)); err == nil {
			return f.Font, nil
		}
		if fs, err := font.ParseTTC(bytes.NewReader(data)); err == nil && len(fs) > 0 {
			return fs[0].Font, nil
		}
		return nil, fmt.Errorf("%s: not a font file PicPool reads (TrueType or OpenType)", path)
	})
}

// typesetter shapes and draws text in one font, falling back to the
// system's fonts for characters the font lacks (Arabic or Devanagari with
// the Go fonts, say). It is not safe for concurrent use: Faces and the
// shaper keep caches.
type typesetter struct {
	face     *font.Face
	fallback *fontscan.FontMap // made on the first character the face lacks
	noSystem bool              // the system's fonts could not be read
	seg      shaping.Segmenter
	shaper   shaping.HarfbuzzShaper
	wrapper  shaping.LineWrapper
}

func newTypesetter(f *font.Font) *typesetter { return &typesetter{face: font.NewFace(f)} }

// ResolveFace picks the face for a character (shaping.Fontmap).
func (t *typesetter) ResolveFace(r rune) *font.Face {
	if _, ok := t.face.NominalGlyph(r); ok || unicode.IsSpace(r) || unicode.IsControl(r) {
		return t.face
	}
	if t.fallback == nil && !t.noSystem {
		fm := fontscan.NewFontMap(log.New(io.Discard, "", 0))
		if err := fm.UseSystemFonts(""); err != nil {
			t.noSystem = true
			return t.face
		}
		fm.SetQuery(fontscan.Query{Families: []string{"sans-serif"}})
		t.fallback = fm
	}
	if t.fallback != nil {
		if f := t.fallback.ResolveFace(r); f != nil {
			if _, ok := f.NominalGlyph(r); ok {
				return f
			}
		}
	}
	return t.face
}

// textLine is shaped text: runs in visual order (left to right), with the
// line's extent above and below the baseline, in pixels.
type textLine struct {
	runs            []shaping.Output
	width           float64
	ascent, descent float64
}

// shape lays out one line of text at size px.
func (t *typesetter) shape(text string, size float64) textLine {
	runes := []rune(text)
	dir := paragraphDirection(runes)
	in := shaping.Input{Text: runes, RunEnd: len(runes), Direction: dir, Face: t.face, Size: fixed.Int26_6(math.Round(size * 64))}
	var outs []shaping.Output
	for _, run := range t.seg.Split(in, t) {
		outs = append(outs, t.shaper.Shape(run))
	}
	var line textLine
	if len(outs) == 0 {
		return line
	}
	lines, _ := t.wrapper.WrapParagraph(shaping.WrapConfig{Direction: dir, BreakPolicy: shaping.Never}, math.MaxInt32, runes, shaping.NewSliceIterator(outs))
	for _, l := range lines {
		line.runs = append(line.runs, l...)
	}
	sort.SliceStable(line.runs, func(i, j int) bool { return line.runs[i].VisualIndex < line.runs[j].VisualIndex })
	for _, r := range line.runs {
		line.width += float64(r.Advance) / 64
		line.ascent = math.Max(line.ascent, float64(r.LineBounds.Ascent)/64)
		line.descent = math.Max(line.descent, -float64(r.LineBounds.Descent)/64)
	}
	return line
}

// paragraphDirection is right to left when the first letter of the text
// belongs to a right-to-left script.
func paragraphDirection(text []rune) di.Direction {
	for _, r := range text {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko, unicode.Samaritan, unicode.Mandaic, unicode.Adlam) {
			return di.DirectionRTL
		}
		if unicode.IsLetter(r) {
			break
		}
	}
	return di.DirectionLTR
}

// mask draws the line into an alpha mask with pad pixels free on every
// side; the baseline is at pad + ascent.
func (t *typesetter) mask(line textLine, size float64, pad int) *image.Alpha {
	w := int(math.Ceil(line.width)) + 2*pad
	h := int(math.Ceil(line.ascent+line.descent)) + 2*pad
	m := image.NewAlpha(image.Rect(0, 0, max(w, 1), max(h, 1)))
	r := &render.Renderer{FontSize: float32(size), PixScale: 1, Color: color.White}
	x, baseline := float64(pad), pad+int(math.Round(line.ascent))
	for _, run := range line.runs {
		r.DrawShapedRunAt(run, m, int(math.Round(x)), baseline)
		x += float64(run.Advance) / 64
	}
	return m
}
