package codec

// A HEIF writer for tests: it re-assembles the coded images that heif-enc
// and avifenc wrote into files with what those tools cannot make (rotation
// and mirroring, a clean aperture, grids, hostile sizes and counts), so the
// container parser and the decoders are tested on every property they read.

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"
)

// testItem is an item to write: its type, data (in mdat) and properties
// (whole boxes).
type testItem struct {
	typ    string
	data   []byte
	props  [][]byte
	hidden bool // not an image to show on its own (a tile)
}

type testRef struct {
	typ  string
	from int   // item index + 1
	to   []int // item indexes + 1
}

type testHEIF struct {
	brands  []string
	items   []testItem // item IDs are index + 1
	primary int
	refs    []testRef
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

func ispeBox(w, h int) []byte  { return fullBox("ispe", 0, 0, be32(w), be32(h)) }
func irotBox(angle int) []byte { return box("irot", []byte{byte(angle)}) }
func imirBox(mode int) []byte  { return box("imir", []byte{byte(mode)}) }

// clapBox crops to w x h about the centre, moved by dx, dy.
func clapBox(w, h, dx, dy int) []byte {
	return box("clap", be32(w), be32(1), be32(h), be32(1), be32(dx), be32(1), be32(dy), be32(1))
}

func gridData(rows, cols, w, h int) []byte {
	return append([]byte{0, 0, byte(rows - 1), byte(cols - 1)}, append(be16(w), be16(h)...)...)
}

// bytes writes the file: ftyp, meta (every item in mdat), mdat.
func (h testHEIF) bytes() []byte {
	ftyp := box("ftyp", []byte(h.brands[0]), be32(0), []byte(joinBrands(h.brands)))
	meta := h.meta(0)
	start := len(ftyp) + len(meta) + 8
	meta = h.meta(start)
	var mdat []byte
	for _, it := range h.items {
		mdat = append(mdat, it.data...)
	}
	return append(append(ftyp, meta...), box("mdat", mdat)...)
}

func joinBrands(b []string) string {
	s := ""
	for _, x := range b {
		s += x
	}
	return s
}

func (h testHEIF) meta(mdat int) []byte {
	hdlr := fullBox("hdlr", 0, 0, be32(0), []byte("pict"), make([]byte, 12), []byte{0})
	pitm := fullBox("pitm", 0, 0, be16(h.primary))
	var infe, iloc, props, ipma [][]byte
	off := mdat
	for i, it := range h.items {
		infe = append(infe, fullBox("infe", 2, uint32(b2i(it.hidden)), be16(i+1), be16(0), []byte(it.typ), []byte{0}))
		iloc = append(iloc, be16(i+1), be16(0), be16(1), be32(off), be32(len(it.data)))
		off += len(it.data)
		assoc := []byte{}
		for _, p := range it.props {
			props = append(props, p)
			assoc = append(assoc, byte(len(props))|0x80)
		}
		ipma = append(ipma, append(append(be16(i+1), byte(len(assoc))), assoc...))
	}
	ilocBox := fullBox("iloc", 0, 0, append([][]byte{{0x44, 0x00}, be16(len(h.items))}, iloc...)...)
	iinf := fullBox("iinf", 0, 0, append([][]byte{be16(len(h.items))}, infe...)...)
	iprp := box("iprp", box("ipco", props...), fullBox("ipma", 0, 0, append([][]byte{be32(len(h.items))}, ipma...)...))
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

// codedImage is the primary image of a file heif-enc or avifenc wrote: its
// type, coded data and codec configuration box, and size.
type codedImage struct {
	typ    string
	data   []byte
	config []byte // hvcC or av1C, the whole box
	pixi   []byte
	w, h   int
}

func readCoded(t testing.TB, path string) codedImage {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(raw)
	f, err := readHEIF(r, int64(len(raw)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	it := f.items[f.primary]
	if it.typ == "grid" { // heif-enc writes an odd size as a 1x1 grid of an even tile
		it = f.items[f.referenced("dimg", it.id)[0]]
	}
	c := codedImage{typ: it.typ}
	if c.data, err = f.data(r, it.loc, len(raw)); err != nil {
		t.Fatal(err)
	}
	for _, p := range it.props {
		switch pb := f.props[p]; pb.typ {
		case "hvcC", "av1C":
			c.config = box(pb.typ, pb.body)
		case "pixi":
			c.pixi = box(pb.typ, pb.body)
		case "ispe":
			c.w, c.h = ispeSize(pb.body)
		}
	}
	return c
}

// single writes one coded image as the primary item with extra properties
// (after ispe, in order), as the given brand.
func single(c codedImage, brand string, extra ...[]byte) []byte {
	props := [][]byte{c.config, ispeBox(c.w, c.h)}
	if c.pixi != nil {
		props = append(props, c.pixi)
	}
	h := testHEIF{brands: []string{brand, "mif1"}, primary: 1,
		items: []testItem{{typ: c.typ, data: c.data, props: append(props, extra...)}}}
	return h.bytes()
}

// grid writes tiles (all of one size, row by row) as a rows x cols grid of
// w x h, with extra properties on the grid item.
func grid(tiles []codedImage, brand string, rows, cols, w, h int, extra ...[]byte) []byte {
	hf := testHEIF{brands: []string{brand, "mif1"}, primary: 1}
	hf.items = append(hf.items, testItem{typ: "grid", data: gridData(rows, cols, w, h), props: append([][]byte{ispeBox(w, h)}, extra...)})
	ref := testRef{typ: "dimg", from: 1}
	for _, c := range tiles {
		hf.items = append(hf.items, testItem{typ: c.typ, data: c.data, props: [][]byte{c.config, ispeBox(c.w, c.h)}, hidden: true})
		ref.to = append(ref.to, len(hf.items))
	}
	hf.refs = []testRef{ref}
	return hf.bytes()
}
