package processing

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// The logo is blended with its own transparency and the opacity, at the
// anchor and margin, scaled to its share of the width, or tiled.
func TestOverlayPixels(t *testing.T) {
	logo := Quote(writeImage(t, "logo.png", pixels(2, 2, red, red, red, color.NRGBA{0, 0, 255, 128})))
	out := apply(t, "overlay="+logo+":size=0:anchor=bottom-right:margin=1:opacity=50", flat(5, 5, white))
	for _, p := range []struct {
		x, y int
		want color.NRGBA
	}{
		{2, 2, color.NRGBA{228, 127, 127, 255}}, // red at half opacity over white
		{3, 3, color.NRGBA{191, 191, 255, 255}}, // blue at a quarter
		{4, 4, white},                           // the margin
		{1, 1, white},
	} {
		if got := at(out, p.x, p.y); !near(got, p.want, 1) {
			t.Errorf("(%d,%d) = %v, want %v", p.x, p.y, got, p.want)
		}
	}
	// 50% of a 8-pixel-wide image: the 2x2 logo drawn 4x4.
	out = apply(t, "overlay="+logo+":size=50%:anchor=top-left:margin=0", flat(8, 8, white))
	if r := changed(out, white); r != image.Rect(0, 0, 4, 4) {
		t.Errorf("scaled to 50%%: drawn over %v", r)
	}
	// Tiled 1 px apart: 2x2 tiles at 1, 4, 7 on a 9x9 image.
	out = apply(t, "overlay="+logo+":size=0:tile=true:margin=1", flat(9, 9, white))
	reds := 0
	for y := 0; y < 9; y++ {
		for x := 0; x < 9; x++ {
			if at(out, x, y) == red {
				reds++
			}
		}
	}
	if reds != 9*3 || at(out, 1, 1) != red || at(out, 7, 4) != red || at(out, 0, 0) != white {
		t.Errorf("tiled: %d red pixels, want 27", reds)
	}
}

// A WebP with transparency is a logo too; each size it is scaled to is
// made once per pipeline.
func TestOverlayWebPAndScaledOnce(t *testing.T) {
	logo := imgtest.Path(t, "formats", "x-image", "tux.lossless.webp")
	c, err := ParseChain("overlay=" + Quote(logo) + ":size=30%")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Compile()
	f := p.steps[0].f.(*overlayFilter)
	if f.logo.Opaque() {
		t.Fatal("tux.lossless.webp should have transparency")
	}
	photo := photo(t, "Landscape_1.jpg", 400)
	var out *image.NRGBA
	for range 3 {
		out = p.Apply(photo)
	}
	if len(f.scaled) != 1 || f.scaled[120] == nil {
		t.Errorf("3 images of one width: scaled sizes %v", len(f.scaled))
	}
	drawn := changed(out, color.NRGBA{}) // every pixel is "changed" from transparent black
	if drawn != out.Bounds() {
		t.Fatalf("the output lost pixels: %v", drawn)
	}
	diff := 0
	for i := range out.Pix {
		if out.Pix[i] != photo.Pix[i] {
			diff++
		}
	}
	if diff == 0 {
		t.Error("the logo changed nothing")
	}
}

// A logo that is missing, not an image or a folder stops the chain when it
// is parsed, naming the step and the parameter (a named pipe: see
// TestStepFilesThatArePipesAreRefused).
func TestOverlayRefusesBadFilesBeforeTheBatch(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.png")
	os.WriteFile(text, []byte("not an image"), 0o644)
	for spec, want := range map[string]string{
		"overlay": `step 1 (overlay): parameter "file": an overlay needs an image file`,
		"grayscale,overlay=" + Quote(dir+"/missing.png"): `step 2 (overlay): parameter "file": ` + dir + `/missing.png: cannot read the file: no such file`,
		"overlay=" + Quote(text):                         `parameter "file": ` + text + `: not an image`,
		"overlay=" + Quote(dir):                          `parameter "file": ` + dir + `: is a folder`,
		"overlay=x.png:opacity=150":                      `parameter "opacity": 150 is outside 0..100`,
	} {
		_, err := ParseChain(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseChain(%q) = %v, want %q", spec, err, want)
		}
	}
	// A disabled step is checked too: the user will switch it on later.
	c := Chain{{Kind: "overlay", Params: map[string]string{"file": dir + "/missing.png"}, Disabled: true}}
	if c.Validate() == nil {
		t.Error("a disabled overlay with a missing file passed")
	}
}
