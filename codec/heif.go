package codec

// What PicPool takes from a HEIF file's container (isobmff.go): the primary
// image only (thumbnails, depth and other auxiliary images and gain maps are
// ignored), its size, rotation and mirroring, bit depth, whether it has an
// alpha plane, its colour information, and its EXIF and XMP.

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"math"
)

// heifNCLX is the colour description of a colr box of type nclx (ITU-T
// H.273 code points).
type heifNCLX struct {
	Primaries, Transfer, Matrix int
	FullRange                   bool
}

// heifHeader is what the decoders need from a HEIF or AVIF file.
type heifHeader struct {
	Format string // "heic" or "avif"
	// DecW, DecH is the coded size (ispe, or a grid's output size): what a
	// decoder allocates. W, H is the size after the clean aperture (clap),
	// before rotation; Orientation (1..8, as in EXIF) turns it upright.
	DecW, DecH  int
	W, H        int
	Orientation int
	Depth       int             // bits per sample
	Alpha       bool            // an alpha plane goes with the primary image
	Tiles       int             // grid tiles (0: not a grid)
	CropRect    image.Rectangle // what the clean aperture keeps of the coded image
	ICC         []byte
	NCLX        *heifNCLX
	exif, xmp   *heifLoc
	file        *heifFile
}

// heifAlphaURNs name alpha planes in auxC (HEVC's and MPEG-B's).
var heifAlphaURNs = map[string]bool{
	"urn:mpeg:hevc:2015:auxid:1":                  true,
	"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha": true,
}

// parseHEIF reads and checks the container of a HEIF/AVIF file.
func parseHEIF(r io.ReaderAt, size int64) (*heifHeader, error) {
	f, err := readHEIF(r, size)
	if err != nil {
		return nil, err
	}
	it := f.items[f.primary]
	if it == nil || it.typ == "" {
		return nil, heifCorrupt("the primary image (item %d) is not in the file", f.primary)
	}
	h := &heifHeader{file: f, Depth: 8}
	coded := it
	switch it.typ {
	case "hvc1", "av01":
	case "grid":
		if coded, err = f.grid(r, it, h); err != nil {
			return nil, err
		}
	default:
		return nil, &heifError{ErrNotImage, fmt.Sprintf("a HEIF image coded as %q, which PicPool does not read (it reads HEVC and AV1)", printable(it.typ))}
	}
	h.Format = map[string]string{"hvc1": "heic", "av01": "avif"}[coded.typ]
	if err := f.inFile(coded); err != nil {
		return nil, err
	}
	// libheif refuses a file any of whose items lies past its end (a
	// truncated file's EXIF, last in it): say so first.
	for _, other := range f.items {
		if other.loc != nil && other.loc.method == 0 && len(other.loc.extents) > 0 {
			if err := f.inFile(other); err != nil {
				return nil, err
			}
		}
	}
	if h.Tiles == 0 {
		ispe, ok := f.prop(it, "ispe")
		if !ok {
			return nil, heifCorrupt("the primary image has no size (no ispe property)")
		}
		h.DecW, h.DecH = ispeSize(ispe)
	}
	if h.DecW <= 0 || h.DecH <= 0 {
		return nil, &heifError{ErrZeroSize, fmt.Sprintf("declares a size of %dx%d: no pixels to process", h.DecW, h.DecH)}
	}
	h.Depth = f.depth(it, coded)
	h.transforms(it)
	for _, p := range it.props {
		if c := f.props[p]; c.typ == "colr" && len(c.body) >= 4 {
			switch string(c.body[:4]) {
			case "prof", "rICC":
				if h.ICC == nil {
					h.ICC = c.body[4:]
				}
			case "nclx":
				if b := c.body[4:]; len(b) >= 7 && h.NCLX == nil {
					h.NCLX = &heifNCLX{int(binary.BigEndian.Uint16(b)), int(binary.BigEndian.Uint16(b[2:])),
						int(binary.BigEndian.Uint16(b[4:])), b[6]&0x80 != 0}
				}
			}
		}
	}
	for _, id := range f.referring("auxl", f.primary) {
		if aux := f.items[id]; aux != nil {
			if c, ok := f.prop(aux, "auxC"); ok && len(c) > 4 {
				b := bx{b: c[4:]}
				if heifAlphaURNs[b.str()] {
					h.Alpha = true
				}
			}
		}
	}
	h.exif, h.xmp = f.metaItems()
	return h, nil
}

