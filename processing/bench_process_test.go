package processing

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/disintegration/imaging"
	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// The reference job: a 12-megapixel camera-like JPEG (4000x3000, quality 90)
// resized to 1920 px wide with Lanczos, sharpened, written at quality 85.
// Per-stage figures are per core: run with -cpu 1, since imaging spreads
// each filter over GOMAXPROCS goroutines.
//
//	go test -run '^$' -bench . -cpu 1 -benchtime 5x ./processing/

func BenchmarkResize(b *testing.B) {
	data := imgtest.ReferenceJPEG(b)
	full := imgtest.DecodeJPEG(b, data) // *image.YCbCr, what image/jpeg gives
	fullNRGBA := imaging.Clone(full)
	// What shrink-on-load hands the resize: 2000x1500 NRGBA from
	// libjpeg-turbo at 1/2 (a box-filtered stand-in without it).
	var half image.Image = imaging.Resize(full, 2000, 1500, imaging.Box)
	if d, err := codec.DecodeAtLeast(imgtest.ReferenceFile(b), codec.DecodeOptions{}, 2000, 1500); err == nil && d.Scale == 2 {
		half = d.Image
	}
	for _, c := range []struct {
		name string
		img  image.Image
	}{{"full-ycbcr", full}, {"full-nrgba", fullNRGBA}, {"half-nrgba", half}} {
		// imaging's resize against the one the resize step uses, side by side.
		for _, f := range []struct {
			name   string
			resize func(image.Image, int, int, imaging.ResampleFilter) *image.NRGBA
		}{{"imaging", imaging.Resize}, {"picpool", resize}} {
			b.Run(c.name+"/"+f.name, func(b *testing.B) {
				for b.Loop() {
					f.resize(c.img, imgtest.RefWidth, 1440, imaging.Lanczos)
				}
				imgtest.PerSecond(b, c.img.Bounds().Dx()*c.img.Bounds().Dy())
			})
		}
	}
}

func BenchmarkSharpen(b *testing.B) {
	img := imaging.Resize(imgtest.DecodeJPEG(b, imgtest.ReferenceJPEG(b)), imgtest.RefWidth, 0, imaging.Lanczos)
	for _, f := range []struct {
		name    string
		sharpen func(image.Image, float64) *image.NRGBA
	}{{"imaging", imaging.Sharpen}, {"picpool", sharpen}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				f.sharpen(img, imgtest.RefSharpen)
			}
		})
	}
}

