package processing

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// Names from a template on real files whose EXIF exiftool wrote: date,
// camera, lens, counter, output size; and a crafted Model of "../../x"
// that must not leave the output folder, even as a folder of its own.
func TestTemplateNamesFromEXIF(t *testing.T) {
	photo := imgtest.Path(t, "photos", "Landscape_1.jpg")
	tagged := imgtest.WithTags(t, photo, "IMG_7.jpg", "-Make=Canon", "-Model=Canon EOS R5",
		"-DateTimeOriginal=2024:05:17 18:42:07", "-LensModel=RF24-105mm F4 L IS USM")
	evil := imgtest.WithTags(t, photo, "evil.jpg", "-Make=../../..", "-Model=../../x", "-DateTimeOriginal=2023:01:02 03:04:05")
	plain := filepath.Join(t.TempDir(), "plain.jpg") // no date in EXIF: the file's time
	data, _ := os.ReadFile(photo)
	os.WriteFile(plain, data, 0o644)
	when := time.Date(2021, 3, 4, 5, 6, 7, 0, time.Local)
	os.Chtimes(plain, when, when)

	root := t.TempDir()
	out := filepath.Join(root, "deep", "out")
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=300x0"), Format: codec.JPEG, Naming: Naming{Dir: out,
		Template: "{camera}/{date:2006-01-02}_{n:03}_{width}x{height}_{lens}"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct{ path, want string }{
		{tagged, "Canon EOS R5/2024-05-17_001_300x200_RF24-105mm F4 L IS USM.jpg"},
		{evil, "_____ ____x/2023-01-02_002_300x200_.jpg"},
		{plain, "2021-03-04_003_300x200_.jpg"},
	} {
		res, err := p.Process(context.Background(), Source{Path: c.path, Rel: filepath.Base(c.path), Index: i}, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if rel, _ := filepath.Rel(out, res.Output); rel != filepath.FromSlash(c.want) {
			t.Errorf("%s written as %s, want %s", filepath.Base(c.path), rel, c.want)
		}
	}
	// Nothing anywhere but inside the output folder.
	for _, f := range filesUnder(root) {
		if rel, _ := filepath.Rel(out, f); strings.HasPrefix(rel, "..") {
			t.Errorf("%s was written outside the output folder", f)
		}
	}
	if n := len(filesUnder(out)); n != 3 {
		t.Errorf("%d files in the output folder, want 3", n)
	}
}

// EXIF is read only when a template needs it; names are the same as
// before templates existed when none is given.
func TestFieldsReadOnlyWhenUsed(t *testing.T) {
	p, err := NewProcessor(Settings{Naming: Naming{Template: "{name}_{n}"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.uses&(UsesEXIF|UsesDate) != 0 {
		t.Errorf("uses %b for a template of the path alone", p.uses)
	}
	p, _ = NewProcessor(Settings{Naming: Naming{Template: "{year}"}})
	if p.uses&UsesDate == 0 {
		t.Errorf("uses %b for {year}", p.uses)
	}
	src := Source{Path: filepath.Join("in", "sub", "a.b.JPG"), Rel: filepath.Join("sub", "a.b.JPG"), Dup: []int{2}}
	if got := (Naming{Dir: "out", Prefix: "p_", Suffix: "_s"}).Target(src, codec.PNG); got != filepath.Join("out", "sub", "p_a.b-2_s.png") {
		t.Errorf("default template: %s", got)
	}
	if got := (Naming{Dir: "out", Template: "{folder}_{ext}"}).Target(src, codec.PNG); got != filepath.Join("out", "sub", "sub_JPG-2.png") {
		t.Errorf("template without {name}, numbered: %s", got)
	}
}

// An output whose size the content decides (trim) is named from the size
// it really has, not the header's upper bound.
func TestNameWithTheTrimmedSize(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 100, 80))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 20; y < 50; y++ {
		for x := 30; x < 70; x++ {
			img.SetNRGBA(x, y, color.NRGBA{200, 0, 0, 255})
		}
	}
	path := filepath.Join(t.TempDir(), "box.png")
	f, _ := os.Create(path)
	png.Encode(f, img)
	f.Close()
	p, err := NewProcessor(Settings{Naming: Naming{Dir: t.TempDir()}, Outputs: []Output{
		{Chain: mustChain(t, "trim"), Format: codec.PNG, Naming: Naming{Template: "{name}_{width}x{height}"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(context.Background(), Source{Path: path, Rel: "box.png"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Output) != "box_40x30.png" || res.Width != 40 {
		t.Errorf("%s, %dx%d", res.Output, res.Width, res.Height)
	}
}
