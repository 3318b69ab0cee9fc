package codec

import (
	"bytes"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// AVIF outputs as avifdec reads them: lossy close to the source, lossless
// exact (cgo), alpha kept, 10 bits from a 16-bit image (cgo), and the
// metadata stored where the encoder can (cgo) and left out where it cannot.
func TestAVIFEncode(t *testing.T) {
	imgtest.Tool(t, "avifdec")
	dir := t.TempDir()
	photo := toNRGBA(imgtest.OpenPNG(t, imgtest.AlphaPNG(t, dir, "Portrait_1", 120, false)))
	opaque := imgtest.OpenPNG(t, imgtest.AlphaPNG(t, dir, "Landscape_1", 160, false))
	opaque = setOpaqueNRGBA(toNRGBA(opaque))
	deep := imgtest.OpenPNG(t, imgtest.AlphaPNG(t, dir, "Landscape_3", 96, true))
	meta := &Metadata{EXIF: exifTIFF(mustRead(t, imgtest.SmallPhoto(t, dir, "Landscape_3", 64))), XMP: []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`), ICC: testICC(t)}
	cases := []avifCase{
		{"lossy", opaque, EncodeOptions{Format: AVIF, Meta: meta}, 30},
		{"alpha", photo, EncodeOptions{Format: AVIF, Quality: 80, AVIFSpeed: 10}, 30},
		{"lossless", photo, EncodeOptions{Format: AVIF, Lossless: true, AVIFSpeed: 10}, losslessFloor()},
		{"deep", deep, EncodeOptions{Format: AVIF, Quality: 80, AVIFSpeed: 10}, 30},
	}
	for _, tc := range cases {
		path, _ := writeAVIF(t, dir, tc.name, tc.img, tc.o)
		readsAs(t, tc.name, "avifdec", path, tc.img, tc.floor)
		info, err := Probe(path, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if wantDepth := map[bool]int{true: 10, false: 8}[tc.name == "deep" && NativeCodecs]; info.Depth != wantDepth {
			t.Errorf("%s: depth %d, want %d", tc.name, info.Depth, wantDepth)
		}
		if tc.o.Meta == nil {
			continue
		}
		d, err := Decode(path, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		keptMeta(t, tc.name, path, d, meta)
	}
}

// avifCase is an AVIF output to check: floor is its PSNR bound against the
// source, over 90 for exact.
type avifCase struct {
	name  string
	img   image.Image
	o     EncodeOptions
	floor float64
}

// losslessFloor is the bound for -lossless: exact where this build writes
// 4:4:4 with the identity matrix, near-lossless in the WebAssembly builds
// (4:4:4, but not the identity matrix).
func losslessFloor() float64 {
	if NativeCodecs {
		return 99
	}
	return 45
}

// writeAVIF encodes img into dir/name.avif.
func writeAVIF(t *testing.T, dir, name string, img image.Image, o EncodeOptions) (string, []byte) {
	t.Helper()
	path := filepath.Join(dir, name+".avif")
	var b bytes.Buffer
	if err := Encode(&b, img, o); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

// readsAs checks what a Debian tool decodes from path against src: the
// same size, and exactly src (where src is not transparent) when floor is
// over 90 dB, else within floor dB over white.
func readsAs(t *testing.T, name, tool, path string, src image.Image, floor float64) {
	t.Helper()
	got := reference(t, tool, path)
	if got.Bounds().Size() != src.Bounds().Size() {
		t.Fatalf("%s: %s reads %v, want %v", name, tool, got.Bounds().Size(), src.Bounds().Size())
	}
	if floor > 90 {
		want, g := toNRGBA(src), toNRGBA(got)
		for i := 0; i < len(want.Pix); i += 4 {
			if want.Pix[i+3] != g.Pix[i+3] || want.Pix[i+3] != 0 && !bytes.Equal(want.Pix[i:i+3], g.Pix[i:i+3]) {
				w := want.Bounds().Dx()
				t.Fatalf("%s: %s: pixel (%d, %d) is %v, was %v", name, tool, i/4%w, i/4/w, g.Pix[i:i+4], want.Pix[i:i+4])
			}
		}
	} else if p := imgtest.PSNR(t, overWhite(got), overWhite(src)); p < floor {
		t.Errorf("%s: %s: %.1f dB from the source", name, tool, p)
	}
}

// keptMeta checks that d, decoded from path, has meta where this build
// writes AVIF metadata and none where it does not, and that exiftool reads
// the orientation and the profile's name there.
func keptMeta(t *testing.T, name, path string, d *Decoded, meta *Metadata) {
	t.Helper()
	if NativeCodecs != (bytes.Equal(d.Meta.EXIF, meta.EXIF) && bytes.Equal(d.Meta.XMP, meta.XMP) && bytes.Equal(d.Meta.ICC, meta.ICC)) {
		t.Errorf("%s: metadata read back: EXIF %d, XMP %d, ICC %d bytes (written by this build: %v)", name, len(d.Meta.EXIF), len(d.Meta.XMP), len(d.Meta.ICC), NativeCodecs)
	}
	if et, err := exec.LookPath("exiftool"); err == nil && NativeCodecs {
		out, _ := exec.Command(et, "-s3", "-Orientation", "-n", "-ProfileDescription", path).Output()
		f := strings.Fields(string(out))
		if want := orientationFromTIFF(meta.EXIF); len(f) < 2 || f[0] != string(rune('0'+want)) {
			t.Errorf("%s: exiftool reads orientation and profile %q, want %d and the profile's name", name, out, want)
		}
	}
}

func setOpaqueNRGBA(m *image.NRGBA) *image.NRGBA {
	for i := 3; i < len(m.Pix); i += 4 {
		m.Pix[i] = 255
	}
	return m
}
