package processing

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
)

// jpegSamples lists every JPEG of the shared test data: the photos (all
// EXIF orientations), Go's format samples (progressive, CMYK, grayscale,
// every subsampling, restart markers, truncated) and the hostile set.
func jpegSamples(t *testing.T) []string {
	t.Helper()
	needTestdata(t)
	var files []string
	for _, pattern := range []string{"photos/*.jpg", "formats/go-image/*.jpeg", "hostile/*.jpg"} {
		m, err := filepath.Glob(filepath.Join(testdata, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("only %d JPEG samples", len(files))
	}
	return raceSample(files)
}

// raceSample keeps every fourth file under the race detector, whose pace
// makes single-threaded codec work 10x slower and finds nothing in it; the
// Makefile runs these tests on every file without -race.
func raceSample(files []string) []string {
	if !raceEnabled {
		return files
	}
	var out []string
	for i := 0; i < len(files); i += 4 {
		out = append(out, files[i])
	}
	return out
}

// psnr compares two images of the same size over R, G and B, in dB.
func psnr(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v vs %v", a.Bounds().Size(), b.Bounds().Size())
	}
	na, nb := imaging.Clone(a), imaging.Clone(b)
	var sum float64
	for i := range na.Pix {
		if i%4 == 3 {
			continue
		}
		d := float64(na.Pix[i]) - float64(nb.Pix[i])
		sum += d * d
	}
	mse := sum / float64(len(na.Pix)/4*3)
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
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
		if raceEnabled && name == "valid_144mpx_white.jpg" {
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
		p, md := psnr(t, fast.Image, slow.Image), meanDiff(t, fast.Image, slow.Image)
		if p < minPSNR || md > maxDiff {
			t.Errorf("%s: libjpeg-turbo and Go differ: PSNR %.1f dB, mean difference %.2f", name, p, md)
		}
		if testing.Verbose() {
			t.Logf("%-45s %T vs %T  PSNR %5.1f dB  mean diff %.2f", name, fast.Image, slow.Image, p, md)
		}
	}
	want := 40
	if raceEnabled {
		want = 10 // every fourth file
	}
	if decoded < want {
		t.Errorf("only %d samples decoded", decoded)
	}
}

// TestShrinkOnLoad checks the scale DecodeAtLeast picks, that orientation is
// applied after scaling, and that the filtered result looks like the one
// made from the full-size decode, on every photo and orientation.
func TestShrinkOnLoad(t *testing.T) {
	needTurbo(t)
	needTestdata(t)
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
				if raceEnabled && n != 6 {
					continue // one turned photo is enough for the race detector's pace; make test runs all without -race
				}
				path := filepath.Join(testdata, "photos", fmt.Sprintf("%s_%d.jpg", shape, n))
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
	// Filtered from a reduced decode or from the full one: the same size,
	// nearly the same pixels (the reference frame is upright Landscape_1).
	for _, spec := range []string{"resize=600x0", "resize=450x300,sharpen=0.8", "resize=200x200:mode=fill", "resize=0x150:mode=exact", "resize=301x199:mode=exact"} {
		p, err := mustChain(t, spec).Compile()
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range []string{"Landscape_6", "Portrait_3", "Landscape_1", "Portrait_8"} {
			if raceEnabled && i >= 2 {
				break
			}
			path := filepath.Join(testdata, "photos", name+".jpg")
			full, err := decodeFile(path, DecodeOptions{}, 0, 0, false)
			if err != nil {
				t.Fatal(err)
			}
			w, h := full.Info.Upright()
			tw, th, ok := p.FirstDownscale(w, h)
			if !ok {
				t.Fatalf("%s: %s does not shrink", name, spec)
			}
			small, err := DecodeAtLeast(path, DecodeOptions{}, tw, th)
			if err != nil {
				t.Fatal(err)
			}
			if small.Scale < 2 {
				t.Errorf("%s %s: scale 1/%d", name, spec, small.Scale)
			}
			a, b := p.ApplyFrom(small.Image, w, h), p.Apply(full.Image)
			ow, oh, _ := p.OutputSize(w, h)
			if a.Bounds().Size() != image.Pt(ow, oh) || b.Bounds().Size() != image.Pt(ow, oh) {
				t.Errorf("%s %s: %v from 1/%d, %v from full size, want %dx%d", name, spec, a.Bounds().Size(), small.Scale, b.Bounds().Size(), ow, oh)
				continue
			}
			md, ps := meanDiff(t, a, b), psnr(t, a, b)
			if md > 2 || ps < 28 {
				t.Errorf("%s %s: from 1/%d differs from full size: mean %.2f, PSNR %.1f dB", name, spec, small.Scale, md, ps)
			}
			if testing.Verbose() {
				t.Logf("%-12s %-32s from 1/%d vs full size: PSNR %5.1f dB, mean difference %.2f", name, spec, small.Scale, ps, md)
			}
		}
	}
}

// TestShrinkOnLoadOutputSize runs Process on odd sizes and every resize
// mode: the output is always the size OutputSize promised (Process fails
// otherwise), whatever the reduced decode rounded to.
func TestShrinkOnLoadOutputSize(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	src := filepath.Join(dir, "odd.jpg")
	img := imaging.Resize(mustDecode(t, filepath.Join(testdata, "photos", "Landscape_1.jpg")), 1001, 667, imaging.Linear)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"resize=499x0", "resize=125x0", "resize=0x83", "resize=250x250:mode=fill", "resize=333x100:mode=exact", "resize=126x84:mode=fit", "resize=500x333,sharpen=1,rotate=90"} {
		p, err := NewProcessor(Settings{Chain: mustChain(t, spec), Format: JPEG, Naming: Naming{Dir: out}, OnExists: Overwrite})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(context.Background(), Source{Path: src, Rel: "odd.jpg"}, nil)
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		ow, oh, _ := p.Pipeline().OutputSize(1001, 667)
		if res.Width != ow || res.Height != oh {
			t.Errorf("%s: %dx%d, want %dx%d", spec, res.Width, res.Height, ow, oh)
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

// TestJPEGEncodePaths encodes with libjpeg-turbo and with Go's encoder: both
// decode to nearly the source; Gray stays one-component; sub-images, other
// image types and translucent images (flattened onto white) are handled.
func TestJPEGEncodePaths(t *testing.T) {
	needTurbo(t)
	needTestdata(t)
	photo := mustDecode(t, filepath.Join(testdata, "photos", "Landscape_1.jpg"))
	nrgba := imaging.Clone(photo)
	sub := nrgba.SubImage(image.Rect(101, 53, 901, 653)).(*image.NRGBA)
	gray := image.NewGray(nrgba.Bounds())
	for y := 0; y < gray.Rect.Dy(); y++ {
		for x := 0; x < gray.Rect.Dx(); x++ {
			gray.Set(x, y, nrgba.At(x, y))
		}
	}
	ycbcr, err := jpeg.Decode(mustOpen(t, filepath.Join(testdata, "photos", "Landscape_1.jpg")))
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
		if ps := psnr(t, a, b); ps < 32 {
			t.Errorf("%s: libjpeg-turbo's and Go's JPEGs differ: PSNR %.1f dB", c.name, ps)
		}
		if c.name == "translucent" {
			// Half-transparent pixels over white are at least half white.
			if px := imaging.Clone(a).Pix; px[0] < 120 || px[1] < 120 || px[2] < 120 {
				t.Errorf("translucent: not flattened onto white: %v", px[:4])
			}
		} else if ps := psnr(t, a, c.img); ps < 30 {
			t.Errorf("%s: libjpeg-turbo's JPEG is far from its source: PSNR %.1f dB", c.name, ps)
		}
	}
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

// TestJPEGMemoryDoesNotGrow runs the JPEG path many times: the C side's
// memory (TurboJPEG handles, its buffers) must all come back, so resident
// memory reaches a plateau.
func TestJPEGMemoryDoesNotGrow(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("memory figures need a build without the race detector")
	}
	needTestdata(t)
	out := t.TempDir()
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=600x0,sharpen=0.75"), Format: JPEG, Quality: 85,
		Naming: Naming{Dir: out}, OnExists: Overwrite})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(testdata, "photos", "*.jpg"))
	files = append(files, filepath.Join(testdata, "hostile", "progressive.jpg"), filepath.Join(testdata, "hostile", "trunc_50pct.jpg"),
		filepath.Join(testdata, "hostile", "cmyk.jpg"))
	run := func(n int) {
		for i := 0; i < n; i++ {
			f := files[i%len(files)]
			_, err := p.Process(context.Background(), Source{Path: f, Rel: filepath.Base(f)}, nil)
			if err != nil && !strings.Contains(f, "trunc") {
				t.Fatal(err)
			}
		}
	}
	measure := func() int64 {
		debug.FreeOSMemory() // Go's heap gives back what it does not use; C's is what it is
		return rss(t)
	}
	run(2 * len(files))
	base := measure()
	run(4 * len(files))
	mid := measure()
	run(8 * len(files))
	end := measure()
	t.Logf("resident memory after %d files %d MiB, after %d %d MiB, after %d %d MiB",
		2*len(files), base>>20, 6*len(files), mid>>20, 14*len(files), end>>20)
	// Without pp_malloc_setup (jpeg_turbo.go) this read 16, 35 and 43 MiB.
	if grown := max(mid, end) - base; grown > 8<<20 {
		t.Errorf("resident memory grew by %d MiB over %d files", grown>>20, 12*len(files))
	}
}

// rss is the process's resident memory now.
func rss(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc")
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb << 10
		}
	}
	t.Skip("no VmRSS")
	return 0
}