func ispeSize(b []byte) (int, int) {
	r := bx{b: b}
	r.fullBox()
	w, hh := r.u32(), r.u32()
	if r.bad || w > math.MaxInt32 || hh > math.MaxInt32 {
		return 0, 0
	}
	return int(w), int(hh)
}

// grid checks a grid image: its descriptor, and that its tiles are there,
// of one coding, each with a size, together covering the output. It sets
// DecW, DecH and Tiles and returns the first tile.
func (f *heifFile) grid(r io.ReaderAt, it *heifItem, h *heifHeader) (*heifItem, error) {
	desc, err := f.data(r, it.loc, 64)
	if err != nil {
		return nil, err
	}
	d := bx{b: desc}
	d.u8()
	flags := d.u8()
	rows, cols := int(d.u8())+1, int(d.u8())+1
	var w, hh uint64
	if flags&1 != 0 {
		w, hh = uint64(d.u32()), uint64(d.u32())
	} else {
		w, hh = uint64(d.u16()), uint64(d.u16())
	}
	if d.bad {
		return nil, heifCorrupt("the grid descriptor is shorter than its fields")
	}
	tiles := f.referenced("dimg", it.id)
	if len(tiles) != rows*cols {
		return nil, heifCorrupt("a %dx%d grid with %d tiles", cols, rows, len(tiles))
	}
	var first *heifItem
	for _, id := range tiles {
		t := f.items[id]
		if t == nil || (t.typ != "hvc1" && t.typ != "av01") {
			return nil, heifCorrupt("grid tile %d is missing or not an HEVC or AV1 image", id)
		}
		ispe, ok := f.prop(t, "ispe")
		tw, th := ispeSize(ispe)
		if !ok || tw <= 0 || th <= 0 {
			return nil, heifCorrupt("grid tile %d has no size", id)
		}
		if first == nil {
			first = t
			if uint64(tw)*uint64(cols) < w || uint64(th)*uint64(rows) < hh {
				return nil, heifCorrupt("%dx%d tiles of %dx%d do not cover the grid's %dx%d", cols, rows, tw, th, w, hh)
			}
		} else if t.typ != first.typ {
			return nil, heifCorrupt("a grid whose tiles are coded in two ways")
		}
		if err := f.inFile(t); err != nil {
			return nil, err
		}
	}
	if w > math.MaxInt32 || hh > math.MaxInt32 {
		return nil, heifCorrupt("a grid of %dx%d", w, hh)
	}
	h.DecW, h.DecH, h.Tiles = int(w), int(hh), len(tiles)
	return first, nil
}

// depth is the bit depth from pixi, or else from the codec configuration.
func (f *heifFile) depth(it, coded *heifItem) int {
	for _, item := range []*heifItem{it, coded} {
		if p, ok := f.prop(item, "pixi"); ok && len(p) >= 6 && p[5] > 0 {
			return int(p[5])
		}
	}
	if c, ok := f.prop(coded, "hvcC"); ok && len(c) > 17 {
		return int(c[17]&7) + 8
	}
	if c, ok := f.prop(coded, "av1C"); ok && len(c) > 2 {
		switch {
		case c[2]&0x40 == 0:
			return 8
		case c[2]&0x20 != 0 && c[1]>>5 == 2:
			return 12
		}
		return 10
	}
	return 8
}

