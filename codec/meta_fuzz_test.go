package codec

import (
	"bytes"
	"image"
	"os"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

var metaFormats = []string{"jpeg", "png", "tiff", "webp"}

// taggedSeeds are the files exiftool tags, in every container, cut to
// their first 64 KiB (where JPEG keeps its metadata; the PNG, TIFF and
// WebP are smaller).
func taggedSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, format := range metaFormats {
		data, err := os.ReadFile(imgtest.Tagged(f, f.TempDir(), format))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data[:min(len(data), 64<<10)])
	}
	return seeds
}

// FuzzReadMetadata reads any bytes as each container's metadata: no
// panic, no hang, nothing over the size limits, every block kept passes
// the checks again, and the policy's edits work on every block kept and
// give blocks that read again.
func FuzzReadMetadata(f *testing.F) {
	for _, s := range taggedSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range metaFormats {
			m, _ := readMetadata(format, bytes.NewReader(data), int64(len(data)))
			checkBlocks(t, m)
		}
	})
}

// checkBlocks fails when a block read would not be accepted again, or
// does not take the edits.
func checkBlocks(t *testing.T, m Metadata) {
	t.Helper()
	var again Metadata
	for _, kind := range []Block{BlockEXIF, BlockXMP, BlockIPTC, BlockICC} {
		b := *m.slot(kind)
		if len(b) > maxSize(kind) {
			t.Fatalf("%s of %d bytes kept", kind, len(b))
		}
		if w := again.Set(kind, b); w != "" || !bytes.Equal(*again.slot(kind), b) {
			t.Fatalf("%s kept, but not accepted again: %s", kind, w)
		}
	}
	if m.EXIF != nil {
		e, _, err := editEXIF(m.EXIF, exifEdit{RemoveGPS: true, Orientation: 1, Width: 70000, Height: 3})
		if err != nil {
			t.Fatalf("EXIF kept but not editable: %v", err)
		}
		if _, err := parseEXIF(e); err != nil {
			t.Fatalf("edited EXIF does not read: %v", err)
		}
	}
	if m.XMP != nil {
		x, _, err := editXMP(m.XMP, xmpEdit{RemoveGPS: true, Orientation: 1, Width: 7, Height: 3})
		if err != nil {
			t.Fatalf("XMP kept but not editable: %v", err)
		}
		if err := checkXMP(x); err != nil {
			t.Fatalf("edited XMP does not read: %v", err)
		}
	}
}

// FuzzWriteMetadata writes any blocks that pass the checks into JPEG, PNG
// and TIFF files: what is written reads back as the same blocks (EXIF, for
// TIFF, as a block that reads).
func FuzzWriteMetadata(f *testing.F) {
	for _, s := range taggedSeeds(f)[:2] {
		m, _ := readMetadata(sniff(s), bytes.NewReader(s), int64(len(s)))
		f.Add(m.EXIF, m.XMP, m.IPTC, m.ICC)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	f.Fuzz(func(t *testing.T, exif, xmp, iptc, icc []byte) {
		var m Metadata
		m.Set(BlockEXIF, exif)
		m.Set(BlockXMP, xmp)
		m.Set(BlockIPTC, iptc)
		m.Set(BlockICC, icc)
		for _, format := range []Format{JPEG, PNG, TIFF} {
			var buf bytes.Buffer
			if err := Encode(&buf, img, EncodeOptions{Format: format, Meta: &m}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.Bytes()
			got, warn := readMetadata(string(format), bytes.NewReader(out), int64(len(out)))
			if len(warn) > 0 {
				t.Fatalf("%s: reading back warns %q", format, warn)
			}
			want, _ := Fit(m, format)
			if format == JPEG && len(want.XMP) > xmpMax && got.XMP != nil {
				got.XMP = want.XMP // split into the extension and merged back: not the same bytes
			}
			if !bytes.Equal(got.XMP, want.XMP) || !bytes.Equal(got.IPTC, want.IPTC) || !bytes.Equal(got.ICC, want.ICC) {
				t.Fatalf("%s: XMP, IPTC or ICC read back differ", format)
			}
			if format != TIFF && !bytes.Equal(got.EXIF, want.EXIF) {
				t.Fatalf("%s: EXIF read back differs", format)
			}
			if (got.EXIF == nil) != (want.EXIF == nil) && format != TIFF {
				t.Fatalf("%s: EXIF lost", format)
			}
			checkBlocks(t, got)
		}
	})
}
