package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Metadata is what an image file carries besides its pixels, kept as the
// raw blocks the formats store, so that they can be written into an output
// unchanged or edited where a policy or the filters require it.
//
// Decoders fill it from their containers (JPEG segments, PNG chunks, TIFF
// tags, WebP and HEIF boxes); encoders that can hold a block write it.
type Metadata struct {
	// EXIF is a TIFF structure ("II*\x00…" or "MM\x00*…"), without the
	// "Exif\x00\x00" that JPEG's APP1 puts before it.
	EXIF []byte
	// XMP is the XMP packet (RDF/XML).
	XMP []byte
	// IPTC is IPTC-IIM datasets, as in Photoshop's 8BIM resource 0x0404.
	IPTC []byte
	// ICC is the colour profile.
	ICC []byte
}

// Empty reports whether there is no block at all.
func (m Metadata) Empty() bool {
	return len(m.EXIF) == 0 && len(m.XMP) == 0 && len(m.IPTC) == 0 && len(m.ICC) == 0
}

// Block names a kind of metadata block, as reports show it.
type Block string

const (
	BlockEXIF Block = "EXIF"
	BlockXMP  Block = "XMP"
	BlockIPTC Block = "IPTC"
	BlockICC  Block = "ICC"
)

// The largest block of each kind that is read; a larger one is dropped
// with a warning. EXIF from a JPEG is at most 64 KiB, from other formats
// rarely more than a MakerNote with a preview; XMP with its extension holds
// at most a few megabytes (a depth map, an edit history); an ICC profile
// in a JPEG is at most 255 segments (16 MiB).
const (
	MaxEXIF = 4 << 20
	MaxXMP  = 16 << 20
	MaxIPTC = 4 << 20
	MaxICC  = 16 << 20
)

func maxSize(kind Block) int {
	switch kind {
	case BlockEXIF:
		return MaxEXIF
	case BlockXMP:
		return MaxXMP
	case BlockIPTC:
		return MaxIPTC
	}
	return MaxICC
}

func (m *Metadata) slot(kind Block) *[]byte {
	switch kind {
	case BlockEXIF:
		return &m.EXIF
	case BlockXMP:
		return &m.XMP
	case BlockIPTC:
		return &m.IPTC
	case BlockICC:
		return &m.ICC
	}
	return nil
}

// Set stores a block that a container parser found, after the checks every
// block gets, and returns "" or, when the block is refused, a warning for
// the report ("EXIF dropped: …"). Decoders of any container call it; what
// each block must be:
//
//   - BlockEXIF: a TIFF structure; a leading "Exif\x00\x00" (as JPEG's APP1,
//     WebP's EXIF chunk from some writers and HEIF's Exif item after its
//     4-byte header offset hold it) is removed. Its directories must read
//     (see parseEXIF).
//   - BlockXMP: the packet; it must be well-formed XML.
//   - BlockIPTC: IPTC-IIM datasets (0x1C …), as Photoshop's 8BIM 0x0404 holds.
//   - BlockICC: the profile; its header must say "acsp" and give a size no
//     larger than the data (bytes past that size are cut off).
//
// The first block of a kind wins: a later one is ignored. data is kept, not
// copied.
func (m *Metadata) Set(kind Block, data []byte) string {
	p := m.slot(kind)
	if p == nil || len(data) == 0 || len(*p) > 0 {
		return ""
	}
	if max := maxSize(kind); len(data) > max {
		return fmt.Sprintf("%s dropped: %d bytes, over the %d MiB this reads", kind, len(data), max>>20)
	}
	var err error
	switch kind {
	case BlockEXIF:
		data = bytes.TrimPrefix(data, []byte("Exif\x00\x00"))
		_, err = parseEXIF(data)
	case BlockXMP:
		err = checkXMP(data)
	case BlockIPTC:
		var n int
		n, err = iptcLen(data)
		data = data[:n]
	case BlockICC:
		data, err = checkICC(data)
	}
	if err != nil {
		return fmt.Sprintf("%s dropped: %v", kind, err)
	}
	*p = data
	return ""
}

// iptcLen walks the IPTC-IIM datasets (each 0x1C, record, dataset, and a
// length: 15 bits, or an extended length of up to 4 bytes) and returns
// where the last one ends: zeros after it are padding (TIFF stores IPTC as
// 32-bit words).
func iptcLen(b []byte) (int, error) {
	for i := 0; i < len(b); {
		if b[i] != 0x1C {
			if i > 0 && allZero(b[i:]) {
				return i, nil
			}
			return 0, fmt.Errorf("not IPTC-IIM datasets (byte 0x%02X at %d where a tag marker 0x1C belongs)", b[i], i)
		}
		if i+5 > len(b) {
			return 0, fmt.Errorf("a dataset header at %d runs past the end", i)
		}
		n := int(binary.BigEndian.Uint16(b[i+3:]))
		i += 5
		if n&0x8000 != 0 { // extended: the next n&0x7FFF bytes hold the length
			k := n & 0x7FFF
			if k > 4 || i+k > len(b) {
				return 0, fmt.Errorf("a dataset at %d has a %d-byte length field", i-5, k)
			}
			n = 0
			for _, c := range b[i : i+k] {
				n = n<<8 | int(c)
			}
			i += k
		}
		if n < 0 || n > len(b)-i {
			return 0, fmt.Errorf("a dataset at %d claims %d bytes, past the end", i, n)
		}
		i += n
	}
	return len(b), nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// checkICC checks an ICC profile's header (the colour code parses the rest)
// and returns the profile cut to the size its header declares.
func checkICC(b []byte) ([]byte, error) {
	if len(b) < 132 {
		return nil, fmt.Errorf("%d bytes, too short for an ICC profile", len(b))
	}
	if string(b[36:40]) != "acsp" {
		return nil, fmt.Errorf("not an ICC profile (no 'acsp' signature)")
	}
	n := binary.BigEndian.Uint32(b)
	if n < 132 || int64(n) > int64(len(b)) {
		return nil, fmt.Errorf("the profile declares %d bytes but %d are there (truncated?)", n, len(b))
	}
	return b[:n], nil
}

// warnings collects the sentences that Set and the readers return, ""
// meaning none.
type warnings []string

func (w *warnings) add(s string) {
	if s != "" {
		*w = append(*w, s)
	}
}

// readMetadata reads the metadata blocks of a file in the given format
// (as the decoders name it), with warnings for what it drops.
func readMetadata(format string, r io.ReaderAt, size int64) (Metadata, []string) {
	switch format {
	case "jpeg":
		return readJPEGMeta(r, size)
	case "png":
		return readPNGMeta(r, size)
	case "tiff":
		return readTIFFMeta(r, size)
	case "webp":
		return readWebPMeta(r, size)
	case "heic", "avif":
		h, err := parseHEIF(r, size)
		if err != nil {
			return Metadata{}, []string{"metadata not read: " + err.Error()}
		}
		return h.metadata(r)
	}
	return Metadata{}, nil
}
