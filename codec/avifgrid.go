package codec

// Large AVIF outputs as a grid of separately encoded cells (HEIF's derived
// image of type grid, ISO/IEC 23008-12 6.6.2.3; AVIF 1.1 7.3 allows it).
// An AV1 encoder's working memory grows with the frame: libaom takes about
// 150 MB for one 12-megapixel frame, three times the decoded image, for
// every worker at once. Cells of about a megapixel, encoded one after the
// other by the same encoder this build uses for whole images, hold it to
// about 25 MB whatever the image's size. The cells are then put together
// here, in Go, into one file: this works alike with libavif (.deb), libheif
// (tarball, Windows) and the WebAssembly module (macOS), none of which
// frees a cell's encoder before the next in its own grid API, where it has
// one.
//
// Readers: libavif (Chrome, avifdec), libheif (GIMP, heif-convert, this
// program), Apple's and Windows' decoders read grids (iPhones write every
// HEIC as one); Firefox did not as of 2024 (its bug 1696090), which is why
// images up to avifGridMinPixels (web sizes: 2560x1440 and below) stay one
// frame.

import (
	"bytes"
	"fmt"
	"image"
	"math"
)

const (
	// avifGridMinPixels: images with more pixels than this are written as a
	// grid.
	avifGridMinPixels = 2048 * 2048
	// avifGridCell is the largest side of a cell; cells are as near that as
	// an even division of the image allows.
	avifGridCell = 1024
	// avifGridMinCell is MIAF's smallest tile side (and below it a grid
	// would hold more container than picture).
	avifGridMinCell = 64
)

// avifEncodeImage writes img (an *image.NRGBA or *image.NRGBA64 at (0, 0))
// as one AV1 frame, or as a grid of cells when it is large (unless
// o.oneFrame).
func avifEncodeImage(img image.Image, o avifOptions, meta *Metadata) ([]byte, error) {
	if g, ok := o.grid(img.Bounds().Dx(), img.Bounds().Dy()); ok {
		return avifEncodeGrid(img, o, meta, g)
	}
	return avifEncode(img, o, meta)
}

// grid is the layout of a w x h image written with o, or false for one
// frame.
func (o avifOptions) grid(w, h int) (avifGrid, bool) {
	if o.oneFrame {
		return avifGrid{}, false
	}
	return avifGridLayout(w, h, !o.Lossless)
}

// WorkBytes estimates the memory o's encoder works in for a w x h image,
// beyond the image itself: for AVIF, the encoder's (libaom's, and the YUV
// planes it is given) about 15 bytes a pixel of the frame it codes plus
// 12 MB (measured: a worker writing 12-MP frames whole needs about 190 MB
// more than one writing them as grids, and a 1024x1024 cell about 25 MB),
// one cell at a time in a grid; 0 for the other formats, whose encoders
// work a few rows or blocks at a time (libwebp's and libjpeg-turbo's
// buffers are small beside the image). The memory budget counts it
// (engine's jobCost).
func (o EncodeOptions) WorkBytes(w, h int) int64 {
	if o.Format != AVIF {
		return 0
	}
	if g, ok := o.avif().grid(w, h); ok {
		w, h = g.cw, g.ch
	}
	return 12<<20 + 15*int64(w)*int64(h)
}

// avifGrid is a grid's layout: rows x cols cells of cw x ch, cropped on the
// right and at the bottom to w x h.
type avifGrid struct{ w, h, cols, rows, cw, ch int }

// avifGridLayout lays out a grid for a w x h image, or says to write one
// frame: small images, and odd sizes in 4:2:0 (subsampled), whose grid MIAF
// does not allow (7.3.11.4.2; libavif refuses it).
func avifGridLayout(w, h int, subsampled bool) (avifGrid, bool) {
	g := avifGrid{w: w, h: h, cols: (w + avifGridCell - 1) / avifGridCell, rows: (h + avifGridCell - 1) / avifGridCell}
	if w*h <= avifGridMinPixels || g.cols*g.rows < 2 || subsampled && (w%2 != 0 || h%2 != 0) {
		return g, false
	}
	// Even sides (4:2:0 chroma), as equal as possible: the last cells are
	// padded by at most a few pixels.
	g.cw = ((w+g.cols-1)/g.cols + 1) &^ 1
	g.ch = ((h+g.rows-1)/g.rows + 1) &^ 1
	if g.cw < avifGridMinCell || g.ch < avifGridMinCell || g.cols > 256 || g.rows > 256 ||
		g.cw*(g.cols-1) >= w || g.ch*(g.rows-1) >= h {
		return g, false
	}
	return g, true
}

