package codec

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// TIFF structures (image file directories), as EXIF blocks and TIFF files
// hold them: a bounded reader over an io.ReaderAt, and a writer that lays
// out a tree of directories anew. Hostile input is the normal case here:
// every offset is checked against the size, every count against what can
// fit, each directory is read once (a loop of directories is an error) and
// the bytes read for values are budgeted, so a block can neither hang the
// reader nor make it allocate more than the block itself.

// TIFF field types and the size of one element of each (0: unknown).
const (
	tByte      = 1
	tASCII     = 2
	tShort     = 3
	tLong      = 4
	tRational  = 5
	tUndefined = 7
	tSLong     = 9
)

var tiffTypeSize = [...]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

func typeSize(t uint16) int {
	if int(t) < len(tiffTypeSize) {
		return tiffTypeSize[t]
	}
	return 0
}

// Tags of the directory tree that the metadata code follows or edits.
const (
	tagImageWidth   = 0x0100
	tagImageLength  = 0x0101
	tagOrientation  = 0x0112
	tagStripOffsets = 0x0111
	tagStripCounts  = 0x0117
	tagXMP          = 0x02BC // 700
	tagThumbOffset  = 0x0201 // JPEGInterchangeFormat
	tagThumbLength  = 0x0202
	tagIPTC         = 0x83BB // 33723
	tagExifIFD      = 0x8769 // 34665
	tagGPSIFD       = 0x8825 // 34853
	tagICC          = 0x8773 // 34675
	tagInteropIFD   = 0xA005
	tagPixelX       = 0xA002
	tagPixelY       = 0xA003
	tagMakerNote    = 0x927C
	maxIFDEntries   = 1000 // real directories hold a few dozen; 65535 is a hostile count
)

// tiffEntry is one field of a directory.
type tiffEntry struct {
	Tag, Type uint16
	Count     uint32
	Pos       int64 // where the 12-byte entry starts
	ValPos    int64 // where the value starts (Pos+8 when it is inline)
	// Val is the value in the structure's byte order; nil for an unknown
	// type and for fields whose value the reader was not asked to read.
	Val []byte
}

// size is the value's length in bytes, or -1 for an unknown type.
func (e *tiffEntry) size() int64 {
	n := typeSize(e.Type)
	if n == 0 {
		return -1
	}
	return int64(n) * int64(e.Count)
}

// uint reads element i of a SHORT or LONG value.
func (e *tiffEntry) uint(bo binary.ByteOrder, i int) (uint32, bool) {
	switch {
	case e.Type == tShort && len(e.Val) >= 2*(i+1):
		return uint32(bo.Uint16(e.Val[2*i:])), true
	case (e.Type == tLong || e.Type == 13) && len(e.Val) >= 4*(i+1):
		return bo.Uint32(e.Val[4*i:]), true
	}
	return 0, false
}

// tiffIFD is a directory: its position, fields in stored order, and the
// offset of the next directory (0 for none).
type tiffIFD struct {
	Pos     int64
	Entries []tiffEntry
	Next    uint32
}

// end is the first byte after the directory (entries and next pointer).
func (d *tiffIFD) end() int64 { return d.Pos + 2 + 12*int64(len(d.Entries)) + 4 }

func (d *tiffIFD) find(tag uint16) *tiffEntry {
	for i := range d.Entries {
		if d.Entries[i].Tag == tag {
			return &d.Entries[i]
		}
	}
	return nil
}

// tiffReader reads directories from a TIFF structure of known size.
type tiffReader struct {
	r      io.ReaderAt
	size   int64
	bo     binary.ByteOrder
	budget int64
	seen   map[int64]bool
}

// newTIFFReader checks the 8-byte header and returns a reader and the
// offset of the first directory.
// budget bounds the bytes of values it reads in all.
func newTIFFReader(r io.ReaderAt, size, budget int64) (*tiffReader, uint32, error) {
	var h [8]byte
	if size < 8 {
		return nil, 0, fmt.Errorf("%d bytes, too short for a TIFF header", size)
	}
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, 0, fmt.Errorf("cannot read the header: %v", err)
	}
	t := &tiffReader{r: r, size: size, budget: budget, seen: map[int64]bool{}}
	switch string(h[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return nil, 0, fmt.Errorf("no TIFF header (starts %q)", h[:4])
	}
	return t, t.bo.Uint32(h[4:]), nil
}

