package processing

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// TestShrinkOnLoadFilters filters a JPEG decoded at a reduced scale and the
// same JPEG decoded whole: the same size, nearly the same pixels, for every
// resize mode that shrinks (the reference frame is upright Landscape_1).
func TestShrinkOnLoadFilters(t *testing.T) {
	imgtest.Testdata(t)
	if !codec.TurboJPEG {
		t.Skip("this build decodes JPEG at full size only (" + codec.JPEGCodec + ")")
	}
	for _, spec := range []string{"resize=600x0", "resize=450x300,sharpen=0.8", "resize=200x200:mode=fill", "resize=0x150:mode=exact", "resize=301x199:mode=exact"} {
		p, err := mustChain(t, spec).Compile()
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range []string{"Landscape_6", "Portrait_3", "Landscape_1", "Portrait_8"} {
			if imgtest.Race && i >= 2 {
				break
			}
			path := filepath.Join(imgtest.Dir, "photos", name+".jpg")
			full, err := codec.Decode(path, codec.DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			w, h := full.Info.Upright()
			tw, th, ok := p.FirstDownscale(w, h)
			if !ok {
				t.Fatalf("%s: %s does not shrink", name, spec)
			}
			small, err := codec.DecodeAtLeast(path, codec.DecodeOptions{}, tw, th)
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
			md, ps := imgtest.MeanDiff(t, a, b), imgtest.PSNR(t, a, b)
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
	photo, err := codec.Decode(imgtest.Path(t, "photos", "Landscape_1.jpg"), codec.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img := imaging.Resize(photo.Image, 1001, 667, imaging.Linear)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"resize=499x0", "resize=125x0", "resize=0x83", "resize=250x250:mode=fill", "resize=333x100:mode=exact", "resize=126x84:mode=fit", "resize=500x333,sharpen=1,rotate=90"} {
		p, err := NewProcessor(Settings{Chain: mustChain(t, spec), Format: codec.JPEG, Naming: Naming{Dir: out}, OnExists: Overwrite})
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

// TestJPEGMemoryDoesNotGrow runs the JPEG path many times: the C side's
// memory (TurboJPEG handles, its buffers) must all come back, so resident
// memory reaches a plateau.
func TestJPEGMemoryDoesNotGrow(t *testing.T) {
	if imgtest.Race || testing.Short() {
		t.Skip("memory figures need a build without the race detector")
	}
	imgtest.Testdata(t)
	out := t.TempDir()
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=600x0,sharpen=0.75"), Format: codec.JPEG, Quality: 85,
		Naming: Naming{Dir: out}, OnExists: Overwrite})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(imgtest.Dir, "photos", "*.jpg"))
	files = append(files, filepath.Join(imgtest.Dir, "hostile", "progressive.jpg"), filepath.Join(imgtest.Dir, "hostile", "trunc_50pct.jpg"),
		filepath.Join(imgtest.Dir, "hostile", "cmyk.jpg"))
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
		return imgtest.RSS(t)
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
