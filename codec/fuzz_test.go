package codec

// Fuzz targets for what hostile input reaches: the header checks and the
// decoders. "make fuzz" runs each
// for a minute, "make fuzz-short" briefly; a plain "go test" runs the seeds
// and every input a fuzzer has found (testdata/fuzz/<target>/), so whatever
// it finds stays a regression test once checked in.

import (
	"bytes"
	"errors"
	"image"
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

// FuzzContainers parses bytes as a HEIF/AVIF and as a WebP container (no
// codec runs): no panic, no hang, and what is accepted is consistent: a
// positive size, an orientation in 1..8, a crop inside the coded image,
// frames on the canvas, metadata readable, every frame re-muxable.
func FuzzContainers(f *testing.F) {
	c := codedImage{typ: "hvc1", data: []byte("not really HEVC"), config: box("hvcC", make([]byte, 23)), w: 64, h: 48}
	f.Add(single(c, "heic", clapBox(40, 30, 2, -2), irotBox(1), imirBox(0)))
	f.Add(grid([]codedImage{c, c}, "heic", 1, 2, 120, 48, irotBox(3)))
	a := codedImage{typ: "av01", data: []byte("not AV1"), config: box("av1C", []byte{0x81, 0x08, 0x4c, 0}), w: 32, h: 32}
	f.Add(single(a, "avif"))
	vp8 := []byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x20, 0x00, 0x10, 0x00, 0, 0}
	f.Add(riff(appendRIFFChunk(nil, "VP8 ", vp8)))
	still := webpBits{webpFrame{Rect: image.Rect(0, 0, 32, 16), bits: webpSpan{12 + 8, int64(len(vp8))}}, riff(appendRIFFChunk(nil, "VP8 ", vp8))}
	withMeta, _ := AddWebPMetadata(still.data, &Metadata{EXIF: []byte("MM\x00*\x00\x00\x00\x08\x00\x00"), XMP: []byte("<x/>")})
	f.Add(withMeta)
	f.Add(muxAnim([]animFrameOut{{bits: still, duration: 50}, {bits: still, at: image.Pt(2, 2), duration: 50}}, 40, 20, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		if h, err := parseHEIF(r, int64(len(data))); err == nil {
			if h.DecW <= 0 || h.DecH <= 0 || h.Orientation < 1 || h.Orientation > 8 || !h.CropRect.In(image.Rect(0, 0, h.DecW, h.DecH)) {
				t.Fatalf("accepted %+v", h)
			}
			h.metadata(r)
		} else if _, ok := err.(*heifError); !ok {
			t.Fatalf("error %T: %v", err, err)
		}
		if h, err := parseWebP(r, int64(len(data))); err == nil {
			for _, fr := range h.Frames {
				if !fr.Rect.In(image.Rect(0, 0, h.W, h.H)) || fr.Rect.Empty() {
					t.Fatalf("frame %v on a %dx%d canvas", fr.Rect, h.W, h.H)
				}
				if _, err := splitWebP(frameFile(data, fr)); err != nil {
					t.Fatalf("a frame that does not re-mux: %v", err)
				}
			}
			readWebPMeta(r, int64(len(data)))
		} else if _, ok := err.(*heifError); !ok {
			t.Fatalf("error %T: %v", err, err)
		}
	})
}