func (t *tiffReader) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > t.size || n > t.size-off {
		return nil, fmt.Errorf("%d bytes at offset %d lie past the end (%d bytes)", n, off, t.size)
	}
	if n > t.budget {
		return nil, fmt.Errorf("%d bytes of values at offset %d: more than the structure may hold", n, off)
	}
	t.budget -= n
	b := make([]byte, n)
	if _, err := t.r.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("cannot read %d bytes at offset %d: %v", n, off, err)
	}
	return b, nil
}

// ifd reads the directory at off, with the values of the fields that want
// accepts (nil: all of them). name says which directory it is, for errors.
func (t *tiffReader) ifd(off uint32, name string, want func(tag uint16) bool) (*tiffIFD, error) {
	pos := int64(off)
	if pos < 8 {
		return nil, fmt.Errorf("%s at offset %d overlaps the header", name, pos)
	}
	if t.seen[pos] {
		return nil, fmt.Errorf("%s at offset %d was already read: a loop of directories", name, pos)
	}
	t.seen[pos] = true
	head, err := t.read(pos, 2)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	n := int(t.bo.Uint16(head))
	if n > maxIFDEntries {
		return nil, fmt.Errorf("%s claims %d entries", name, n)
	}
	raw, err := t.read(pos+2, 12*int64(n)+4)
	if err != nil {
		return nil, fmt.Errorf("%s claims %d entries: %v", name, n, err)
	}
	d := &tiffIFD{Pos: pos, Entries: make([]tiffEntry, n), Next: t.bo.Uint32(raw[12*n:])}
	for i := range d.Entries {
		b := raw[12*i:]
		e := tiffEntry{Tag: t.bo.Uint16(b), Type: t.bo.Uint16(b[2:]), Count: t.bo.Uint32(b[4:]), Pos: pos + 2 + 12*int64(i)}
		e.ValPos = e.Pos + 8
		switch size := e.size(); {
		case size < 0:
			// An unknown type: its value cannot be sized, so it is left alone.
		case want != nil && !want(e.Tag):
			if size > 4 {
				e.ValPos = int64(t.bo.Uint32(b[8:]))
			}
		case size <= 4:
			e.Val = slices.Clone(b[8 : 8+size])
		default:
			e.ValPos = int64(t.bo.Uint32(b[8:]))
			if e.Val, err = t.read(e.ValPos, size); err != nil {
				return nil, fmt.Errorf("%s, tag 0x%04X: %v", name, e.Tag, err)
			}
		}
		d.Entries[i] = e
	}
	return d, nil
}

// value returns e's value, reading it (within the budget) when its
// directory was read without it (see ifd's want).
func (t *tiffReader) value(e *tiffEntry) ([]byte, error) {
	if e.Val == nil {
		n := e.size()
		if n < 0 {
			return nil, fmt.Errorf("tag %d has the unknown type %d", e.Tag, e.Type)
		}
		v, err := t.read(e.ValPos, n)
		if err != nil {
			return nil, err
		}
		e.Val = v
	}
	return e.Val, nil
}

// sub reads the directory a pointer field of d names (Exif, GPS, Interop),
// or returns nil when d has no such field.
func (t *tiffReader) sub(d *tiffIFD, tag uint16, name string) (*tiffIFD, error) {
	e := d.find(tag)
	if e == nil {
		return nil, nil
	}
	off, ok := e.uint(t.bo, 0)
	if !ok || e.Count != 1 {
		return nil, fmt.Errorf("the %s pointer has type %d and count %d", name, e.Type, e.Count)
	}
	return t.ifd(off, name, nil)
}

// ifdNode is a directory to be written: fields sorted by tag, values in the
// byte order being written, and the directories its pointer fields name.
type ifdNode struct {
	entries []outEntry
}

type outEntry struct {
	tag, typ uint16
	count    uint32
	val      []byte
	sub      *ifdNode // a pointer field: its value is the offset of sub
}

