package imgtest

// Test files in the formats that the shared test data has none of (HEIC,
// AVIF, WebP variants, animations), made from the shared photos by Debian's
// own tools (libheif-examples, libavif-bin, webp, imagemagick: `make test`
// installs them) into the test's temporary folder. A test whose tool is
// missing is skipped, saying which package has it.

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"
)

// toolPackages says which Debian package has each tool.
var toolPackages = map[string]string{
	"heif-enc": "libheif-examples", "heif-convert": "libheif-examples", "heif-info": "libheif-examples",
	"avifenc": "libavif-bin", "avifdec": "libavif-bin",
	"cwebp": "webp", "dwebp": "webp", "img2webp": "webp", "webpmux": "webp",
	"convert": "imagemagick", "exiftool": "libimage-exiftool-perl",
}

// Tool returns the path of a command-line tool, skipping the test when it
// is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (Debian package %s; make test installs it)", name, toolPackages[name])
	}
	return p
}

// Run runs a tool, failing the test with its output when it fails.
func Run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(Tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// SmallPhoto writes a shared photo ("Landscape_6") shrunk to width pixels
// wide, as stored (not turned upright), as a JPEG quality 92 that keeps the
// original's EXIF segment (orientation included), into dir.
func SmallPhoto(t testing.TB, dir, name string, width int) string {
	t.Helper()
	data, err := os.ReadFile(Path(t, "photos", name+".jpg"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, imaging.Resize(src, width, 0, imaging.Lanczos), &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if app1 := exifSegment(data); app1 != nil {
		out = append(append(append([]byte(nil), out[:2]...), app1...), out[2:]...)
	}
	path := filepath.Join(dir, name+".jpg")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// exifSegment returns a JPEG's APP1 EXIF segment (marker included).
func exifSegment(j []byte) []byte {
	for i := 2; i+4 <= len(j) && j[i] == 0xFF; {
		n := int(binary.BigEndian.Uint16(j[i+2:]))
		if j[i+1] == 0xDA || i+2+n > len(j) {
			return nil
		}
		if j[i+1] == 0xE1 && n > 8 && string(j[i+4:i+10]) == "Exif\x00\x00" {
			return j[i : i+2+n]
		}
		i += 2 + n
	}
	return nil
}

// AlphaPNG writes a shared photo shrunk to width pixels wide with an alpha
// gradient (opaque on the left, transparent on the right), as 8-bit PNG, or
// 16-bit with deep.
func AlphaPNG(t testing.TB, dir, name string, width int, deep bool) string {
	t.Helper()
	src, err := imaging.Open(Path(t, "photos", name+".jpg"))
	if err != nil {
		t.Fatal(err)
	}
	small := imaging.Resize(src, width, 0, imaging.Lanczos)
	b := small.Bounds()
	var img image.Image
	if deep {
		m := image.NewNRGBA64(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := small.NRGBAAt(x, y)
				a := uint16(65535 - 65535*x/b.Dx())
				m.SetNRGBA64(x, y, color.NRGBA64{uint16(c.R) * 257, uint16(c.G) * 257, uint16(c.B) * 257, a})
			}
		}
		img = m
	} else {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				i := small.PixOffset(x, y)
				small.Pix[i+3] = uint8(255 - 255*x/b.Dx())
			}
		}
		img = small
	}
	path := filepath.Join(dir, name+"-alpha.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// OpenPNG reads a PNG a reference decoder wrote.
func OpenPNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
