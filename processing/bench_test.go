package processing

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/processing/photogen"
)

// The reference job: a 12-megapixel camera-like JPEG (4000x3000, quality 90)
// resized to 1920 px wide with Lanczos, sharpened, written at quality 85.
// Per-stage figures are per core: run with -cpu 1, since imaging spreads
// each filter over GOMAXPROCS goroutines.
//
//	go test -run '^$' -bench . -cpu 1 -benchtime 5x ./processing/
const (
	refWidth   = 1920
	refSharpen = 0.75
	refQuality = 85
	refChain   = "resize=1920x0,sharpen=0.75"
)

var reference struct {
	once sync.Once
	data []byte // the JPEG
	err  error
}

// referenceJPEG makes the reference input from a shared photo (upscale and
// grain, see photogen) once per test binary.
func referenceJPEG(b testing.TB) []byte {
	b.Helper()
	needTestdata(b)
	reference.once.Do(func() {
		// Go's decoder in every build, so every build benchmarks the same bytes.
		src, err := decodeFile(filepath.Join(testdata, "photos", "Landscape_1.jpg"), DecodeOptions{}, 0, 0, false)
		if err != nil {
			reference.err = err
			return
		}
		reference.data, reference.err = photogen.Reference(src.Image, 1)
	})
	if reference.err != nil {
		b.Fatal(reference.err)
	}
	return reference.data
}

// referenceFile writes the reference JPEG into a temporary folder.
func referenceFile(b testing.TB) string {
	path := filepath.Join(b.TempDir(), "ref.jpg")
	if err := os.WriteFile(path, referenceJPEG(b), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// perSecond reports megapixels per second of the stage's input.
func perSecond(b *testing.B, pixels int) {
	b.ReportMetric(float64(pixels)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
}

func goDecode(b testing.TB, data []byte) image.Image {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	return img
}

func BenchmarkDecode(b *testing.B) {
	data := referenceJPEG(b)
	b.Run("image-jpeg", func(b *testing.B) {
		for b.Loop() {
			goDecode(b, data)
		}
		perSecond(b, 4000*3000)
	})
	// libjpeg-turbo, at full size and at the DCT-scaled sizes shrink-on-load
	// picks (1/2 for the reference job's 1920 px).
	for _, denom := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("libjpeg-turbo-1:%d", denom), func(b *testing.B) {
			if !turboJPEG {
				b.Skip("built without libjpeg-turbo")
			}
			for b.Loop() {
				turboDecodeBytes(b, data, denom)
			}
			perSecond(b, 4000*3000)
		})
	}
}

func turboDecodeBytes(b testing.TB, data []byte, denom int) image.Image {
	hd, err := turboHeader(data)
	if err != nil {
		b.Fatal(err)
	}
	img, err := turboDecode(data, hd, denom)
	if err != nil {
		b.Fatal(err)
	}
	return img
}

func BenchmarkResize(b *testing.B) {
	data := referenceJPEG(b)
	full := goDecode(b, data) // *image.YCbCr, what image/jpeg gives
	fullNRGBA := imaging.Clone(full)
	// What shrink-on-load hands the resize: 2000x1500 NRGBA from
	// libjpeg-turbo at 1/2 (a box-filtered stand-in without it).
	var half image.Image
	if turboJPEG {
		half = turboDecodeBytes(b, data, 2)
	} else {
		half = imaging.Resize(full, 2000, 1500, imaging.Box)
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
					f.resize(c.img, refWidth, 1440, imaging.Lanczos)
				}
				perSecond(b, c.img.Bounds().Dx()*c.img.Bounds().Dy())
			})
		}
	}
}

func BenchmarkSharpen(b *testing.B) {
	img := imaging.Resize(goDecode(b, referenceJPEG(b)), refWidth, 0, imaging.Lanczos)
	for _, f := range []struct {
		name    string
		sharpen func(image.Image, float64) *image.NRGBA
	}{{"imaging", imaging.Sharpen}, {"picpool", sharpen}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				f.sharpen(img, refSharpen)
			}
			perSecond(b, img.Bounds().Dx()*img.Bounds().Dy())
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	img := imaging.Sharpen(imaging.Resize(goDecode(b, referenceJPEG(b)), refWidth, 0, imaging.Lanczos), refSharpen)
	n := img.Bounds().Dx() * img.Bounds().Dy()
	for _, c := range []struct {
		name string
		fast bool
	}{{"image-jpeg", false}, {"libjpeg-turbo", true}} {
		b.Run(c.name, func(b *testing.B) {
			if c.fast && !turboJPEG {
				b.Skip("built without libjpeg-turbo")
			}
			var size int
			for b.Loop() {
				var buf bytes.Buffer
				if err := encode(&buf, img, EncodeOptions{Format: JPEG, Quality: refQuality}, c.fast); err != nil {
					b.Fatal(err)
				}
				size = buf.Len()
			}
			perSecond(b, n)
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// BenchmarkProcess is the whole reference job on one file, as a worker runs
// it: probe, decode, resize, sharpen, encode, write.
func BenchmarkProcess(b *testing.B) {
	src := referenceFile(b)
	p, err := NewProcessor(Settings{Chain: mustChain(b, refChain), Format: JPEG, Quality: refQuality,
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
	if testing.Short() || raceEnabled {
		t.Skip("makes a 12 MP image")
	}
	data := referenceJPEG(t)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 4000 || cfg.Height != 3000 {
		t.Fatalf("%dx%d, %v", cfg.Width, cfg.Height, err)
	}
	if bpp := float64(len(data)) / 12e6; bpp < 0.3 || bpp > 0.5 {
		t.Errorf("%.3f bytes per pixel", bpp)
	}
}