// avifCell is what the grid takes from one cell's AVIF file.
type avifCell struct {
	color, alpha []byte    // the AV1 data
	props        []heifBox // the colour item's av1C, pixi and colr
	alphaProps   []heifBox // the alpha item's av1C, pixi and auxC
}

func avifEncodeGrid(img image.Image, o avifOptions, meta *Metadata, g avifGrid) ([]byte, error) {
	_, _, wide := rgbaPixels(img)
	o.keepAlpha = !isOpaque(img)
	var cell image.Image
	if wide {
		cell = image.NewNRGBA64(image.Rect(0, 0, g.cw, g.ch))
	} else {
		cell = image.NewNRGBA(image.Rect(0, 0, g.cw, g.ch))
	}
	cells := make([]avifCell, 0, g.rows*g.cols)
	var opaque *avifCell
	for r := 0; r < g.rows; r++ {
		for c := 0; c < g.cols; c++ {
			copyCell(cell, img, c*g.cw, r*g.ch)
			data, err := avifEncode(cell, o, nil)
			if err != nil {
				return nil, err
			}
			ac, err := readAVIFCell(data)
			if err != nil {
				return nil, fmt.Errorf("AVIF grid cell %d: %w", len(cells)+1, err)
			}
			if ac.alpha == nil && o.keepAlpha {
				// libavif and the WebAssembly module leave the alpha plane
				// out of an opaque cell; a grid needs it in all cells or
				// none.
				if opaque == nil {
					if opaque, err = opaqueAlphaCell(g, wide, o); err != nil {
						return nil, err
					}
				}
				if opaque.alpha == nil { // one frame, then
					return avifEncode(img, o, meta)
				}
				ac.alpha, ac.alphaProps = opaque.alpha, opaque.alphaProps
			}
			cells = append(cells, ac)
		}
	}
	if !NativeCodecs {
		meta = nil // as for a single frame: this build's encoder writes no metadata
	}
	return muxAVIFGrid(g, cells, meta)
}

// opaqueAlphaCell is an alpha cell of g's size, opaque, from this build's
// avifOpaqueAlpha; its alpha is nil where the build has none.
func opaqueAlphaCell(g avifGrid, wide bool, o avifOptions) (*avifCell, error) {
	data, err := avifOpaqueAlpha(g.cw, g.ch, wide, o)
	if err != nil || data == nil {
		return &avifCell{}, err
	}
	c, err := readAVIFCell(data)
	if err != nil {
		return nil, fmt.Errorf("AVIF grid, opaque alpha cell: %w", err)
	}
	auxC := append([]byte{0, 0, 0, 0}, "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha\x00"...)
	var props []heifBox
	for _, p := range c.props {
		if p.typ != "colr" {
			props = append(props, p)
		}
	}
	return &avifCell{alpha: c.color, alphaProps: append(props, heifBox{typ: "auxC", body: auxC})}, nil
}

// copyCell copies the cell of dst's size at (x, y) in src into dst,
// repeating src's last column and row where the cell runs past its edge.
func copyCell(dst, src image.Image, x, y int) {
	dp, ds, _ := rgbaPixels(dst)
	sp, ss, wide := rgbaPixels(src)
	px := 4
	if wide {
		px = 8
	}
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	cw, ch := dst.Bounds().Dx(), dst.Bounds().Dy()
	n := min(cw, sw-x)
	for row := 0; row < ch; row++ {
		sy := min(y+row, sh-1)
		d := dp[row*ds : row*ds+cw*px]
		copy(d, sp[sy*ss+x*px:sy*ss+(x+n)*px])
		for i := n * px; i < len(d); i += px {
			copy(d[i:i+px], d[(n-1)*px:n*px])
		}
	}
}

