package codec

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// hostileFile writes data and checks what Probe and Decode say of it: a
// FileError naming the file, of one of the kinds allowed, the same from
// both, and never a panic.
func hostileFile(t *testing.T, dir, name string, data []byte, kinds ...ErrorKind) error {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, perr := Probe(path, DecodeOptions{})
	_, derr := Decode(path, DecodeOptions{AllFrames: true})
	if derr == nil {
		if len(kinds) > 0 {
			t.Errorf("%s: decoded, want an error (%v)", name, kinds)
		}
		return nil
	}
	var fe *FileError
	if !errors.As(derr, &fe) || fe.Path != path || fe.Msg == "" {
		t.Fatalf("%s: %v (%T) is not a FileError naming the file", name, derr, derr)
	}
	if perr != nil && KindOf(perr) != KindOf(derr) {
		t.Errorf("%s: Probe says %v, Decode %v", name, perr, derr)
	}
	t.Logf("%s: %v", name, derr)
	ok := len(kinds) == 0
	for _, k := range kinds {
		ok = ok || KindOf(derr) == k
	}
	if !ok {
		t.Errorf("%s: %v (%v), want one of %v", name, derr, KindOf(derr), kinds)
	}
	return derr
}

// Truncated and corrupted HEIC, AVIF and WebP files, and headers that
// declare what the file cannot hold, get a clear per-file error.
func TestHostileContainers(t *testing.T) {
	imgtest.Tool(t, "heif-enc")
	imgtest.Tool(t, "avifenc")
	imgtest.Tool(t, "cwebp")
	dir := t.TempDir()
	src := imgtest.SmallPhoto(t, dir, "Landscape_1", 160)
	heicPath, avifPath, webpPath := filepath.Join(dir, "a.heic"), filepath.Join(dir, "a.avif"), filepath.Join(dir, "a.webp")
	imgtest.Run(t, "heif-enc", "-q", "60", "-o", heicPath, src)
	imgtest.Run(t, "avifenc", "-s", "10", src, avifPath)
	imgtest.Run(t, "cwebp", "-quiet", "-q", "60", "-metadata", "exif", src, "-o", webpPath)
	step := 1
	if imgtest.Race {
		step = 3
	}
	for _, p := range []string{heicPath, avifPath, webpPath} {
		data := mustRead(t, p)
		base := filepath.Base(p)
		for i, frac := range []float64{0.002, 0.02, 0.05, 0.1, 0.3, 0.6, 0.9, 0.999} {
			if i%step != 0 {
				continue
			}
			n := int(frac * float64(len(data)))
			err := hostileFile(t, dir, fmt.Sprintf("cut-%d-%s", n, base), data[:n], ErrTruncated, ErrCorrupt, ErrNotImage)
			if err != nil && n >= 16 && !strings.Contains(err.Error(), strings.ToUpper(strings.TrimPrefix(filepath.Ext(p), "."))) {
				t.Errorf("%s cut at %d: %q does not name the format", base, n, err)
			}
		}
		// Every 97th byte of the header flipped, one at a time.
		for off := 13; off < min(len(data), 700); off += 97 * step {
			bad := bytes.Clone(data)
			bad[off] ^= 0xA5
			hostileFile(t, dir, fmt.Sprintf("flip-%d-%s", off, base), bad)
		}
	}
	c := readCoded(t, heicPath)
	huge := c
	huge.w, huge.h = 100000, 100000
	err := hostileFile(t, dir, "huge.heic", single(huge, "heic"), ErrTooLarge)
	if err == nil || !strings.Contains(err.Error(), "100000x100000 exceeds the 179 MP limit") || !strings.Contains(err.Error(), "-max-pixels") {
		t.Errorf("huge.heic: %v", err)
	}
	a := readCoded(t, avifPath)
	a.w, a.h = 20000, 14000 // a panorama: refused by default, read with a higher limit
	path := filepath.Join(dir, "pano.avif")
	if err := os.WriteFile(path, single(a, "avif"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Probe(path, DecodeOptions{}); KindOf(err) != ErrTooLarge {
		t.Errorf("pano.avif: %v", err)
	}
	if info, err := Probe(path, DecodeOptions{MaxPixels: 300_000_000}); err != nil || info.Width != 20000 {
		t.Errorf("pano.avif with a 300 MP limit: %+v, %v", info, err)
	}
	// Container lies the parser must catch before a codec sees them.
	far := c
	hf := testHEIF{brands: []string{"heic", "mif1"}, primary: 1, items: []testItem{{typ: "hvc1", data: far.data, props: [][]byte{far.config, ispeBox(far.w, far.h)}}}}
	good := hf.bytes()
	for name, mutate := range map[string]func([]byte) []byte{
		"mdat-cut.heic": func(b []byte) []byte { return b[:len(b)-len(far.data)/2] },
		"no-primary.heic": func(b []byte) []byte {
			return bytes.Replace(b, []byte("pitm\x00\x00\x00\x00\x00\x01"), []byte("pitm\x00\x00\x00\x00\x00\x07"), 1)
		},
		"prop-index.heic": func(b []byte) []byte { return bytes.Replace(b, []byte{0x02, 0x81, 0x02}, []byte{0x02, 0x81, 0x0F}, 1) },
		"not-pict.heic":   func(b []byte) []byte { return bytes.Replace(b, []byte("pict"), []byte("vide"), 1) },
		"iinf-count.heic": func(b []byte) []byte {
			return bytes.Replace(b, []byte("iinf\x00\x00\x00\x00\x00\x01"), []byte("iinf\x00\x00\x00\x00\xff\xff"), 1)
		},
		"coded-as-jpeg.heic": func(b []byte) []byte { return bytes.Replace(b, []byte("hvc1"), []byte("jpeg"), 1) },
	} {
		hostileFile(t, dir, name, mutate(bytes.Clone(good)), ErrTruncated, ErrCorrupt, ErrNotImage)
	}
	// A 2x2 grid that names three tiles.
	three := grid([]codedImage{c, c, c}, "heic", 2, 2, 2*c.w, 2*c.h)
	hostileFile(t, dir, "grid3.heic", bytes.Replace(three, []byte{0, 0, 1, 1}, []byte{0, 0, 1, 1}, 1), ErrCorrupt)
}
