package codec

// The HEIF container (ISO/IEC 23008-12, on the ISO base media file format),
// which HEIC and AVIF files use, parsed here rather than by the codec
// libraries so that the header is read, and checked against the pixel
// limit, before any library sees the file; and so that every build (cgo or
// WebAssembly) reads the same size, orientation and metadata. Every size,
// count and offset read from the file is checked against the bytes actually
// there: a box may not claim more than its parent holds, a count may not
// claim more entries than its box can hold, and the meta box, which holds
// all of the header, is read into memory only up to heifMaxMeta.

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

const (
	heifMaxMeta    = 16 << 20 // bytes of meta box read into memory
	heifMaxTopBox  = 4096     // top-level boxes looked at for meta
	heifMaxItems   = 1 << 16
	heifMaxExtents = 1 << 12 // per item
)

// heifError is a container problem: corrupt, truncated, or a valid file
// PicPool does not read (ErrNotImage).
type heifError struct {
	kind ErrorKind
	msg  string
}

func (e *heifError) Error() string { return e.msg }

func heifCorrupt(format string, a ...any) error {
	return &heifError{ErrCorrupt, fmt.Sprintf(format, a...)}
}

var errHEIFShort = &heifError{ErrCorrupt, "a box is shorter than its fields"}

// bx reads big-endian fields from a box body, failing once past its end.
type bx struct {
	b   []byte
	bad bool
}

func (r *bx) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return make([]byte, max(n, 0))
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *bx) u8() uint8   { return r.take(1)[0] }
func (r *bx) u16() uint16 { return binary.BigEndian.Uint16(r.take(2)) }
func (r *bx) u32() uint32 { return binary.BigEndian.Uint32(r.take(4)) }
func (r *bx) u64() uint64 { return binary.BigEndian.Uint64(r.take(8)) }

// un reads an unsigned field of n bytes (0, 4 or 8 in iloc; 1, 2 too).
func (r *bx) un(n int) uint64 {
	switch n {
	case 0:
		return 0
	case 1:
		return uint64(r.u8())
	case 2:
		return uint64(r.u16())
	case 4:
		return uint64(r.u32())
	case 8:
		return r.u64()
	}
	r.bad = true
	return 0
}

func (r *bx) id(wide bool) uint32 {
	if wide {
		return r.u32()
	}
	return uint32(r.u16())
}

func (r *bx) str() string {
	for i, c := range r.b {
		if c == 0 {
			s := string(r.b[:i])
			r.b = r.b[i+1:]
			return s
		}
	}
	s := string(r.b) // some writers leave out the last NUL
	r.b = nil
	return s
}

// fullBox reads a FullBox's version and flags.
func (r *bx) fullBox() (version uint8, flags uint32) {
	v := r.u32()
	return uint8(v >> 24), v & 0xFFFFFF
}

// heifBox is a box: its type and body (without the header).
type heifBox struct {
	typ  string
	body []byte
}

// boxes splits b into the boxes it holds.
func boxes(b []byte) ([]heifBox, error) {
	var out []heifBox
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, errHEIFShort
		}
		size := uint64(binary.BigEndian.Uint32(b))
		typ := string(b[4:8])
		hdr := uint64(8)
		switch size {
		case 0:
			size = uint64(len(b))
		case 1:
			if len(b) < 16 {
				return nil, errHEIFShort
			}
			size, hdr = binary.BigEndian.Uint64(b[8:]), 16
		}
		if size < hdr || size > uint64(len(b)) {
			return nil, heifCorrupt("the %q box claims %d bytes, %d are left", printable(typ), size, len(b))
		}
		out = append(out, heifBox{typ, b[hdr:size]})
		b = b[size:]
	}
	return out, nil
}

// printable keeps a four-character code readable in messages.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E {
			return '?'
		}
		return r
	}, s)
}

type heifExtent struct{ off, n uint64 }

// heifLoc is where an item's data is: extents in the file (method 0) or
// in the idat box (method 1).
type heifLoc struct {
	method  int
	extents []heifExtent
}

type heifItem struct {
	id          uint32
	typ         string
	contentType string
	props       []int // indexes into heifFile.props, in ipma order
	loc         *heifLoc
}