// set adds or replaces a field.
func (n *ifdNode) set(e outEntry) {
	i, found := slices.BinarySearchFunc(n.entries, e.tag, func(a outEntry, tag uint16) int { return int(a.tag) - int(tag) })
	if found {
		n.entries[i] = e
		return
	}
	n.entries = slices.Insert(n.entries, i, e)
}

func (n *ifdNode) has(tag uint16) bool {
	_, found := slices.BinarySearchFunc(n.entries, tag, func(a outEntry, tag uint16) int { return int(a.tag) - int(tag) })
	return found
}

// copyFrom adds d's fields (converted from byte order from to to) for
// which keep is true; fields of unknown type are left out.
func (n *ifdNode) copyFrom(d *tiffIFD, from, to binary.ByteOrder, keep func(tag uint16) bool) {
	for _, e := range d.Entries {
		if e.Val == nil || !keep(e.Tag) {
			continue
		}
		n.set(outEntry{tag: e.Tag, typ: e.Type, count: e.Count, val: convertOrder(e.Val, e.Type, from, to)})
	}
}

// appendTo lays the directory out at buf's end, whose first byte is at
// file offset base: the directory (word-aligned), then its out-of-line
// values, then the directories it points to. It returns the longer buf and
// the directory's offset.
func (n *ifdNode) appendTo(buf []byte, base int64, bo binary.ByteOrder) ([]byte, uint32) {
	if len(buf)%2 == 1 {
		buf = append(buf, 0)
	}
	at := len(buf)
	buf = append(buf, make([]byte, 2+12*len(n.entries)+4)...)
	bo.PutUint16(buf[at:], uint16(len(n.entries)))
	for i, e := range n.entries {
		p := at + 2 + 12*i
		bo.PutUint16(buf[p:], e.tag)
		bo.PutUint16(buf[p+2:], e.typ)
		bo.PutUint32(buf[p+4:], e.count)
		switch {
		case e.sub != nil:
			var off uint32
			buf, off = e.sub.appendTo(buf, base, bo)
			bo.PutUint16(buf[p+2:], tLong)
			bo.PutUint32(buf[p+4:], 1)
			bo.PutUint32(buf[p+8:], off)
		case len(e.val) <= 4:
			copy(buf[p+8:p+12], e.val)
		default:
			if len(buf)%2 == 1 {
				buf = append(buf, 0)
			}
			bo.PutUint32(buf[p+8:], uint32(base+int64(len(buf))))
			buf = append(buf, e.val...)
		}
	}
	return buf, uint32(base + int64(at))
}

// convertOrder returns a value of the given type in byte order to.
func convertOrder(v []byte, typ uint16, from, to binary.ByteOrder) []byte {
	out := slices.Clone(v)
	if from == to {
		return out
	}
	step := typeSize(typ)
	switch typ {
	case tRational, 10: // two 32-bit halves
		step = 4
	}
	if step < 2 {
		return out
	}
	for i := 0; i+step <= len(out); i += step {
		slices.Reverse(out[i : i+step])
	}
	return out
}

// tiffStructural are the fields that describe a TIFF file's pixels and
// layout, or that this code writes itself: they are never copied between
// a TIFF file's first directory and an EXIF block's.
var tiffStructural = map[uint16]bool{
	254: true, 255: true, 256: true, 257: true, 258: true, 259: true, 262: true, 263: true, 266: true,
	273: true, 277: true, 278: true, 279: true, 280: true, 281: true, 284: true, 288: true, 289: true,
	290: true, 291: true, 292: true, 293: true, 317: true, 320: true, 322: true, 323: true, 324: true,
	325: true, 330: true, 332: true, 338: true, 339: true, 340: true, 341: true, 347: true,
	512: true, 513: true, 514: true, 515: true, 517: true, 518: true, 519: true, 520: true, 521: true,
	529: true, 530: true, 531: true, 532: true,
	tagXMP: true, tagIPTC: true, tagICC: true, tagExifIFD: true, tagGPSIFD: true, tagInteropIFD: true,
	34377: true, // Photoshop image resources (written as IPTC alone)
	37724: true, // Photoshop layer data: large, and meaningless once the pixels change
}
