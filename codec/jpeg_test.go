package codec

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/picpool/picpool/internal/imgtest"
)

// jpegSamples lists every JPEG of the shared test data: the photos (all
// EXIF orientations), Go's format samples (progressive, CMYK, grayscale,
// every subsampling, restart markers, truncated) and the hostile set.
func jpegSamples(t *testing.T) []string {
	t.Helper()
	imgtest.Testdata(t)
	var files []string
	for _, pattern := range []string{"photos/*.jpg", "formats/go-image/*.jpeg", "hostile/*.jpg"} {
		m, err := filepath.Glob(filepath.Join(imgtest.Dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("only %d JPEG samples", len(files))
	}
	return imgtest.Sample(files)
}

func needTurbo(t *testing.T) {
	t.Helper()
	if !turboJPEG {
		t.Skip("this build has only Go's JPEG codec (" + JPEGCodec + ")")
	}
}

// TestJPEGPathsAgree decodes every JPEG sample with libjpeg-turbo and with
// Go's decoder: the same size, orientation and nearly the same pixels, or
// the same error, kind and message alike.
func TestJPEGPathsAgree(t *testing.T) {
	needTurbo(t)
	decoded := 0
	for _, path := range jpegSamples(t) {
		name := filepath.Base(path)
		if imgtest.Race && name == "valid_144mpx_white.jpg" {
			continue // minutes of Go decoding under the race detector; TestHostile* covers it
		}
		fast, errFast := decodeFile(path, DecodeOptions{}, 0, 0, true)
		slow, errSlow := decodeFile(path, DecodeOptions{}, 0, 0, false)
		if (errFast == nil) != (errSlow == nil) {
			t.Errorf("%s: libjpeg-turbo: %v; Go: %v", name, errFast, errSlow)
			continue
		}
		if errFast != nil {
			if KindOf(errFast) != KindOf(errSlow) || errFast.Error() != errSlow.Error() {
				t.Errorf("%s: libjpeg-turbo fails with %v (%v), Go with %v (%v)", name, errFast, KindOf(errFast), errSlow, KindOf(errSlow))
			}
			continue
		}
		decoded++
		if fast.Info != slow.Info || fast.Scale != 1 {
			t.Errorf("%s: info %+v scale %d, Go %+v", name, fast.Info, fast.Scale, slow.Info)
		}
		if fast.Image.Bounds() != slow.Image.Bounds() {
			t.Errorf("%s: %v, Go %v", name, fast.Image.Bounds(), slow.Image.Bounds())
			continue
		}
		if o, ok := fast.Image.(interface{ Opaque() bool }); !ok || !o.Opaque() {
			t.Errorf("%s: libjpeg-turbo's %T is not opaque", name, fast.Image)
		}
		// Go upsamples chroma by repeating samples, libjpeg-turbo by
		// interpolating ("fancy upsampling"), and their IDCTs round
		// differently: a few levels apart at colour edges, no more.
		minPSNR, maxDiff := 30.0, 1.5
		if name == "video-001.rgb.jpeg" {
			// An RGB JPEG whose red is subsampled 2x2: the upsampling
			// differences fall on a primary, not on chroma. Against the
			// original (video-001.png) libjpeg-turbo scores 24.3 dB, Go 23.7.
			minPSNR, maxDiff = 26, 2.5
		}
		p, md := imgtest.PSNR(t, fast.Image, slow.Image), imgtest.MeanDiff(t, fast.Image, slow.Image)
		if p < minPSNR || md > maxDiff {
			t.Errorf("%s: libjpeg-turbo and Go differ: PSNR %.1f dB, mean difference %.2f", name, p, md)
		}
		if testing.Verbose() {
			t.Logf("%-45s %T vs %T  PSNR %5.1f dB  mean diff %.2f", name, fast.Image, slow.Image, p, md)
		}
	}
	want := 40
	if imgtest.Race {
		want = 10 // every fourth file
	}
	if decoded < want {
		t.Errorf("only %d samples decoded", decoded)
	}
}

// TestShrinkOnLoad checks the scale DecodeAtLeast picks and that
// orientation is applied after scaling, on every photo and orientation
// (processing's TestShrinkOnLoadFilters compares what the filters make of a
// reduced and a full decode).
func TestShrinkOnLoad(t *testing.T) {
	needTurbo(t)
	imgtest.Testdata(t)
	for _, c := range []struct {
		w, h  int // upright target
		scale int
	}{
		{1800, 0, 1}, {901, 0, 1}, // less than 2x: full size
		{900, 600, 2}, {600, 0, 2}, {450, 300, 4}, {300, 0, 4}, {225, 150, 8}, {64, 0, 8},
		{0, 600, 2}, {900, 601, 1}, // 1/2 would be 600 high: too small
	} {
		for _, shape := range []string{"Landscape", "Portrait"} {
			for n := 0; n <= 8; n++ {
				if imgtest.Race && n != 6 {
					continue // one turned photo is enough for the race detector's pace; make test runs all without -race
				}
				path := filepath.Join(imgtest.Dir, "photos", fmt.Sprintf("%s_%d.jpg", shape, n))
				w, h := c.w, c.h
				if shape == "Portrait" {
					w, h = h, w
				}
				d, err := DecodeAtLeast(path, DecodeOptions{}, w, h)
				if err != nil {
					t.Fatal(err)
				}
				uw, uh := d.Info.Upright()
				want := image.Pt((uw+c.scale-1)/c.scale, (uh+c.scale-1)/c.scale)
				if d.Scale != c.scale || d.Image.Bounds().Size() != want {
					t.Errorf("%s at least %dx%d: scale 1/%d, %v; want 1/%d, %v", filepath.Base(path), w, h, d.Scale, d.Image.Bounds().Size(), c.scale, want)
				}
			}
		}
	}
}

// TestJPEGEncodePaths encodes with libjpeg-turbo and with Go's encoder: both
// decode to nearly the source; Gray stays one-component; sub-images, other
// image types and translucent images (flattened onto white) are handled.
func TestJPEGEncodePaths(t *testing.T) {
	needTurbo(t)
	imgtest.Testdata(t)
	photo := mustDecode(t, filepath.Join(imgtest.Dir, "photos", "Landscape_1.jpg"))
	nrgba := imaging.Clone(photo)
	sub := nrgba.SubImage(image.Rect(101, 53, 901, 653)).(*image.NRGBA)
	gray := image.NewGray(nrgba.Bounds())
	for y := 0; y < gray.Rect.Dy(); y++ {
		for x := 0; x < gray.Rect.Dx(); x++ {
			gray.Set(x, y, nrgba.At(x, y))
		}
	}
	ycbcr, err := jpeg.Decode(mustOpen(t, filepath.Join(imgtest.Dir, "photos", "Landscape_1.jpg")))
	if err != nil {
		t.Fatal(err)
	}
	translucent := imaging.Clone(sub)
	for i := 3; i < len(translucent.Pix); i += 4 {
		translucent.Pix[i] = 128
	}
	for _, c := range []struct {
		name string
		img  image.Image
	}{{"nrgba", nrgba}, {"sub-image", sub}, {"gray", gray}, {"ycbcr", ycbcr}, {"translucent", translucent}} {
		var fast, slow bytes.Buffer
		o := EncodeOptions{Format: JPEG, Quality: 85}
		if err := encode(&fast, c.img, o, true); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if err := encode(&slow, c.img, o, false); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		a, err := jpeg.Decode(&fast)
		if err != nil {
			t.Fatalf("%s: libjpeg-turbo's JPEG does not decode: %v", c.name, err)
		}
		b, err := jpeg.Decode(&slow)
		if err != nil {
			t.Fatal(err)
		}
		if _, isGray := c.img.(*image.Gray); isGray != (a.ColorModel() == color.GrayModel) {
			t.Errorf("%s: encoded as %T", c.name, a)
		}
		if a.Bounds().Size() != c.img.Bounds().Size() {
			t.Errorf("%s: %v, want %v", c.name, a.Bounds().Size(), c.img.Bounds().Size())
			continue
		}
		if ps := imgtest.PSNR(t, a, b); ps < 32 {
			t.Errorf("%s: libjpeg-turbo's and Go's JPEGs differ: PSNR %.1f dB", c.name, ps)
		}
		if c.name == "translucent" {
			// Half-transparent pixels over white are at least half white.
			if px := imaging.Clone(a).Pix; px[0] < 120 || px[1] < 120 || px[2] < 120 {
				t.Errorf("translucent: not flattened onto white: %v", px[:4])
			}
		} else if ps := imgtest.PSNR(t, a, c.img); ps < 30 {
			t.Errorf("%s: libjpeg-turbo's JPEG is far from its source: PSNR %.1f dB", c.name, ps)
		}
	}
}

func mustDecode(t *testing.T, path string) image.Image {
	t.Helper()
	d, err := Decode(path, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Image
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