type heifRef struct {
	typ  string
	from uint32
	to   []uint32
}

// heifFile is the parsed meta box of a HEIF file.
type heifFile struct {
	brands  []string // major brand first
	primary uint32
	items   map[uint32]*heifItem
	props   []heifBox
	refs    []heifRef
	idat    []byte
	size    int64 // of the file
	truncMd bool  // a box (mdat) runs past the end of the file
}

// readHEIF reads the ftyp and meta boxes of a file of size bytes.
func readHEIF(r io.ReaderAt, size int64) (*heifFile, error) {
	f := &heifFile{size: size, items: map[uint32]*heifItem{}}
	var meta []byte
	var off int64
	for n := 0; off < size && meta == nil; n++ {
		if n == heifMaxTopBox {
			return nil, heifCorrupt("no meta box in the first %d boxes", heifMaxTopBox)
		}
		var h [16]byte
		got, _ := r.ReadAt(h[:], off)
		if got < 8 {
			return nil, &heifError{ErrTruncated, "the file ends inside a box header"}
		}
		bsize, hdr, typ := int64(binary.BigEndian.Uint32(h[:])), int64(8), string(h[4:8])
		switch bsize {
		case 0:
			bsize = size - off
		case 1:
			if got < 16 {
				return nil, &heifError{ErrTruncated, "the file ends inside a box header"}
			}
			bsize, hdr = int64(binary.BigEndian.Uint64(h[8:])), 16
		}
		if bsize < hdr {
			return nil, heifCorrupt("the %q box claims %d bytes", printable(typ), bsize)
		}
		if n == 0 && typ != "ftyp" {
			return nil, &heifError{ErrNotImage, "not a HEIF file (no ftyp box first)"}
		}
		if bsize > size-off {
			if typ == "ftyp" || typ == "meta" {
				return nil, &heifError{ErrTruncated, fmt.Sprintf("the file ends inside its %s box", typ)}
			}
			f.truncMd = true
			break
		}
		switch typ {
		case "ftyp":
			if n != 0 || bsize > 4096 {
				return nil, heifCorrupt("unexpected ftyp box")
			}
			body := make([]byte, bsize-hdr)
			if _, err := r.ReadAt(body, off+hdr); err != nil {
				return nil, &heifError{ErrTruncated, "the file ends inside its ftyp box"}
			}
			if len(body) < 8 {
				return nil, errHEIFShort
			}
			f.brands = append(f.brands, string(body[:4]))
			for b := body[8:]; len(b) >= 4; b = b[4:] {
				f.brands = append(f.brands, string(b[:4]))
			}
		case "meta":
			if bsize-hdr > heifMaxMeta {
				return nil, heifCorrupt("a meta box of %d bytes (PicPool reads up to %d)", bsize-hdr, heifMaxMeta)
			}
			meta = make([]byte, bsize-hdr)
			if _, err := r.ReadAt(meta, off+hdr); err != nil {
				return nil, &heifError{ErrTruncated, "the file ends inside its meta box"}
			}
		}
		off += bsize
	}
	if meta == nil {
		if f.truncMd {
			return nil, &heifError{ErrTruncated, "the file ends before its meta box"}
		}
		return nil, heifCorrupt("no meta box: not a still image")
	}
	return f, f.parseMeta(meta)
}

func (f *heifFile) parseMeta(meta []byte) error {
	r := bx{b: meta}
	r.fullBox()
	if r.bad {
		return errHEIFShort
	}
	children, err := boxes(r.b)
	if err != nil {
		return err
	}
	var hdlr string
	var iprp []byte
	for _, c := range children {
		b := bx{b: c.body}
		switch c.typ {
		case "hdlr":
			b.fullBox()
			b.u32()
			hdlr = string(b.take(4))
		case "pitm":
			v, _ := b.fullBox()
			f.primary = b.id(v > 0)
		case "iloc":
			err = f.parseIloc(&b)
		case "iinf":
			err = f.parseIinf(&b)
		case "iref":
			err = f.parseIref(&b)
		case "iprp":
			iprp = c.body
		case "idat":
			f.idat = c.body
		}
		if err != nil {
			return err
		}
		if b.bad {
			return heifCorrupt("the %s box is shorter than its fields", c.typ)
		}
	}
	if hdlr != "pict" {
		return &heifError{ErrNotImage, fmt.Sprintf("a HEIF file whose meta box is not for pictures (handler %q)", printable(hdlr))}
	}
	if iprp != nil {
		return f.parseIprp(iprp)
	}
	return nil
}