// transforms applies the clean aperture, rotation and mirror properties in
// their order in ipma (as decoders do) and expresses the result as a stored
// size W x H (the coded size, cropped) and an EXIF orientation. The clean
// aperture must come first, as the standard requires; a later one is ignored.
func (h *heifHeader) transforms(it *heifItem) {
	h.W, h.H = h.DecW, h.DecH
	h.CropRect = image.Rect(0, 0, h.DecW, h.DecH)
	flip, rot := false, 0 // flip horizontally first, then rot quarter turns anticlockwise
	for _, p := range it.props {
		c := h.file.props[p]
		switch {
		case c.typ == "clap" && len(c.body) >= 32 && !flip && rot == 0:
			if r, ok := clapRect(c.body, h.DecW, h.DecH); ok {
				h.CropRect, h.W, h.H = r, r.Dx(), r.Dy()
			}
		case c.typ == "irot" && len(c.body) >= 1:
			rot = (rot + int(c.body[0]&3)) % 4
		case c.typ == "imir" && len(c.body) >= 1:
			// 0: top and bottom exchanged (a vertical flip, which is a
			// horizontal one turned by half a turn); 1: left and right.
			flip, rot = !flip, (4-rot)%4
			if c.body[0]&1 == 0 {
				rot = (rot + 2) % 4
			}
		}
	}
	h.Orientation = [2][4]int{{1, 8, 3, 6}, {2, 5, 4, 7}}[b2i(flip)][rot]
}

// clapRect is the rectangle a clean aperture keeps of a w x h image, as
// libheif computes it; ok is false for one that is empty or outside.
func clapRect(b []byte, w, h int) (image.Rectangle, bool) {
	r := bx{b: b}
	frac := func(signed bool) float64 {
		n, d := r.u32(), r.u32()
		if d == 0 {
			return math.NaN()
		}
		if signed {
			return float64(int32(n)) / float64(d)
		}
		return float64(n) / float64(d)
	}
	cw, ch, ox, oy := frac(false), frac(false), frac(true), frac(true)
	left := math.Round(ox + float64(w-1)/2 - (cw-1)/2)
	top := math.Round(oy + float64(h-1)/2 - (ch-1)/2)
	rw, rh := math.Round(cw), math.Round(ch)
	if !(left >= 0 && top >= 0 && rw >= 1 && rh >= 1 && left+rw <= float64(w) && top+rh <= float64(h)) {
		return image.Rectangle{}, false
	}
	return image.Rect(int(left), int(top), int(left+rw), int(top+rh)), true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// metaItems finds the EXIF and XMP items that describe the primary image
// (or, when none is linked to it, any in the file).
func (f *heifFile) metaItems() (exif, xmp *heifLoc) {
	linked := map[uint32]bool{}
	for _, id := range f.referring("cdsc", f.primary) {
		linked[id] = true
	}
	pick := func(want func(*heifItem) bool) *heifLoc {
		var any *heifLoc
		for id, it := range f.items {
			if it.loc == nil || !want(it) {
				continue
			}
			if linked[id] {
				return it.loc
			}
			if any == nil {
				any = it.loc
			}
		}
		if len(linked) > 0 {
			return nil
		}
		return any
	}
	exif = pick(func(it *heifItem) bool { return it.typ == "Exif" })
	xmp = pick(func(it *heifItem) bool { return it.typ == "mime" && it.contentType == "application/rdf+xml" })
	return exif, xmp
}

// metadata reads the EXIF (without its 4-byte offset header: the TIFF
// structure), XMP and ICC blocks, checked as Metadata.Set checks every
// format's. A block that cannot be read is left out with a warning:
// metadata never stops an image from being processed.
func (h *heifHeader) metadata(r io.ReaderAt) (Metadata, []string) {
	var m Metadata
	var warn warnings
	warn.add(m.Set(BlockICC, h.ICC))
	if h.exif != nil {
		b, err := h.file.data(r, h.exif, MaxEXIF)
		switch {
		case err != nil:
			warn.add("EXIF dropped: " + err.Error())
		case len(b) < 4 || uint64(binary.BigEndian.Uint32(b)) > uint64(len(b)-4):
			warn.add("EXIF dropped: its offset header points past its end")
		default:
			warn.add(m.Set(BlockEXIF, b[4+binary.BigEndian.Uint32(b):]))
		}
	}
	if h.xmp != nil {
		b, err := h.file.data(r, h.xmp, MaxXMP)
		if err != nil {
			warn.add("XMP dropped: " + err.Error())
		} else {
			warn.add(m.Set(BlockXMP, b))
		}
	}
	return m, warn
}