// readAVIFCell takes the AV1 data and coding properties of a one-frame
// AVIF this build's encoder wrote.
func readAVIFCell(file []byte) (avifCell, error) {
	var c avifCell
	r := bytes.NewReader(file)
	f, err := readHEIF(r, int64(len(file)))
	if err != nil {
		return c, err
	}
	item := func(it *heifItem, keep ...string) ([]byte, []heifBox, error) {
		if it == nil || it.typ != "av01" {
			return nil, nil, fmt.Errorf("the encoder wrote no AV1 image")
		}
		data, err := f.data(r, it.loc, len(file))
		if err != nil {
			return nil, nil, err
		}
		if _, ok := f.prop(it, "av1C"); !ok {
			return nil, nil, fmt.Errorf("the encoder wrote no av1C")
		}
		var props []heifBox
		for _, p := range it.props {
			for _, k := range keep {
				if f.props[p].typ == k {
					props = append(props, f.props[p])
				}
			}
		}
		return data, props, nil
	}
	if c.color, c.props, err = item(f.items[f.primary], "av1C", "pixi", "colr"); err != nil {
		return c, err
	}
	for _, id := range f.referring("auxl", f.primary) {
		if aux := f.items[id]; aux != nil {
			if b, ok := f.prop(aux, "auxC"); ok && len(b) > 4 && heifAlphaURNs[(&bx{b: b[4:]}).str()] {
				if c.alpha, c.alphaProps, err = item(aux, "av1C", "pixi", "auxC"); err != nil {
					return c, err
				}
			}
		}
	}
	return c, nil
}

// muxAVIFGrid writes the file: the grid item, primary, derived from the
// colour cells; an alpha grid of the alpha cells, auxiliary to it; EXIF and
// XMP items describing it.
func muxAVIFGrid(g avifGrid, cells []avifCell, meta *Metadata) ([]byte, error) {
	var m Metadata
	if meta != nil {
		m = *meta
	}
	whole := func(bs []heifBox, skip string) [][]byte {
		var out [][]byte
		for _, b := range bs {
			if b.typ != skip {
				out = append(out, box(b.typ, b.body))
			}
		}
		return out
	}
	desc := gridData(g.rows, g.cols, g.w, g.h)
	// The grid carries its cells' pixel format and colour, and the profile.
	gridProps := append([][]byte{ispeBox(g.w, g.h)}, whole(cells[0].props, "av1C")...)
	if len(m.ICC) > 0 {
		gridProps = append(gridProps, box("colr", []byte("prof"), m.ICC))
	}
	h := heifWriter{brands: []string{"avif", "mif1", "miaf"}, primary: 1,
		items: []heifWItem{{typ: "grid", data: desc, props: gridProps}}}
	tiles := func(data func(avifCell) []byte, props func(avifCell) []heifBox) []int {
		var ids []int
		for _, c := range cells {
			h.items = append(h.items, heifWItem{typ: "av01", hidden: true, data: data(c),
				props: append([][]byte{ispeBox(g.cw, g.ch)}, whole(props(c), "")...)})
			ids = append(ids, len(h.items))
		}
		return ids
	}
	h.refs = append(h.refs, heifWRef{"dimg", 1, tiles(func(c avifCell) []byte { return c.color },
		func(c avifCell) []heifBox { return c.props })})
	if cells[0].alpha != nil {
		h.items = append(h.items, heifWItem{typ: "grid", hidden: true, data: desc,
			props: append([][]byte{ispeBox(g.w, g.h)}, whole(cells[0].alphaProps, "av1C")...)})
		alpha := len(h.items)
		h.refs = append(h.refs, heifWRef{"auxl", alpha, []int{1}},
			heifWRef{"dimg", alpha, tiles(func(c avifCell) []byte { return c.alpha },
				func(c avifCell) []heifBox { return c.alphaProps })})
	}
	if len(m.EXIF) > 0 {
		h.items = append(h.items, heifWItem{typ: "Exif", data: append(be32(0), m.EXIF...)})
		h.refs = append(h.refs, heifWRef{"cdsc", len(h.items), []int{1}})
	}
	if len(m.XMP) > 0 {
		h.items = append(h.items, heifWItem{typ: "mime", contentType: "application/rdf+xml", data: m.XMP})
		h.refs = append(h.refs, heifWRef{"cdsc", len(h.items), []int{1}})
	}
	total := uint64(0)
	for _, it := range h.items {
		total += uint64(len(it.data))
	}
	if len(h.items) > math.MaxUint16 || total > math.MaxUint32-1<<20 {
		return nil, fmt.Errorf("an AVIF grid of %d items and %d bytes (PicPool writes up to 65535 and 4 GiB)", len(h.items), total)
	}
	return h.bytes(), nil
}
