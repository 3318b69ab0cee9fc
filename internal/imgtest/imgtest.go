// Package imgtest holds what the tests of several packages need about test
// images: where the shared test data is, how to compare two images, what the
// process's memory is, and the reference job's input. It is imported by
// tests only.
package imgtest

import (
	"bufio"
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/processing/photogen"
)

// Dir is the shared test data (../shared/testdata from the repository's
// root), as seen from a package folder one level below it.
const Dir = "../../shared/testdata"

// Testdata returns Dir, failing the test when it is missing.
func Testdata(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(Dir); err != nil {
		t.Fatalf("shared test data missing at %s: %v", Dir, err)
	}
	return Dir
}

// Path joins Dir and the elements, failing the test when Dir is missing.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{Testdata(t)}, elem...)...)
}

// Sample keeps every fourth file under the race detector, whose pace makes
// single-threaded codec work 10x slower and finds nothing in it; the
// Makefile runs those tests on every file without -race.
func Sample(files []string) []string {
	if !Race {
		return files
	}
	var out []string
	for i := 0; i < len(files); i += 4 {
		out = append(out, files[i])
	}
	return out
}

// MeanDiff is the mean absolute difference per channel of two images of the
// same size, both shrunk to 90 px wide first so JPEG noise averages out.
func MeanDiff(t testing.TB, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v vs %v", a.Bounds().Size(), b.Bounds().Size())
	}
	sa, sb := imaging.Resize(a, 90, 0, imaging.Box), imaging.Resize(b, 90, 0, imaging.Box)
	var sum float64
	for i := range sa.Pix {
		d := int(sa.Pix[i]) - int(sb.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += float64(d)
	}
	return sum / float64(len(sa.Pix))
}

// PSNR compares two images of the same size over R, G and B, in dB.
func PSNR(t testing.TB, a, b image.Image) float64 {
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

// PeakRSS is the process's high-water mark of resident memory (VmHWM).
func PeakRSS(t testing.TB) int64 { return status(t, "VmHWM:") }

// RSS is the process's resident memory now (VmRSS).
func RSS(t testing.TB) int64 { return status(t, "VmRSS:") }

func status(t testing.TB, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc: cannot read the process's memory")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no " + field + " in /proc/self/status")
	return 0
}

var reference struct {
	once sync.Once
	data []byte
	err  error
}

// ReferenceJPEG is the reference job's input: a 12-megapixel camera-like
// JPEG (4000x3000, quality 90) made from a shared photo by photogen, once per
// test binary. The photo is read with Go's decoder, so every build
// benchmarks the same bytes.
func ReferenceJPEG(tb testing.TB) []byte {
	tb.Helper()
	path := Path(tb, "photos", "Landscape_1.jpg")
	reference.once.Do(func() {
		data, err := os.ReadFile(path)
		if err != nil {
			reference.err = err
			return
		}
		src, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			reference.err = err
			return
		}
		reference.data, reference.err = photogen.Reference(src, 1)
	})
	if reference.err != nil {
		tb.Fatal(reference.err)
	}
	return reference.data
}

// ReferenceFile writes ReferenceJPEG into a temporary folder.
func ReferenceFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "ref.jpg")
	if err := os.WriteFile(path, ReferenceJPEG(tb), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// The reference job: the 12-megapixel ReferenceJPEG resized to 1920 px wide
// with Lanczos, sharpened, written at quality 85 (scripts/bench-compare.sh
// runs the same job with other tools).
const (
	RefWidth   = 1920
	RefSharpen = 0.75
	RefQuality = 85
	RefChain   = "resize=1920x0,sharpen=0.75"
)

// DecodeJPEG decodes JPEG bytes with Go's decoder (an *image.YCbCr).
func DecodeJPEG(tb testing.TB, data []byte) image.Image {
	tb.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// PerSecond reports megapixels per second of a benchmark stage's input.
func PerSecond(b *testing.B, pixels int) {
	b.ReportMetric(float64(pixels)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
}
