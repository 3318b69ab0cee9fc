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
	cases := []struct {
		name  string
		img   image.Image
		o     EncodeOptions
		floor float64
	}{
		{"lossy", opaque, EncodeOptions{Format: AVIF, Meta: meta}, 30},
		{"alpha", photo, EncodeOptions{Format: AVIF, Quality: 80, AVIFSpeed: 10}, 30},
		{"lossless", photo, EncodeOptions{Format: AVIF, Lossless: true, AVIFSpeed: 10}, 99},
		{"deep", deep, EncodeOptions{Format: AVIF, Quality: 80, AVIFSpeed: 10}, 30},
	}
	if !NativeCodecs {
		cases[2].floor = 45 // 4:4:4 but not the identity matrix: near-lossless
	}
	for _, tc := range cases {
		path := filepath.Join(dir, tc.name+".avif")
		var b bytes.Buffer
		if err := Encode(&b, tc.img, tc.o); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		got := reference(t, "avifdec", path)
		if tc.floor > 90 {
			want, g := toNRGBA(tc.img), toNRGBA(got)
			for i := 0; i < len(want.Pix); i += 4 {
				if want.Pix[i+3] != g.Pix[i+3] || want.Pix[i+3] != 0 && !bytes.Equal(want.Pix[i:i+3], g.Pix[i:i+3]) {
					t.Fatalf("%s: pixel %d is %v, was %v", tc.name, i/4, g.Pix[i:i+4], want.Pix[i:i+4])
				}
			}
		} else if p := imgtest.PSNR(t, overWhite(got), overWhite(tc.img)); p < tc.floor {
			t.Errorf("%s: %.1f dB from the source", tc.name, p)
		}
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
		if NativeCodecs != (bytes.Equal(d.Meta.EXIF, meta.EXIF) && bytes.Equal(d.Meta.XMP, meta.XMP) && bytes.Equal(d.Meta.ICC, meta.ICC)) {
			t.Errorf("%s: metadata read back: EXIF %d, XMP %d, ICC %d bytes (written by this build: %v)", tc.name, len(d.Meta.EXIF), len(d.Meta.XMP), len(d.Meta.ICC), NativeCodecs)
		}
		if et, err := exec.LookPath("exiftool"); err == nil && NativeCodecs {
			out, _ := exec.Command(et, "-s3", "-Orientation", "-n", path).Output()
			if want := orientationFromTIFF(meta.EXIF); strings.TrimSpace(string(out)) != string(rune('0'+want)) {
				t.Errorf("exiftool reads orientation %q from the AVIF, want %d", out, want)
			}
		}
	}
}

func setOpaqueNRGBA(m *image.NRGBA) *image.NRGBA {
	for i := 3; i < len(m.Pix); i += 4 {
		m.Pix[i] = 255
	}
	return m
}
