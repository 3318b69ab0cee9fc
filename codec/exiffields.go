package codec

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"time"
	"unicode/utf8"
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

// maxEXIFEntries bounds the entries read from one IFD, whatever its count
// says (cameras write a few dozen).
const maxEXIFEntries = 1000

// EXIF tags read here.
const (
	tagMake             = 0x010F
	tagModel            = 0x0110
	tagArtist           = 0x013B
	tagCopyright        = 0x8298
	tagExifIFD          = 0x8769
	tagDateTimeOriginal = 0x9003
	tagLensModel        = 0xA434
)

// ParseEXIFFields reads the fields from an EXIF block: a TIFF structure
// ("II*\x00…" or "MM\x00*…"), as codec.Metadata.EXIF holds it, with or
// without JPEG's "Exif\x00\x00" before it. It reads IFD0 and the EXIF
// sub-IFD only, checks every offset and count against the block, and
// returns what it could read: a damaged block gives fewer fields, never an
// error, a panic or a large allocation.
func ParseEXIFFields(b []byte) EXIFFields {
	var out EXIFFields
	b = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
	if len(b) < 8 {
		return out
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return out
	}
	if bo.Uint16(b[2:]) != 42 {
		return out
	}
	t := tiffBlock{b: b, bo: bo}
	ifd0 := bo.Uint32(b[4:])
	exifIFD := uint32(0)
	t.entries(ifd0, func(tag, typ uint16, count, value uint32, at int) {
		switch tag {
		case tagMake:
			out.Make = t.text(typ, count, value, at)
		case tagModel:
			out.Model = t.text(typ, count, value, at)
		case tagArtist:
			out.Artist = t.text(typ, count, value, at)
		case tagCopyright:
			out.Copyright = t.text(typ, count, value, at)
		case tagExifIFD:
			if (typ == 4 || typ == 13) && count == 1 {
				exifIFD = value
			}
		}
	})
	if exifIFD != 0 && exifIFD != ifd0 {
		t.entries(exifIFD, func(tag, typ uint16, count, value uint32, at int) {
			switch tag {
			case tagDateTimeOriginal:
				out.DateTimeOriginal = parseEXIFTime(t.text(typ, count, value, at))
			case tagLensModel:
				out.LensModel = t.text(typ, count, value, at)
			}
		})
	}
	return out
}

// tiffBlock reads IFD entries from a TIFF structure, bounds-checked.
type tiffBlock struct {
	b  []byte
	bo binary.ByteOrder
}

// entries calls fn for each entry of the IFD at offset off; at is the
// entry's position, where a value of 4 bytes or less is stored.
func (t tiffBlock) entries(off uint32, fn func(tag, typ uint16, count, value uint32, at int)) {
	if off < 8 || uint64(off)+2 > uint64(len(t.b)) {
		return
	}
	n := int(t.bo.Uint16(t.b[off:]))
	for i := 0; i < min(n, maxEXIFEntries); i++ {
		e := int(off) + 2 + 12*i
		if e+12 > len(t.b) {
			return // the count claims more entries than the block holds
		}
		fn(t.bo.Uint16(t.b[e:]), t.bo.Uint16(t.b[e+2:]), t.bo.Uint32(t.b[e+4:]), t.bo.Uint32(t.b[e+8:]), e+8)
	}
}

// text reads an ASCII (2) or UTF-8 (129, EXIF 3.0) value: inline when it
// fits in 4 bytes, else at the offset value. Anything else, or a value
// outside the block, reads as "".
func (t tiffBlock) text(typ uint16, count, value uint32, at int) string {
	if (typ != 2 && typ != 129) || count == 0 {
		return ""
	}
	var raw []byte
	if count <= 4 {
		raw = t.b[at : at+int(count)]
	} else {
		if uint64(value)+uint64(count) > uint64(len(t.b)) {
			return ""
		}
		raw = t.b[value : value+count]
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	s := strings.ToValidUTF8(string(raw), string(utf8.RuneError))
	if len(s) > maxEXIFText {
		cut := maxEXIFText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return strings.TrimSpace(s)
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

// maxEXIFScan bounds how much of a file is read to find its EXIF block.
const maxEXIFScan = 1 << 20

// EXIF returns the file's EXIF block (a TIFF structure), or nil when it has
// none that can be found cheaply: a JPEG's APP1 "Exif" segment, or for a
// TIFF the file's own first megabyte (its IFD0 holds the camera's tags).
// It reads at most a megabyte and leaves the file ready to Decode.
//
// Issue 11's metadata readers will fill codec.Metadata from every
// container; this small reader serves name templates until then, and
// ParseEXIFFields reads whatever block either finds.
func (m *File) EXIF() []byte {
	r := io.NewSectionReader(m.f, 0, min(m.size, maxEXIFScan))
	switch m.info.Format {
	case "jpeg":
		return jpegEXIF(r)
	case "tiff":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil
		}
		return b
	}
	return nil
}

// jpegEXIF returns the TIFF structure of a JPEG's first APP1 "Exif"
// segment, nil when there is none before the image data.
func jpegEXIF(r io.Reader) []byte {
	var marker [4]byte
	if _, err := io.ReadFull(r, marker[:2]); err != nil || marker[0] != 0xFF || marker[1] != 0xD8 {
		return nil
	}
	for {
		if _, err := io.ReadFull(r, marker[:4]); err != nil || marker[0] != 0xFF {
			return nil
		}
		m := marker[1]
		size := int(binary.BigEndian.Uint16(marker[2:])) - 2
		if size < 0 || m == 0xDA || m == 0xD9 {
			return nil
		}
		if m != 0xE1 || size < 6 {
			if _, err := io.CopyN(io.Discard, r, int64(size)); err != nil {
				return nil
			}
			continue
		}
		seg := make([]byte, size) // at most 64 KiB
		if _, err := io.ReadFull(r, seg); err != nil {
			return nil
		}
		if string(seg[:6]) == "Exif\x00\x00" {
			return seg[6:]
		}
	}
}
