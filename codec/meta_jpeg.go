package codec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
)

// JPEG keeps metadata in APPn segments before the first scan: APP1 "Exif"
// (EXIF), APP1 XMP and its extension (XMP larger than a segment, in chunks
// named by the MD5 of the whole), APP2 "ICC_PROFILE" (the profile, in up
// to 255 numbered chunks) and APP13 "Photoshop 3.0" (image resources, of
// which 0x0404 is IPTC; large ones span several segments).

const (
	mAPP1  = 0xE1
	mAPP2  = 0xE2
	mAPP13 = 0xED
	mSOS   = 0xDA
	mEOI   = 0xD9

	exifHeader   = "Exif\x00\x00"
	xmpHeader    = "http://ns.adobe.com/xap/1.0/\x00"
	xmpExtHeader = "http://ns.adobe.com/xmp/extension/\x00"
	iccHeader    = "ICC_PROFILE\x00"
	psHeader     = "Photoshop 3.0\x00"

	maxSegment = 65533 // payload of one segment: 65535 less the length field
)

var errStopScan = errors.New("stop")

// scanJPEG calls visit for each segment before the first scan whose marker
// want accepts, with its payload; other segments are skipped unread. It
// stops at the first scan, at the end, at a malformed marker or when visit
// returns errStopScan.
func scanJPEG(r io.Reader, want func(marker byte) bool, visit func(marker byte, seg []byte) error) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 8<<10)
	}
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return errors.New("no JPEG start marker")
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return nil
		}
		if c != 0xFF {
			return fmt.Errorf("a byte 0x%02X where a marker belongs", c)
		}
		m, err := br.ReadByte()
		for err == nil && m == 0xFF { // fill bytes
			m, err = br.ReadByte()
		}
		if err != nil || m == mSOS || m == mEOI {
			return nil
		}
		if m == 0x01 || (m >= 0xD0 && m <= 0xD7) { // no length
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return nil
		}
		n := int(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return fmt.Errorf("segment 0x%02X has a length below 2", m)
		}
		if !want(m) {
			if _, err := br.Discard(n); err != nil {
				return nil
			}
			continue
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(br, seg); err != nil {
			return fmt.Errorf("the file ends inside segment 0x%02X", m)
		}
		if err := visit(m, seg); err != nil {
			if err == errStopScan {
				return nil
			}
			return err
		}
	}
}

// readOrientation finds the EXIF Orientation tag (0x0112) in a JPEG's APP1
// segment and returns it, or 1 (upright) when it is missing, malformed or
// outside 1..8.
func readOrientation(r io.Reader) int {
	o := 1
	scanJPEG(r, func(m byte) bool { return m == mAPP1 }, func(_ byte, seg []byte) error {
		if t, ok := bytes.CutPrefix(seg, []byte(exifHeader)); ok {
			o = orientationFromTIFF(t)
			return errStopScan
		}
		return nil // an XMP APP1: look further
	})
	return o
}

// jpegMeta gathers a JPEG's blocks while its segments are scanned.
type jpegMeta struct {
	m        Metadata
	warn     warnings
	exif     []byte
	xmp      []byte
	ext      map[string]*xmpExtension // by GUID
	icc      [][]byte                 // by sequence number - 1
	iccCount int
	ps       []byte // Photoshop resources, segments concatenated
	psOver   bool
}

// xmpExtension is the chunks of one extended XMP packet, as found; they
// are put together only for the packet the standard one names, so a
// hostile file cannot make the reader allocate more than it holds.
type xmpExtension struct {
	full   int
	chunks []xmpChunk
	bytes  int
}

type xmpChunk struct {
	off  int
	data []byte
}

// assemble puts the chunks together, or returns nil when they do not
// cover the packet exactly.
func (x *xmpExtension) assemble() []byte {
	slices.SortFunc(x.chunks, func(a, b xmpChunk) int { return a.off - b.off })
	out := make([]byte, 0, x.full)
	for _, c := range x.chunks {
		if c.off != len(out) {
			return nil
		}
		out = append(out, c.data...)
	}
	if len(out) != x.full {
		return nil
	}
	return out
}

// readJPEGMeta reads a JPEG's metadata blocks (the segments before the
// first scan only).
func readJPEGMeta(r io.ReaderAt, size int64) (Metadata, []string) {
	j := &jpegMeta{ext: map[string]*xmpExtension{}}
	want := func(m byte) bool { return m == mAPP1 || m == mAPP2 || m == mAPP13 }
	if err := scanJPEG(io.NewSectionReader(r, 0, size), want, j.segment); err != nil {
		j.warn.add("metadata after a malformed segment not read: " + err.Error())
	}
	return j.finish()
}

func (j *jpegMeta) segment(m byte, seg []byte) error {
	switch {
	case m == mAPP1 && bytes.HasPrefix(seg, []byte(exifHeader)):
		if j.exif == nil {
			j.exif = seg[len(exifHeader):]
		}
	case m == mAPP1 && bytes.HasPrefix(seg, []byte(xmpHeader)):
		if j.xmp == nil {
			j.xmp = seg[len(xmpHeader):]
		}
	case m == mAPP1 && bytes.HasPrefix(seg, []byte(xmpExtHeader)):
		j.extension(seg[len(xmpExtHeader):])
	case m == mAPP2 && bytes.HasPrefix(seg, []byte(iccHeader)):
		j.iccChunk(seg[len(iccHeader):])
	case m == mAPP13 && bytes.HasPrefix(seg, []byte(psHeader)):
		if len(j.ps)+len(seg) > MaxIPTC+64<<10 {
			j.psOver = true
			return nil
		}
		j.ps = append(j.ps, seg[len(psHeader):]...)
	}
	return nil
}