func (f *heifFile) item(id uint32) *heifItem {
	it := f.items[id]
	if it == nil && len(f.items) < heifMaxItems {
		it = &heifItem{id: id}
		f.items[id] = it
	}
	return it
}

func (f *heifFile) parseIloc(r *bx) error {
	v, _ := r.fullBox()
	if v > 2 {
		return &heifError{ErrNotImage, fmt.Sprintf("iloc version %d", v)}
	}
	a, b := r.u8(), r.u8()
	offSize, lenSize, baseSize, idxSize := int(a>>4), int(a&15), int(b>>4), int(b&15)
	if v == 0 {
		idxSize = 0
	}
	var count uint32
	if v < 2 {
		count = uint32(r.u16())
	} else {
		count = r.u32()
	}
	if count > heifMaxItems {
		return heifCorrupt("iloc lists %d items", count)
	}
	for i := uint32(0); i < count && !r.bad; i++ {
		id := r.id(v == 2)
		loc := &heifLoc{}
		if v > 0 {
			loc.method = int(r.u16() & 15)
		}
		dataRef := r.u16()
		base := r.un(baseSize)
		n := int(r.u16())
		if n > heifMaxExtents || n*(idxSize+offSize+lenSize) > len(r.b) {
			return heifCorrupt("item %d claims %d extents", id, n)
		}
		for e := 0; e < n && !r.bad; e++ {
			r.un(idxSize)
			off, ln := r.un(offSize), r.un(lenSize)
			if base+off < base {
				return heifCorrupt("item %d: extent offset overflows", id)
			}
			if ln == 0 && n == 1 && base+off <= uint64(f.size) {
				ln = uint64(f.size) - (base + off) // the rest of the file
			}
			loc.extents = append(loc.extents, heifExtent{base + off, ln})
		}
		if dataRef != 0 || loc.method > 1 {
			loc = nil // in another file, or an item offset: not read
		}
		if it := f.item(id); it != nil {
			it.loc = loc
		}
	}
	return nil
}

func (f *heifFile) parseIinf(r *bx) error {
	v, _ := r.fullBox()
	var count uint32
	if v == 0 {
		count = uint32(r.u16())
	} else {
		count = r.u32()
	}
	if r.bad {
		return errHEIFShort
	}
	entries, err := boxes(r.b)
	if err != nil {
		return err
	}
	if uint32(len(entries)) < count {
		return heifCorrupt("iinf announces %d items and holds %d", count, len(entries))
	}
	r.b = nil
	for _, e := range entries {
		if e.typ != "infe" {
			continue
		}
		b := bx{b: e.body}
		ver, _ := b.fullBox()
		if ver < 2 {
			continue // the old form has no item type: not an image
		}
		id := b.id(ver > 2)
		b.u16()
		typ := string(b.take(4))
		b.str()
		it := f.item(id)
		if b.bad || it == nil {
			return heifCorrupt("an item entry (infe) is shorter than its fields, or there are too many")
		}
		it.typ = typ
		if typ == "mime" {
			it.contentType = b.str()
		}
	}
	return nil
}

func (f *heifFile) parseIref(r *bx) error {
	v, _ := r.fullBox()
	if r.bad {
		return errHEIFShort
	}
	refs, err := boxes(r.b)
	if err != nil {
		return err
	}
	r.b = nil
	for _, ref := range refs {
		b := bx{b: ref.body}
		from := b.id(v > 0)
		n := int(b.u16())
		w := 2
		if v > 0 {
			w = 4
		}
		if b.bad || n*w > len(b.b) {
			return heifCorrupt("an item reference (%s) claims %d items", printable(ref.typ), n)
		}
		to := make([]uint32, n)
		for i := range to {
			to[i] = b.id(v > 0)
		}
		f.refs = append(f.refs, heifRef{ref.typ, from, to})
	}
	return nil
}

