package codec

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/internal/imgtest"
)

func needColor(t *testing.T) {
	t.Helper()
	if !ColorManaged {
		t.Skip("this build has no colour management (" + ColorEngine() + ")")
	}
}

func profile(t testing.TB, name string) *ICCProfile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(imgtest.ICCDir, name))
	if err != nil {
		t.Fatalf("%v (make test installs icc-profiles-free, colord-data and libgs-common)", err)
	}
	p, err := ParseICC(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// noisy is a w x h image of varied colours.
func noisy(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i*37 + i/7)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

// TestToSRGBKeepsTypes converts one image in every type decoders and filters
// hand over: the same colours each time, alpha untouched, and the type kept
// where it can be (16-bit stays 16-bit, a palette stays a palette).
func TestToSRGBKeepsTypes(t *testing.T) {
	needColor(t)
	p := profile(t, "ghostscript/a98.icc")
	cv := NewColorConverter()
	want, err := cv.ToSRGB(imaging.Clone(noisy(32, 8)), p)
	if err != nil {
		t.Fatal(err)
	}
	if imgtest.MeanDiff(t, want, noisy(32, 8)) < 1 {
		t.Fatal("Adobe RGB to sRGB changed nothing")
	}
	rgba := image.NewRGBA(image.Rect(0, 0, 32, 8))
	draw.Draw(rgba, rgba.Bounds(), noisy(32, 8), image.Point{}, draw.Src)
	n64 := image.NewNRGBA64(image.Rect(0, 0, 32, 8))
	draw.Draw(n64, n64.Bounds(), noisy(32, 8), image.Point{}, draw.Src)
	ycc := image.NewYCbCr(image.Rect(0, 0, 32, 8), image.YCbCrSubsampleRatio444)
	pal := image.NewPaletted(image.Rect(0, 0, 32, 8), nil)
	for i := range 256 {
		pal.Palette = append(pal.Palette, color.NRGBA{uint8(i), uint8(255 - i), uint8(i * 3), 255})
	}
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i)
	}
	for name, c := range map[string]struct {
		in   image.Image
		want image.Image
		typ  string
	}{
		"RGBA":     {rgba, want, "*image.NRGBA"},
		"NRGBA64":  {n64, want, "*image.NRGBA64"},
		"YCbCr":    {ycc, mustSRGB(t, cv, imaging.Clone(ycc), p), "*image.NRGBA"},
		"Paletted": {pal, mustSRGB(t, cv, imaging.Clone(pal), p), "*image.Paletted"},
	} {
		got, err := cv.ToSRGB(c.in, p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if typ := fmt.Sprintf("%T", got); typ != c.typ {
			t.Errorf("%s became %s, want %s", name, typ, c.typ)
		}
		if d := maxDiff(got, c.want); d > 1 {
			t.Errorf("%s: %d levels from the NRGBA conversion", name, d)
		}
	}
	// Translucent pixels keep their alpha.
	half := noisy(8, 8)
	for i := 3; i < len(half.Pix); i += 4 {
		half.Pix[i] = 128
	}
	got, _ := cv.ToSRGB(half, p)
	if a := got.(*image.NRGBA).Pix[3]; a != 128 {
		t.Errorf("alpha became %d", a)
	}
}

