package codec

import (
	"bytes"
	"encoding/binary"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// TestCMYKTIFFLayouts: CMYK TIFFs written by ImageMagick in every layout
// PicPool reads (uncompressed, LZW, Deflate, PackBits, horizontal
// differencing, tiles) decode to the same CMYK pixels, close to
// ImageMagick's own CMYK-to-RGB conversion; layouts it does not read (16-bit,
// separate planes) and truncated files are refused with a message.
func TestCMYKTIFFLayouts(t *testing.T) {
	if _, err := exec.LookPath("convert"); err != nil {
		t.Fatal("ImageMagick's convert is missing (make test installs imagemagick)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.tif")
	im := func(out string, args ...string) string {
		t.Helper()
		path := filepath.Join(dir, out)
		args = append(append([]string{imgtest.Path(t, "photos", "Portrait_1.jpg"), "-resize", "150x", "-colorspace", "CMYK"}, args...), path)
		if msg, err := exec.Command("convert", args...).CombinedOutput(); err != nil {
			t.Fatalf("convert %v: %v\n%s", args, err, msg)
		}
		return path
	}
	im("src.tif", "-compress", "none")
	rgb := filepath.Join(dir, "rgb.png")
	if msg, err := exec.Command("convert", src, "-colorspace", "sRGB", rgb).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	want, err := Decode(src, DecodeOptions{})
	if err != nil {
		t.Fatalf("uncompressed CMYK TIFF: %v", err)
	}
	ref, err := Decode(rgb, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := want.Image.(*image.CMYK); !ok {
		t.Fatalf("decoded as %T", want.Image)
	}
	if d := imgtest.MeanDiff(t, want.Image, ref.Image); d > 1 {
		t.Errorf("CMYK turned into RGB is %.2f from ImageMagick's", d)
	}
	for name, args := range map[string][]string{
		"lzw.tif":       {"-compress", "lzw"},
		"zip.tif":       {"-compress", "zip"},
		"packbits.tif":  {"-compress", "rle"},
		"predictor.tif": {"-compress", "lzw", "-define", "tiff:predictor=2"},
		"tiles.tif":     {"-compress", "zip", "-define", "tiff:tile-geometry=64x48", "-define", "tiff:predictor=2"},
		"strips.tif":    {"-compress", "lzw", "-define", "tiff:rows-per-strip=7"},
	} {
		got, err := Decode(im(name, args...), DecodeOptions{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got.Image.(*image.CMYK).Pix, want.Image.(*image.CMYK).Pix) {
			t.Errorf("%s: pixels differ from the uncompressed file's", name)
		}
	}
	for name, c := range map[string]struct {
		args []string
		kind ErrorKind
		says string
	}{
		"16bit.tif":  {[]string{"-depth", "16"}, ErrNotImage, "16 bits"},
		"planes.tif": {[]string{"-define", "test:planar=2"}, ErrNotImage, "separate planes"},
		"inkset.tif": {[]string{"-define", "test:inkset=2"}, ErrNotImage, "ink set 2"},
	} {
		path := im(name, c.args...)
		// ImageMagick writes chunky CMYK only: the header is edited.
		if len(c.args) == 2 && strings.HasPrefix(c.args[1], "test:") {
			tag := map[string]uint16{"test:planar=2": 284, "test:inkset=2": 332}[c.args[1]]
			data, _ := os.ReadFile(path)
			setTIFFEntry(t, data, tag, 3, 1, 2) // one SHORT: 2
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Decode(path, DecodeOptions{})
		if KindOf(err) != c.kind || !strings.Contains(fmtErr(err), c.says) {
			t.Errorf("%s: %v (%v), want %v saying %q", name, err, KindOf(err), c.kind, c.says)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "lzw.tif"))
	cut := filepath.Join(dir, "cut.tif")
	// ImageMagick writes the IFD after the strips: keep it, drop strips.
	if err := os.WriteFile(cut, cutStrips(t, data), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(cut, DecodeOptions{}); KindOf(err) != ErrTruncated && KindOf(err) != ErrCorrupt {
		t.Errorf("damaged strips: %v (%v)", err, KindOf(err))
	}
	if _, err := Decode(filepath.Join(dir, "src.tif"), DecodeOptions{MaxPixels: 100}); KindOf(err) != ErrTooLarge {
		t.Errorf("pixel limit: %v", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// cutStrips zeroes the second half of the strip data of a little-endian
// TIFF, whatever lies where.
func cutStrips(t *testing.T, data []byte) []byte {
	t.Helper()
	out := append([]byte(nil), data...)
	ifd := binary.LittleEndian.Uint32(out[4:])
	if int(ifd) > len(out)/2 {
		for i := 8; i < int(ifd); i++ {
			if i > int(ifd)/2 {
				out[i] = 0xFF
			}
		}
	}
	return out
}

// smallCMYKTIFF is an 8x8 uncompressed CMYK TIFF, a seed for FuzzDecode.
func smallCMYKTIFF() []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8)
	type entry struct{ tag, typ, count, value uint32 }
	pix := 8 * 8 * 4
	entries := []entry{{256, 3, 1, 8}, {257, 3, 1, 8}, {258, 3, 4, 0}, {259, 3, 1, 1}, {262, 3, 1, 5},
		{273, 4, 1, 0}, {277, 3, 1, 4}, {278, 3, 1, 8}, {279, 4, 1, uint32(pix)}, {284, 3, 1, 1}}
	bitsAt := 8 + 2 + 12*len(entries) + 4
	dataAt := bitsAt + 8
	entries[2].value, entries[5].value = uint32(bitsAt), uint32(dataAt)
	b = le.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = le.AppendUint16(b, uint16(e.tag))
		b = le.AppendUint16(b, uint16(e.typ))
		b = le.AppendUint32(b, e.count)
		if e.typ == 3 && e.count == 1 {
			b = le.AppendUint16(b, uint16(e.value))
			b = append(b, 0, 0)
		} else {
			b = le.AppendUint32(b, e.value)
		}
	}
	b = le.AppendUint32(b, 0)
	for range 4 {
		b = le.AppendUint16(b, 8)
	}
	for i := range pix {
		b = append(b, byte(i*7))
	}
	return b
}

func TestSmallCMYKTIFF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.tif")
	if err := os.WriteFile(path, smallCMYKTIFF(), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Decode(path, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := d.Image.(*image.CMYK)
	if !ok || c.Bounds() != image.Rect(0, 0, 8, 8) || c.Pix[5] != 35 || d.Info.Format != "tiff" {
		t.Fatalf("%T %v %+v", d.Image, d.Image.Bounds(), d.Info)
	}
}

// TestCMYKTIFFHostileDirectory: a CMYK TIFF whose directory lies about its
// values is refused with a message naming the field, without reading or
// allocating what it claims; a profile that lies past the end is left out.
func TestCMYKTIFFHostileDirectory(t *testing.T) {
	dir := t.TempDir()
	for i, c := range []struct {
		tag, typ   uint16
		count, val uint32
		says       string // "": decoded, without the profile
	}{
		{279, 4, 1 << 30, 0, "tag 279: 1073741824 values of type 4"},
		{273, 4, 2, 1 << 20, "tag 273: 8 bytes at offset 1048576 lie past the end"},
		{273, 5, 1, 8, "tag 273: 1 values of type 5"},
		{34675, 7, 1000, 1 << 20, ""},
	} {
		data := smallCMYKTIFF()
		if c.tag == 34675 {
			data = addTIFFEntry(t, data, c.tag, c.typ, c.count, c.val)
		} else {
			setTIFFEntry(t, data, c.tag, c.typ, c.count, c.val)
		}
		path := filepath.Join(dir, strconv.Itoa(i)+".tif")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := Decode(path, DecodeOptions{})
		switch {
		case c.says == "" && (err != nil || d.Image.(*image.CMYK).Pix[5] != 35 || len(d.Meta.ICC) > 0):
			t.Errorf("tag %d: %v", c.tag, err)
		case c.says != "" && (KindOf(err) != ErrNotImage || !strings.Contains(fmtErr(err), c.says)):
			t.Errorf("tag %d: %v (%v), want saying %q", c.tag, err, KindOf(err), c.says)
		}
	}
}

// setTIFFEntry rewrites a field of a little-endian TIFF's first IFD.
func setTIFFEntry(t *testing.T, data []byte, tag, typ uint16, count, val uint32) {
	t.Helper()
	le := binary.LittleEndian
	ifd := int(le.Uint32(data[4:]))
	for i := range int(le.Uint16(data[ifd:])) {
		e := data[ifd+2+12*i:]
		if le.Uint16(e) == tag {
			le.PutUint16(e[2:], typ)
			le.PutUint32(e[4:], count)
			le.PutUint32(e[8:], val)
			return
		}
	}
	t.Fatalf("no tag %d", tag)
}

// addTIFFEntry adds a field at the end of smallCMYKTIFF's directory (the
// last tag there: the order stays right), moving what follows by 12 bytes.
func addTIFFEntry(t *testing.T, data []byte, tag, typ uint16, count, val uint32) []byte {
	t.Helper()
	le := binary.LittleEndian
	ifd := int(le.Uint32(data[4:]))
	n := int(le.Uint16(data[ifd:]))
	at := ifd + 2 + 12*n
	e := le.AppendUint16(nil, tag)
	e = le.AppendUint16(e, typ)
	e = le.AppendUint32(e, count)
	e = le.AppendUint32(e, val)
	out := append(append(append([]byte(nil), data[:at]...), e...), data[at:]...)
	le.PutUint16(out[ifd:], uint16(n+1))
	// The out-of-line values (bits per sample, pixels) moved by 12 bytes.
	for i := range n {
		f := out[ifd+2+12*i:]
		if typ, count := le.Uint16(f[2:]), le.Uint32(f[4:]); int(count)*typeSize(typ) > 4 {
			le.PutUint32(f[8:], le.Uint32(f[8:])+12)
		}
		if le.Uint16(f) == 273 {
			le.PutUint32(f[8:], le.Uint32(f[8:])+12)
		}
	}
	return out
}