// extension keeps one chunk of extended XMP: a 32-character GUID, the full
// length and this chunk's offset (32 bits each), then the data.
func (j *jpegMeta) extension(seg []byte) {
	if len(seg) < 40 {
		return
	}
	guid := string(seg[:32])
	full, off := int(binary.BigEndian.Uint32(seg[32:])), int(binary.BigEndian.Uint32(seg[36:]))
	data := seg[40:]
	x := j.ext[guid]
	if x == nil {
		if full > MaxXMP || len(j.ext) >= 4 {
			return
		}
		x = &xmpExtension{full: full}
		j.ext[guid] = x
	}
	if off < 0 || off > x.full || len(data) > x.full-off || x.bytes+len(data) > x.full {
		return
	}
	x.chunks = append(x.chunks, xmpChunk{off, data})
	x.bytes += len(data)
}

// iccChunk keeps one chunk of the profile: its number (1-based), the count,
// then the data.
func (j *jpegMeta) iccChunk(seg []byte) {
	if len(seg) < 2 || seg[0] == 0 || seg[0] > seg[1] {
		j.iccCount = -1
		return
	}
	if j.icc == nil {
		j.icc, j.iccCount = make([][]byte, seg[1]), int(seg[1])
	}
	if int(seg[1]) != j.iccCount || j.icc[seg[0]-1] != nil {
		j.iccCount = -1
		return
	}
	j.icc[seg[0]-1] = seg[2:]
}

func (j *jpegMeta) finish() (Metadata, []string) {
	warn := j.warn.add
	warn(j.m.Set(BlockEXIF, j.exif))
	warn(j.setXMP())
	switch {
	case j.iccCount < 0:
		warn("ICC dropped: its APP2 chunks are numbered inconsistently")
	case j.iccCount > 0 && countNil(j.icc) > 0:
		warn(fmt.Sprintf("ICC dropped: %d of its %d APP2 chunks are missing", countNil(j.icc), j.iccCount))
	case j.iccCount > 0:
		warn(j.m.Set(BlockICC, slices.Concat(j.icc...)))
	}
	if j.psOver {
		warn(fmt.Sprintf("IPTC dropped: the Photoshop segments exceed %d MiB", MaxIPTC>>20))
	} else if j.ps != nil {
		iptc, err := photoshopIPTC(j.ps)
		if err != nil {
			warn("IPTC dropped: " + err.Error())
		}
		warn(j.m.Set(BlockIPTC, iptc))
	}
	return j.m, j.warn
}

// setXMP stores the standard packet, merged with the extension it names.
func (j *jpegMeta) setXMP() string {
	if j.xmp == nil {
		return ""
	}
	if len(j.xmp) > MaxXMP {
		return j.m.Set(BlockXMP, j.xmp) // refused, with the reason
	}
	toks, err := tokenizeXML(bytes.TrimPrefix(j.xmp, []byte("\xEF\xBB\xBF")))
	if err != nil {
		return "XMP dropped: not well-formed XML: " + err.Error()
	}
	guid := xmpValue(toks, xml.Name{Space: nsXMPNote, Local: "HasExtendedXMP"})
	var ext []byte
	if x := j.ext[guid]; x != nil {
		ext = x.assemble()
	}
	switch {
	case guid == "":
		j.m.XMP = j.xmp // checked above: Set would tokenise it again
		return ""
	case ext == nil:
		j.m.XMP = j.xmp
		return "extended XMP dropped: some of its APP1 chunks are missing"
	}
	merged, err := mergeExtendedXMP(j.xmp, ext)
	if err != nil {
		j.m.XMP = j.xmp
		return "extended XMP dropped: " + err.Error()
	}
	return j.m.Set(BlockXMP, merged)
}

// photoshopIPTC finds resource 0x0404 (IPTC-IIM) among Photoshop image
// resources: "8BIM", a 16-bit ID, a padded Pascal-string name, a 32-bit
// size and the data, padded to an even length. It returns nil when there
// is none.
func photoshopIPTC(b []byte) ([]byte, error) {
	for i := 0; i+12 <= len(b); {
		if string(b[i:i+4]) != "8BIM" {
			return nil, fmt.Errorf("a Photoshop resource at %d does not start with 8BIM", i)
		}
		id := binary.BigEndian.Uint16(b[i+4:])
		nameLen := int(b[i+6])
		p := i + 6 + (nameLen+2)&^1
		if p+4 > len(b) {
			return nil, fmt.Errorf("Photoshop resource 0x%04X runs past the end", id)
		}
		n := int64(binary.BigEndian.Uint32(b[p:]))
		p += 4
		if n > int64(len(b)-p) {
			return nil, fmt.Errorf("Photoshop resource 0x%04X claims %d bytes, past the end", id, n)
		}
		if id == 0x0404 {
			return b[p : p+int(n)], nil
		}
		i = p + int(n+n&1)
	}
	return nil, nil
}

func countNil(s [][]byte) int {
	n := 0
	for _, b := range s {
		if b == nil {
			n++
		}
	}
	return n
}