func mustSRGB(t *testing.T, cv *ColorConverter, img image.Image, p *ICCProfile) image.Image {
	t.Helper()
	out, err := cv.ToSRGB(img, p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func maxDiff(a, b image.Image) int {
	na, nb := imaging.Clone(a), imaging.Clone(b)
	worst := 0
	for i := range na.Pix {
		worst = max(worst, abs(int(na.Pix[i])-int(nb.Pix[i])))
	}
	return worst
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// TestSRGBProfileIsIdentityForLCMS: lcms2 reads the profile PicPool writes as
// sRGB: converting through it moves no value by more than one level.
func TestSRGBProfileIsIdentityForLCMS(t *testing.T) {
	needColor(t)
	cv := NewColorConverter()
	for _, data := range [][]byte{SRGBProfile(), SGrayProfile()} {
		p, _ := ParseICC(data)
		in := noisy(64, 64)
		var img image.Image = imaging.Clone(in)
		if p.ColorSpace == "GRAY" {
			g := image.NewGray(in.Bounds())
			for i := range g.Pix {
				g.Pix[i] = uint8(i)
			}
			in2 := imaging.Clone(g)
			out := mustSRGB(t, cv, g, p)
			if d := maxDiff(out, in2); d > 1 {
				t.Errorf("sGray: %d levels", d)
			}
			continue
		}
		if d := maxDiff(mustSRGB(t, cv, img, p), in); d > 1 {
			t.Errorf("sRGB: %d levels", d)
		}
	}
}

// TestGrayProfileConvertsEveryGrayType: a gray profile's tone curve applies
// alike to Gray, Gray16 (at 16 bits) and gray pixels in NRGBA.
func TestGrayProfileConvertsEveryGrayType(t *testing.T) {
	needColor(t)
	p := profile(t, "Gray.icc")
	cv := NewColorConverter()
	g := image.NewGray(image.Rect(0, 0, 256, 1))
	g16 := image.NewGray16(g.Rect)
	n := image.NewNRGBA(g.Rect)
	for i := range 256 {
		g.Pix[i] = uint8(i)
		g16.SetGray16(i, 0, color.Gray16{uint16(i * 257)})
		n.SetNRGBA(i, 0, color.NRGBA{uint8(i), uint8(i), uint8(i), 255})
	}
	og, o16, on := mustSRGB(t, cv, g, p).(*image.Gray), mustSRGB(t, cv, g16, p).(*image.Gray16), mustSRGB(t, cv, n, p).(*image.NRGBA)
	changed := 0
	for i := range 256 {
		v8, v16, vn := int(og.Pix[i]), int(o16.Gray16At(i, 0).Y), int(on.Pix[4*i])
		if abs(v16/257-v8) > 1 || vn != v8 || on.Pix[4*i+1] != on.Pix[4*i+2] {
			t.Fatalf("level %d: Gray %d, Gray16 %d, NRGBA %v", i, v8, v16, on.Pix[4*i:4*i+4])
		}
		if v8 != i {
			changed++
		}
	}
	if changed < 50 {
		t.Errorf("gamma 2.2 to sRGB changed only %d levels", changed)
	}
}

// TestTransformsBuiltOncePerProfile: many goroutines converting with three
// profiles build three transforms; more distinct profiles than the cache
// holds still convert right, and the cache stays bounded.
func TestTransformsBuiltOncePerProfile(t *testing.T) {
	needColor(t)
	cv := NewColorConverter()
	profiles := []*ICCProfile{profile(t, "ghostscript/a98.icc"), profile(t, "colord/ProPhotoRGB.icc"), profile(t, "colord/WideGamutRGB.icc")}
	var want [3]image.Image
	for i, p := range profiles {
		want[i] = mustSRGB(t, NewColorConverter(), noisy(16, 16), p)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				k := (g + i) % 3
				out, err := cv.ToSRGB(noisy(16, 16), profiles[k])
				if err == nil && maxDiff(out, want[k]) != 0 {
					err = errors.New("a shared transform converted differently")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := cv.Transforms(); n != 3 {
		t.Errorf("%d transforms built for 3 profiles", n)
	}
	// 40 more profiles, the same Adobe RGB with another description each.
	base := profiles[0].Bytes()
	for i := range 40 {
		data := append([]byte(nil), base...)
		data[len(data)-1] ^= byte(i + 1) // the last byte of a tag: another hash
		p, err := ParseICC(data)
		if err != nil {
			t.Fatal(err)
		}
		if out := mustSRGB(t, cv, noisy(16, 16), p); maxDiff(out, want[0]) > 1 {
			t.Fatalf("profile %d converted differently", i)
		}
	}
	if n := cv.Transforms(); n != 43 {
		t.Errorf("%d transforms built for 43 profiles", n)
	}
	cv.c.mu.Lock()
	if n := len(cv.c.m); n > maxTransforms {
		t.Errorf("%d transforms kept, at most %d", n, maxTransforms)
	}
	cv.c.mu.Unlock()
}

// TestNoColorManagementLeavesPixels: a build without lcms2 says so and
// returns the image as it was.
func TestNoColorManagementLeavesPixels(t *testing.T) {
	if ColorManaged {
		t.Skip("this build has colour management")
	}
	img := noisy(4, 4)
	out, err := NewColorConverter().ToSRGB(img, profile(t, "ghostscript/a98.icc"))
	if !errors.Is(err, ErrNoColorManagement) || out != image.Image(img) {
		t.Errorf("%v, %T", err, out)
	}
}

// TestForScreen: previews show a file's colours in sRGB: converted with a
// usable profile, untouched with none, an sRGB one or a broken one.
func TestForScreen(t *testing.T) {
	needColor(t)
	cv := NewColorConverter()
	a98 := profile(t, "ghostscript/a98.icc").Bytes()
	for name, c := range map[string]struct {
		icc     []byte
		changed bool
	}{"Adobe RGB": {a98, true}, "none": {nil, false}, "sRGB": {SRGBProfile(), false}, "broken": {a98[:200], false}} {
		d := &Decoded{Image: noisy(16, 16), Meta: Metadata{ICC: c.icc}}
		if changed := maxDiff(cv.ForScreen(d), noisy(16, 16)) > 1; changed != c.changed {
			t.Errorf("%s: changed %v, want %v", name, changed, c.changed)
		}
	}
}
