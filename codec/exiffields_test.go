package codec

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/picpool/picpool/internal/imgtest"
)

// fieldsOf opens a file and reads its EXIF fields the way Process does.
func fieldsOf(t *testing.T, path string) EXIFFields {
	t.Helper()
	f, _, err := Open(path, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fields := ParseEXIFFields(f.EXIF())
	if _, err := f.Decode(0, 0); err != nil {
		t.Fatalf("Decode after EXIF: %v", err)
	}
	return fields
}

// Tags written by exiftool (the oracle) read back, in JPEG and TIFF files,
// big- and little-endian.
func TestEXIFFieldsFromExiftool(t *testing.T) {
	photo := imgtest.Path(t, "photos", "Landscape_6.jpg")
	tags := []string{"-Make=NIKON CORPORATION", "-Model=NIKON D750", "-DateTimeOriginal=2024:05:17 18:42:07",
		"-LensModel=24-70mm f/2.8", "-Artist=Ana Lima", "-Copyright=© Ana Lima 2024"}
	want := EXIFFields{Make: "NIKON CORPORATION", Model: "NIKON D750", LensModel: "24-70mm f/2.8", Artist: "Ana Lima",
		Copyright: "© Ana Lima 2024", DateTimeOriginal: time.Date(2024, 5, 17, 18, 42, 7, 0, time.Local)}
	for _, c := range []struct{ name, order string }{{"ii.jpg", "II"}, {"mm.jpg", "MM"}} {
		path := imgtest.WithTags(t, photo, c.name, append(tags, "-ExifByteOrder="+map[string]string{"II": "Little-endian", "MM": "Big-endian"}[c.order])...)
		if got := fieldsOf(t, path); got != want {
			t.Errorf("%s: got %+v\nwant %+v", c.name, got, want)
		}
	}
	// A TIFF: its own IFD0 holds the tags.
	tif := filepath.Join(imgtest.Path(t, "formats", "x-image"), "video-001-uncompressed.tiff")
	path := imgtest.WithTags(t, tif, "a.tiff", tags...)
	if got := fieldsOf(t, path); got != want {
		t.Errorf("tiff: got %+v\nwant %+v", got, want)
	}
}

// The shared photos have EXIF without these tags; a PNG has none found
// here; hostile EXIF gives nothing rather than garbage.
func TestEXIFFieldsAbsentOrHostile(t *testing.T) {
	for _, p := range []string{
		imgtest.Path(t, "photos", "Landscape_1.jpg"),
		imgtest.Path(t, "hostile", "exif_ifd_count_65535.jpg"),
		imgtest.Path(t, "hostile", "exif_orientation_9.jpg"),
		imgtest.Path(t, "hostile", "graya_8bit.png"),
	} {
		if got := fieldsOf(t, p); got != (EXIFFields{}) {
			t.Errorf("%s: %+v, want no fields", filepath.Base(p), got)
		}
	}
	// Strings are cut at maxEXIFText bytes; control characters are left
	// for the caller to sanitise (they are not path-safe either way).
	long := strings.Repeat("x", 1000)
	path := imgtest.WithTags(t, imgtest.Path(t, "photos", "Landscape_1.jpg"), "long.jpg", "-Model="+long, "-Artist=a\tb")
	got := fieldsOf(t, path)
	if len(got.Model) != maxEXIFText || got.Artist != "a\tb" {
		t.Errorf("Model %d bytes, Artist %q", len(got.Model), got.Artist)
	}
}

// FuzzEXIFFields: any block parses without a panic, and every string is
// bounded and valid UTF-8.
func FuzzEXIFFields(f *testing.F) {
	for _, p := range []string{"photos/Landscape_5.jpg", "hostile/exif_ifd_count_65535.jpg", "hostile/exif_orientation_9.jpg"} {
		data, err := os.ReadFile(filepath.Join(imgtest.Dir, p))
		if err == nil {
			meta, _ := readMetadata("jpeg", bytes.NewReader(data), int64(len(data)))
			f.Add(meta.EXIF)
		}
	}
	// A small hand-made block: IFD0 with Model inline and Artist by offset.
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x02\x00\x10\x01\x02\x00\x04\x00\x00\x00ab\x00\x00;\x01\x02\x00\x06\x00\x00\x00\x26\x00\x00\x00\x00\x00\x00\x00Artist"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := ParseEXIFFields(b)
		for _, s := range []string{got.Make, got.Model, got.LensModel, got.Artist, got.Copyright} {
			if len(s) > maxEXIFText || !utf8.ValidString(s) || strings.Contains(s, "\x00") {
				t.Fatalf("field %q: %d bytes, or not valid UTF-8, or with a NUL", s, len(s))
			}
		}
	})
}

// Invalid UTF-8 grows when replaced: the bound holds after the replacement.
func TestEXIFTextBoundAfterReplacement(t *testing.T) {
	raw := strings.Repeat("a\xff", 200)
	b := []byte("II*\x00\x08\x00\x00\x00\x01\x00\x10\x01\x02\x00")
	b = append(b, byte(len(raw)), byte(len(raw)>>8), 0, 0, 26, 0, 0, 0, 0, 0, 0, 0)
	b = append(b, raw...)
	got := ParseEXIFFields(b).Model
	if len(got) > maxEXIFText || len(got) < maxEXIFText-3 || !utf8.ValidString(got) {
		t.Errorf("Model of %d bytes (valid %v)", len(got), utf8.ValidString(got))
	}
}