// BenchmarkProcess is the whole reference job on one file, as a worker runs
// it: probe, decode, resize, sharpen, encode, write.
func BenchmarkProcess(b *testing.B) {
	src := imgtest.ReferenceFile(b)
	p, err := NewProcessor(Settings{Chain: mustChain(b, imgtest.RefChain), Format: codec.JPEG, Quality: imgtest.RefQuality,
		Naming: Naming{Dir: b.TempDir()}, OnExists: Overwrite})
	if err != nil {
		b.Fatal(err)
	}
	var stages map[string]time.Duration
	b.ResetTimer()
	for b.Loop() {
		stages = map[string]time.Duration{}
		last, lastName := time.Now(), ""
		_, err := p.Process(context.Background(), Source{Path: src, Rel: "ref.jpg"}, func(stage string) error {
			now := time.Now()
			if lastName != "" {
				stages[lastName] += now.Sub(last)
			}
			last, lastName = now, stage
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		stages[lastName] += time.Since(last)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
	for _, s := range []string{StageDecoding, StageFiltering, StageEncoding} {
		b.ReportMetric(float64(stages[s].Milliseconds()), s+"-ms")
	}
}

// TestReferenceJPEGIsCameraLike guards the benchmarks' input: a 4000x3000
// JPEG at a camera's 0.3-0.5 bytes per pixel.
func TestReferenceJPEGIsCameraLike(t *testing.T) {
	if testing.Short() || imgtest.Race {
		t.Skip("makes a 12 MP image")
	}
	data := imgtest.ReferenceJPEG(t)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 4000 || cfg.Height != 3000 {
		t.Fatalf("%dx%d, %v", cfg.Width, cfg.Height, err)
	}
	if bpp := float64(len(data)) / 12e6; bpp < 0.3 || bpp > 0.5 {
		t.Errorf("%.3f bytes per pixel", bpp)
	}
}

// BenchmarkMarks is what a watermark and an overlay add to the reference
// job (issue: less than 10%): each round processes the reference file
// through the reference chain, the chain with a text watermark, and the
// chain with a logo (a 400x400 PNG with transparency, drawn at 20% of the
// width), one after the other and each first in turn, so that a busy
// machine weighs on all three alike. It reports each one's milliseconds per image and the two
// additions in per cent.
//
//	go test -run '^$' -bench Marks -cpu 1 -benchtime 10x ./processing/
func BenchmarkMarks(b *testing.B) {
	src := imgtest.ReferenceFile(b)
	logo := filepath.Join(b.TempDir(), "logo.png")
	writePNG(b, logo, roundLogo(b, 400))
	chains := []string{imgtest.RefChain,
		imgtest.RefChain + ",watermark='© Ann Smith 2026'",
		imgtest.RefChain + ",overlay=" + Quote(logo)}
	procs := make([]*Processor, len(chains))
	for i, c := range chains {
		p, err := NewProcessor(Settings{Chain: mustChain(b, c), Format: codec.JPEG, Quality: imgtest.RefQuality,
			Naming: Naming{Dir: b.TempDir()}, OnExists: Overwrite})
		if err != nil {
			b.Fatal(err)
		}
		procs[i] = p
	}
	spent := make([]time.Duration, len(procs))
	for round := 0; b.Loop(); round++ {
		for k := range procs {
			i := (round + k) % len(procs) // each goes first in turn
			p := procs[i]
			start := time.Now()
			if _, err := p.Process(context.Background(), Source{Path: src, Rel: "ref.jpg"}, nil); err != nil {
				b.Fatal(err)
			}
			spent[i] += time.Since(start)
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(spent[0]), "reference-ms")
	b.ReportMetric(ms(spent[1]), "watermark-ms")
	b.ReportMetric(ms(spent[2]), "overlay-ms")
	b.ReportMetric(100*(ms(spent[1])/ms(spent[0])-1), "watermark-%")
	b.ReportMetric(100*(ms(spent[2])/ms(spent[0])-1), "overlay-%")
}

// roundLogo is a side x side disc cut from a shared photo, transparent
// around it.
func roundLogo(tb testing.TB, side int) *image.NRGBA {
	img := imaging.Fill(photo(tb, "Portrait_1.jpg", 2*side), side, side, imaging.Center, imaging.Lanczos)
	r := float64(side) / 2
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			d := math.Hypot(float64(x)+0.5-r, float64(y)+0.5-r)
			img.Pix[y*img.Stride+4*x+3] = uint8(255 * math.Max(0, math.Min(1, r-d)))
		}
	}
	return img
}

// BenchmarkMarkSteps is the watermark and the overlay alone, on an image of
// the reference job's output size, drawn in place as they are inside a
// pipeline: what BenchmarkMarks measures them adding, without the noise of
// the rest of the job.
func BenchmarkMarkSteps(b *testing.B) {
	logo := filepath.Join(b.TempDir(), "logo.png")
	writePNG(b, logo, roundLogo(b, 400))
	img := photo(b, "Landscape_1.jpg", imgtest.RefWidth) // 1920x1280
	for _, spec := range []string{"watermark='© Ann Smith 2026'", "overlay=" + Quote(logo)} {
		p, err := mustChain(b, spec).Compile()
		if err != nil {
			b.Fatal(err)
		}
		s := p.steps[0]
		b.Run(s.k.info.Name, func(b *testing.B) {
			for b.Loop() {
				s.run(img, true, nil)
			}
		})
	}
}
