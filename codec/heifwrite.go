package codec

// A HEIF writer: items (their type, data in mdat and properties, whole
// boxes) and references between them, written as ftyp, meta, mdat. The AVIF
// grid (avifgrid.go) is written with it, and the tests re-assemble what
// heif-enc and avifenc wrote with it into files those tools cannot make.

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// heifWItem is an item to write: its type, data (in mdat) and properties
// (whole boxes).
type heifWItem struct {
	typ         string
	contentType string // of a mime item
	data        []byte
	props       [][]byte
	hidden      bool // not an image to show on its own (a tile)
}

type heifWRef struct {
	typ  string
	from int   // item index + 1
	to   []int // item indexes + 1
}

type heifWriter struct {
	brands  []string    // major brand first
	items   []heifWItem // item IDs are index + 1
	primary int
	refs    []heifWRef
}

// heifEssential are the properties a reader must understand to show the
// item: the coding configurations and the transformations.
var heifEssential = map[string]bool{"av1C": true, "hvcC": true, "irot": true, "imir": true, "clap": true}

// bytes writes the file. Offsets are 32 bits: the caller keeps the data
// under 4 GiB.
func (h heifWriter) bytes() []byte {
	ftyp := box("ftyp", []byte(h.brands[0]), be32(0), []byte(strings.Join(h.brands, "")))
	total := 0
	for _, it := range h.items {
		total += len(it.data)
	}
	start := len(ftyp) + len(h.meta(0)) + 8
	out := make([]byte, 0, start+total)
	out = append(append(out, ftyp...), h.meta(start)...)
	out = append(append(out, be32(8+total)...), "mdat"...)
	for _, it := range h.items {
		out = append(out, it.data...)
	}
	return out
}

func (h heifWriter) meta(mdat int) []byte {
	hdlr := fullBox("hdlr", 0, 0, be32(0), []byte("pict"), make([]byte, 12), []byte{0})
	pitm := fullBox("pitm", 0, 0, be16(h.primary))
	var props [][]byte // ipco's, each once
	index := func(p []byte) int {
		for i, q := range props {
			if bytes.Equal(p, q) {
				return i + 1
			}
		}
		props = append(props, p)
		return len(props)
	}
	type assoc struct {
		idx       int
		essential bool
	}
	assocs := make([][]assoc, len(h.items))
	for i, it := range h.items {
		for _, p := range it.props {
			assocs[i] = append(assocs[i], assoc{index(p), len(p) >= 8 && heifEssential[string(p[4:8])]})
		}
	}
	wide := len(props) > 127
	var infe, iloc, ipma [][]byte
	off := mdat
	for i, it := range h.items {
		e := [][]byte{be16(i + 1), be16(0), []byte(it.typ), {0}}
		if it.typ == "mime" {
			e = append(e, []byte(it.contentType), []byte{0})
		}
		infe = append(infe, fullBox("infe", 2, uint32(b2i(it.hidden)), e...))
		iloc = append(iloc, be16(i+1), be16(0), be16(1), be32(off), be32(len(it.data)))
		off += len(it.data)
		a := append(be16(i+1), byte(len(assocs[i])))
		for _, p := range assocs[i] {
			if wide {
				a = append(a, be16(b2i(p.essential)<<15|p.idx)...)
			} else {
				a = append(a, byte(b2i(p.essential)<<7|p.idx))
			}
		}
		ipma = append(ipma, a)
	}
	ilocBox := fullBox("iloc", 0, 0, append([][]byte{{0x44, 0x00}, be16(len(h.items))}, iloc...)...)
	iinf := fullBox("iinf", 0, 0, append([][]byte{be16(len(h.items))}, infe...)...)
	iprp := box("iprp", box("ipco", props...), fullBox("ipma", 0, uint32(b2i(wide)), append([][]byte{be32(len(h.items))}, ipma...)...))
	var refs [][]byte
	for _, r := range h.refs {
		b := append(be16(r.from), be16(len(r.to))...)
		for _, t := range r.to {
			b = append(b, be16(t)...)
		}
		refs = append(refs, box(r.typ, b))
	}
	parts := [][]byte{hdlr, pitm, ilocBox, iinf}
	if len(refs) > 0 {
		parts = append(parts, fullBox("iref", 0, 0, refs...))
	}
	return fullBox("meta", 0, 0, append(parts, iprp)...)
}

func box(typ string, body ...[]byte) []byte {
	n := 8
	for _, b := range body {
		n += len(b)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(n))
	out = append(out, typ...)
	for _, b := range body {
		out = append(out, b...)
	}
	return out
}

func fullBox(typ string, version byte, flags uint32, body ...[]byte) []byte {
	vf := binary.BigEndian.AppendUint32(nil, uint32(version)<<24|flags)
	return box(typ, append([][]byte{vf}, body...)...)
}

func be16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func be32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

func ispeBox(w, h int) []byte { return fullBox("ispe", 0, 0, be32(w), be32(h)) }

// gridData is a grid item's descriptor: rows x cols tiles making w x h.
func gridData(rows, cols, w, h int) []byte {
	if w > 0xFFFF || h > 0xFFFF {
		return append([]byte{0, 1, byte(rows - 1), byte(cols - 1)}, append(be32(w), be32(h)...)...)
	}
	return append([]byte{0, 0, byte(rows - 1), byte(cols - 1)}, append(be16(w), be16(h)...)...)
}
