package codec

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// blockTags reads an EXIF block's tags with exiftool (a bare TIFF
// structure is a file exiftool reads), the groups of the EXIF directories
// only.
func blockTags(t *testing.T, exif []byte) map[string]any {
	t.Helper()
	path := filepath.Join(t.TempDir(), "block.tif")
	if err := os.WriteFile(path, exif, 0o644); err != nil {
		t.Fatal(err)
	}
	return exifGroups(imgtest.Tags(t, path)[0])
}

// exifGroups keeps the tags of IFD0, the Exif, GPS and Interop IFDs, less
// those that describe a TIFF file's pixels (a TIFF source holds them beside
// its EXIF tags).
func exifGroups(tags map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range imgtest.MetaTags(tags) {
		switch group, _, _ := strings.Cut(k, ":"); group {
		case "IFD0", "ExifIFD", "GPS", "InteropIFD":
			out[k] = v
		}
	}
	return out
}

// readFileMeta reads a file's metadata as Decode does, without decoding
// its pixels (slow under the race detector).
func readFileMeta(t *testing.T, path string) (Metadata, []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return readMetadata(sniff(data), bytes.NewReader(data), int64(len(data)))
}

// TestReadMetadata reads files exiftool tagged, in every container that
// holds metadata, and checks each block against what exiftool extracts from
// the same file: EXIF by its tags, XMP and ICC byte for byte, IPTC by its
// datasets.
func TestReadMetadata(t *testing.T) {
	icc, err := os.ReadFile(imgtest.ICCProfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"jpeg", "png", "tiff", "webp"} {
		t.Run(format, func(t *testing.T) {
			path := imgtest.Tagged(t, t.TempDir(), format)
			m, warn := readFileMeta(t, path)
			if len(warn) > 0 {
				t.Errorf("warnings: %q", warn)
			}
			want := exifGroups(imgtest.Tags(t, path)[0])
			if len(want) < 10 {
				t.Fatalf("exiftool sees only %v in the source", want)
			}
			got := blockTags(t, m.EXIF)
			for k, v := range want {
				if got[k] != v {
					t.Errorf("EXIF %s = %v, want %v", k, got[k], v)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("EXIF %s = %v, not in the source", k, got[k])
				}
			}
			if x := imgtest.Exiftool(t, "-b", "-XMP", path); !bytes.Equal(m.XMP, x) || len(x) == 0 {
				t.Errorf("XMP: read %d bytes, exiftool %d", len(m.XMP), len(x))
			}
			if !bytes.Equal(m.ICC, icc) {
				t.Errorf("ICC: read %d bytes, the profile has %d", len(m.ICC), len(icc))
			}
			if format == "webp" {
				if m.IPTC != nil {
					t.Errorf("IPTC read from a WebP: %q", m.IPTC)
				}
				return
			}
			for _, s := range []string{"paris", "Paris", "Ann Example"} {
				if !bytes.Contains(m.IPTC, []byte(s)) {
					t.Errorf("IPTC %q lacks %q", m.IPTC, s)
				}
			}
			if n, err := iptcLen(m.IPTC); err != nil || n != len(m.IPTC) {
				t.Errorf("IPTC of %d bytes: datasets end at %d (%v)", len(m.IPTC), n, err)
			}
		})
	}
}

// TestReadImageMagickPNG: ImageMagick writes XMP and IPTC into PNG as
// zTXt "Raw profile type" chunks and EXIF after the image data: all are
// read, and are those of the JPEG it was converted from.
func TestReadImageMagickPNG(t *testing.T) {
	dir := t.TempDir()
	src := imgtest.Tagged(t, dir, "jpeg")
	png := filepath.Join(dir, "im.png")
	if out, err := exec.Command("convert", src, "-resize", "64x", png).CombinedOutput(); err != nil {
		t.Fatalf("ImageMagick: %v\n%s", err, out)
	}
	data, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("Raw profile type xmp")) || !bytes.Contains(data, []byte("Raw profile type iptc")) {
		t.Fatal("ImageMagick wrote no raw profiles: the test tests nothing")
	}
	want, _ := readFileMeta(t, src)
	got, warn := readPNGMeta(bytes.NewReader(data), int64(len(data)))
	if len(warn) > 0 {
		t.Errorf("warnings %q", warn)
	}
	if !bytes.Equal(got.XMP, want.XMP) || !bytes.Equal(got.IPTC, want.IPTC) || !bytes.Equal(got.ICC, want.ICC) {
		t.Errorf("XMP %d bytes (want %d), IPTC %d (%d), ICC %d (%d)", len(got.XMP), len(want.XMP),
			len(got.IPTC), len(want.IPTC), len(got.ICC), len(want.ICC))
	}
	if len(got.EXIF) == 0 || !bytes.Contains(got.EXIF, []byte("COOLPIX P7000")) {
		t.Errorf("EXIF of %d bytes", len(got.EXIF))
	}
}
