package codec

// Fuzz targets for what hostile input reaches: the header checks and the
// decoders. "make fuzz" runs each
// for a minute, "make fuzz-short" briefly; a plain "go test" runs the seeds
// and every input a fuzzer has found (testdata/fuzz/<target>/), so whatever
// it finds stays a regression test once checked in.

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// fuzzMaxPixels keeps a fuzzed header from making the decoder allocate much:
// 1 MP is at most 8 MB at 8 bytes a pixel.
const fuzzMaxPixels = 1 << 20

// FuzzDecode writes the bytes to a file and probes and decodes it: no panic
// and no hang, every error a *FileError naming the file, Probe and Decode
// agreeing, and a decoded image exactly as large as its header says.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(imgtest.Dir, "hostile", "*"))
	for _, p := range seeds {
		if strings.HasSuffix(p, ".txt") {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			// Large seeds slow every mutation down; their first 64 KiB
			// hold the headers and the first scans, which is what the
			// checks are about.
			f.Add(data[:min(len(data), 64<<10)])
		}
	}
	f.Add(smallCMYKTIFF())
	// Each fuzzing process calls the target one input at a time: one file
	// per process is enough.
	path := filepath.Join(f.TempDir(), "input")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := DecodeOptions{MaxPixels: fuzzMaxPixels}
		info, perr := Probe(path, opts)
		d, derr := Decode(path, opts)
		for _, err := range []error{perr, derr} {
			var fe *FileError
			if err != nil && (!errors.As(err, &fe) || fe.Path != path || fe.Msg == "") {
				t.Fatalf("error %q (%T) is not a FileError naming the input", err, err)
			}
		}
		if perr != nil {
			if derr == nil || KindOf(derr) != KindOf(perr) {
				t.Fatalf("Probe failed (%v: %v) but Decode says %v", KindOf(perr), perr, derr)
			}
			return
		}
		if info.Pixels() > fuzzMaxPixels || info.Width <= 0 || info.Height <= 0 {
			t.Fatalf("Probe accepted %dx%d", info.Width, info.Height)
		}
		if derr != nil {
			return // damaged pixel data: refused with a reason
		}
		if d.Info != info {
			t.Fatalf("Probe says %+v, Decode %+v", info, d.Info)
		}
		w, h := info.Upright()
		if b := d.Image.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Fatalf("decoded %v, header says %dx%d upright", b, w, h)
		}
	})
}
