package codec

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/picpool/picpool/internal/utf8cut"
)

// EXIFFields are the few EXIF tags that name templates and text steps use
// (see processing.Fields). Strings are as the file holds them, cut at the
// first NUL and at maxEXIFText bytes, invalid UTF-8 replaced: they come from
// the file and are not trusted (callers sanitise them for their use).
type EXIFFields struct {
	DateTimeOriginal time.Time // zero when absent or unreadable
	Make, Model      string
	LensModel        string
	Artist           string
	Copyright        string // the photographer's part (EXIF may add an editor's after a NUL)
}

// maxEXIFText bounds every string read from EXIF.
const maxEXIFText = 256

// The tags read here, beside those of tiffifd.go.
const (
	tagMake             = 0x010F
	tagModel            = 0x0110
	tagArtist           = 0x013B
	tagCopyright        = 0x8298
	tagDateTimeOriginal = 0x9003
	tagLensModel        = 0xA434
)

// ParseEXIFFields reads the fields from an EXIF block: a TIFF structure
// ("II*\x00…" or "MM\x00*…"), as Metadata.EXIF holds it, with or without
// JPEG's "Exif\x00\x00" before it. It reads IFD0 and the EXIF sub-IFD with
// the bounded directory reader of tiffifd.go (offsets and counts checked,
// loops refused, values budgeted to the block's size) and returns what it
// could read: a damaged block gives fewer fields, never an error, a panic
// or a large allocation.
func ParseEXIFFields(b []byte) EXIFFields {
	var out EXIFFields
	b = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
	t, first, err := newTIFFReader(bytes.NewReader(b), int64(len(b)), int64(len(b)))
	if err != nil {
		return out
	}
	ifd0, err := t.ifd(first, "IFD0", func(tag uint16) bool {
		return tag == tagMake || tag == tagModel || tag == tagArtist || tag == tagCopyright || tag == tagExifIFD
	})
	if err != nil {
		return out
	}
	out.Make, out.Model = exifText(ifd0.find(tagMake)), exifText(ifd0.find(tagModel))
	out.Artist, out.Copyright = exifText(ifd0.find(tagArtist)), exifText(ifd0.find(tagCopyright))
	if e := ifd0.find(tagExifIFD); e != nil {
		off, ok := e.uint(t.bo, 0)
		if !ok || e.Count != 1 {
			return out
		}
		exif, err := t.ifd(off, "Exif IFD", func(tag uint16) bool { return tag == tagDateTimeOriginal || tag == tagLensModel })
		if err != nil {
			return out
		}
		out.DateTimeOriginal = parseEXIFTime(exifText(exif.find(tagDateTimeOriginal)))
		out.LensModel = exifText(exif.find(tagLensModel))
	}
	return out
}

// exifText reads an ASCII value: cut at its first NUL, invalid UTF-8
// replaced, at most maxEXIFText bytes; "" for a missing field or another
// type.
func exifText(e *tiffEntry) string {
	if e == nil || e.Type != tASCII {
		return ""
	}
	raw := e.Val
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	s := strings.ToValidUTF8(string(raw), string(utf8.RuneError))
	return strings.TrimSpace(utf8cut.Cut(s, maxEXIFText))
}

// parseEXIFTime reads EXIF's "2006:01:02 15:04:05" as a wall-clock time
// (EXIF has no time zone there): the zero time when it is blank or invalid.
func parseEXIFTime(s string) time.Time {
	for _, layout := range []string{"2006:01:02 15:04:05", "2006-01-02 15:04:05", "2006:01:02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil && t.Year() > 1 {
			return t
		}
	}
	return time.Time{}
}

// EXIF returns the file's EXIF block (a TIFF structure), read by the
// metadata readers (JPEG APP1, PNG eXIf, a TIFF's own directories, WebP's
// EXIF chunk), or nil when it has none. It leaves the file ready to Decode
// (which reads the metadata again for the outputs: callers ask for EXIF
// only when a name template needs it).
func (m *File) EXIF() []byte {
	meta, _ := readMetadata(m.info.Format, m.f, m.size)
	return meta.EXIF
}
