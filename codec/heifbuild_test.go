package codec

// The tests re-assemble, with heifwrite.go's writer, the coded images that
// heif-enc and avifenc wrote into files with what those tools cannot make
// (rotation and mirroring, a clean aperture, grids, hostile sizes and
// counts), so the container parser and the decoders are tested on every
// property they read.

import (
	"bytes"
	"os"
	"testing"
)

type (
	testItem = heifWItem
	testRef  = heifWRef
	testHEIF = heifWriter
)

func irotBox(angle int) []byte { return box("irot", []byte{byte(angle)}) }
func imirBox(mode int) []byte  { return box("imir", []byte{byte(mode)}) }

// clapBox crops to w x h about the centre, moved by dx, dy.
func clapBox(w, h, dx, dy int) []byte {
	return box("clap", be32(w), be32(1), be32(h), be32(1), be32(dx), be32(1), be32(dy), be32(1))
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