func (f *heifFile) parseIprp(body []byte) error {
	children, err := boxes(body)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.typ == "ipco" {
			if f.props, err = boxes(c.body); err != nil {
				return err
			}
		}
	}
	for _, c := range children {
		if c.typ != "ipma" {
			continue
		}
		r := bx{b: c.body}
		v, flags := r.fullBox()
		count := r.u32()
		if r.bad || uint64(count)*3 > uint64(len(r.b)) {
			return heifCorrupt("ipma claims %d items", count)
		}
		for i := uint32(0); i < count && !r.bad; i++ {
			id := r.id(v > 0)
			n := int(r.u8())
			it := f.item(id)
			for a := 0; a < n && !r.bad; a++ {
				var idx int
				if flags&1 != 0 {
					idx = int(r.u16() & 0x7FFF)
				} else {
					idx = int(r.u8() & 0x7F)
				}
				if idx == 0 {
					continue
				}
				if idx > len(f.props) {
					return heifCorrupt("item %d refers to property %d of %d", id, idx, len(f.props))
				}
				if it != nil {
					it.props = append(it.props, idx-1)
				}
			}
		}
		if r.bad {
			return heifCorrupt("the ipma box is shorter than its fields")
		}
	}
	return nil
}

// prop returns the first property of the given type associated with the
// item, and whether there is one.
func (f *heifFile) prop(it *heifItem, typ string) ([]byte, bool) {
	for _, p := range it.props {
		if f.props[p].typ == typ {
			return f.props[p].body, true
		}
	}
	return nil, false
}

// referenced returns the items that item from refers to by type typ.
func (f *heifFile) referenced(typ string, from uint32) []uint32 {
	for _, r := range f.refs {
		if r.typ == typ && r.from == from {
			return r.to
		}
	}
	return nil
}

// referring returns the items whose references of type typ include to.
func (f *heifFile) referring(typ string, to uint32) []uint32 {
	var out []uint32
	for _, r := range f.refs {
		if r.typ != typ {
			continue
		}
		for _, t := range r.to {
			if t == to {
				out = append(out, r.from)
				break
			}
		}
	}
	return out
}

// data reads an item's bytes, at most limit of them.
func (f *heifFile) data(r io.ReaderAt, loc *heifLoc, limit int) ([]byte, error) {
	if loc == nil {
		return nil, heifCorrupt("an item without a location in this file")
	}
	var total uint64
	for _, e := range loc.extents {
		total += e.n
		if total > uint64(limit) || e.n > uint64(limit) {
			return nil, heifCorrupt("an item of more than %d bytes", limit)
		}
	}
	out := make([]byte, 0, total)
	for _, e := range loc.extents {
		if loc.method == 1 {
			if e.off > uint64(len(f.idat)) || e.n > uint64(len(f.idat))-e.off {
				return nil, heifCorrupt("an item lies outside the idat box")
			}
			out = append(out, f.idat[e.off:e.off+e.n]...)
			continue
		}
		if e.off > uint64(f.size) || e.n > uint64(f.size)-e.off {
			return nil, &heifError{ErrTruncated, "the file ends before the image data does"}
		}
		buf := make([]byte, e.n)
		if _, err := r.ReadAt(buf, int64(e.off)); err != nil {
			return nil, &heifError{ErrTruncated, "the file ends before the image data does"}
		}
		out = append(out, buf...)
	}
	return out, nil
}

// inFile checks that an item's data lies within the file.
func (f *heifFile) inFile(it *heifItem) error {
	if it.loc == nil || len(it.loc.extents) == 0 {
		return heifCorrupt("image item %d has no data in this file", it.id)
	}
	for _, e := range it.loc.extents {
		end := uint64(f.size)
		if it.loc.method == 1 {
			end = uint64(len(f.idat))
		}
		if e.off > end || e.n > end-e.off {
			return &heifError{ErrTruncated, "the file ends before the image data does"}
		}
	}
	return nil
}
