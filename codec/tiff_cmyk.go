package codec

import (
	"bufio"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"io"
	"slices"

	"golang.org/x/image/tiff/lzw"
)

// CMYK TIFFs (photometric 5, "separated"), which golang.org/x/image/tiff does
// not read: PicPool decodes the common layouts itself: 8 bits per sample,
// 4 samples (more are extra samples, dropped), chunky, uncompressed, LZW,
// Deflate or PackBits, with or without horizontal differencing, in strips or
// tiles. The image is an *image.CMYK (0 = no ink), converted to RGB later
// with the file's profile (tag 34675), which is read here too. The first
// directory is read by the bounded tiffReader (tiffifd.go) that the
// metadata code uses, so every offset and count is checked against the
// file and the values read are budgeted; each strip or tile is
// decompressed into a buffer of exactly the size its rows need.

// tiffCMYK is what a CMYK TIFF's first IFD says.
type tiffCMYK struct {
	width, height int
	spp           int // samples per pixel, >= 4
	compression   int
	predictor     int
	// Strips (tileW = width, tileH = rows per strip) or tiles.
	tileW, tileH int
	offsets      []uint64
	counts       []uint64
	icc          []byte
}

var errNotCMYKTIFF = errors.New("not a CMYK TIFF")

// TIFF tags of a CMYK image's layout (beside tagImageWidth and the others
// of tiffifd.go).
const (
	tagBitsPerSample   = 258
	tagCompression     = 259
	tagPhotometric     = 262
	tagSamplesPerPixel = 277
	tagRowsPerStrip    = 278
	tagPlanarConfig    = 284
	tagPredictor       = 317
	tagTileWidth       = 322
	tagTileLength      = 323
	tagTileOffsets     = 324
	tagTileByteCounts  = 325
	tagInkSet          = 332
)

// readTIFFCMYK reads the first IFD of the TIFF in r (size bytes). It returns
// errNotCMYKTIFF for any TIFF that is not photometric 5 (or whose header or
// directory cannot be read: Go's decoder then says why), and a message for
// CMYK layouts PicPool does not read.
func readTIFFCMYK(r io.ReaderAt, size int64) (*tiffCMYK, error) {
	// The values read (strip tables, profile) lie in the file, and the
	// directory's own bytes are read once more for inline values: twice
	// the file bounds them.
	tr, off, err := newTIFFReader(r, size, 2*size)
	if err != nil {
		return nil, errNotCMYKTIFF
	}
	// No values up front: whether the file is CMYK decides which to read.
	d, err := tr.ifd(off, "IFD0", func(uint16) bool { return false })
	if err != nil {
		return nil, errNotCMYKTIFF
	}
	// values reads a field's values as unsigned integers (at most max).
	values := func(e *tiffEntry, max int) ([]uint64, error) {
		if (e.Type != tShort && e.Type != tLong && e.Type != tByte) || int64(e.Count) > int64(max) {
			return nil, fmt.Errorf("tag %d: %d values of type %d", e.Tag, e.Count, e.Type)
		}
		data, err := tr.value(e)
		if err != nil {
			return nil, fmt.Errorf("tag %d: %v", e.Tag, err)
		}
		out := make([]uint64, e.Count)
		for i := range out {
			switch e.Type {
			case tByte:
				out[i] = uint64(data[i])
			case tShort:
				out[i] = uint64(tr.bo.Uint16(data[2*i:]))
			default:
				out[i] = uint64(tr.bo.Uint32(data[4*i:]))
			}
		}
		return out, nil
	}
	// field is the last of the fields with one of the tags (a tag given
	// twice, or strips and tiles both, is read as the last one says).
	field := func(tags ...uint16) *tiffEntry {
		for i := len(d.Entries) - 1; i >= 0; i-- {
			if slices.Contains(tags, d.Entries[i].Tag) {
				return &d.Entries[i]
			}
		}
		return nil
	}
	// one reads a field of one value; dflt when it is absent, -1 when it
	// is not one small number.
	one := func(dflt int, tags ...uint16) int {
		e := field(tags...)
		if e == nil {
			return dflt
		}
		v, err := values(e, 1)
		if err != nil || len(v) != 1 || v[0] > 1<<31 {
			return -1
		}
		return int(v[0])
	}
	// many reads a field of up to max values; dflt when it is absent.
	many := func(max int, dflt []uint64, tags ...uint16) ([]uint64, error) {
		if e := field(tags...); e != nil {
			return values(e, max)
		}
		return dflt, nil
	}
	if one(-1, tagPhotometric) != 5 {
		return nil, errNotCMYKTIFF
	}
	t := &tiffCMYK{
		width: one(0, tagImageWidth), height: one(0, tagImageLength),
		spp: one(1, tagSamplesPerPixel), compression: one(1, tagCompression), predictor: one(1, tagPredictor),
		tileW: one(0, tagTileWidth), tileH: one(0, tagRowsPerStrip, tagTileLength),
	}
	planar, inkset := one(1, tagPlanarConfig), one(1, tagInkSet)
	maxChunks := int(size/2) + 1 // every strip or tile takes at least a byte or two of the file
	bits, err := many(16, []uint64{1}, tagBitsPerSample)
	if err == nil {
		t.offsets, err = many(maxChunks, nil, tagStripOffsets, tagTileOffsets)
	}
	if err == nil {
		t.counts, err = many(maxChunks, nil, tagStripCounts, tagTileByteCounts)
	}
	if err != nil {
		return nil, err
	}
	if e := field(tagICC); e != nil && e.size() > 4 && e.size() <= MaxICC {
		t.icc, _ = tr.value(e) // a profile that cannot be read is left out
	}
	for _, b := range bits {
		if b != 8 {
			return nil, fmt.Errorf("CMYK with %d bits per sample (PicPool reads 8)", b)
		}
	}
	switch {
	case inkset != 1:
		return nil, fmt.Errorf("separated with ink set %d, not CMYK", inkset)
	case t.spp < 4 || t.spp > 16:
		return nil, fmt.Errorf("CMYK with %d samples per pixel", t.spp)
	case planar != 1:
		return nil, errors.New("CMYK in separate planes (PicPool reads chunky CMYK)")
	case t.compression != 1 && t.compression != 5 && t.compression != 8 && t.compression != 32946 && t.compression != 32773:
		return nil, fmt.Errorf("CMYK with compression %d (PicPool reads none, LZW, Deflate and PackBits)", t.compression)
	case t.predictor != 1 && t.predictor != 2:
		return nil, fmt.Errorf("CMYK with predictor %d", t.predictor)
	case t.width <= 0 || t.height <= 0:
		return nil, fmt.Errorf("CMYK TIFF declares a size of %dx%d", t.width, t.height)
	}
	if t.tileW <= 0 {
		t.tileW = t.width
	}
	if t.tileH <= 0 || (t.tileW == t.width && t.tileH > t.height) {
		t.tileH = t.height
	}
	// Tiles may pass the image's edge, by less than a tile (of 16 or more).
	if t.tileW > max(t.width, 16)+15 || t.tileH > max(t.height, 16)+15 {
		return nil, fmt.Errorf("CMYK TIFF with %dx%d tiles for a %dx%d image", t.tileW, t.tileH, t.width, t.height)
	}
	across, down := (t.width+t.tileW-1)/t.tileW, (t.height+t.tileH-1)/t.tileH
	if len(t.offsets) != across*down || len(t.counts) != len(t.offsets) {
		return nil, fmt.Errorf("CMYK TIFF lists %d strips or tiles, its size needs %d", len(t.offsets), across*down)
	}
	return t, nil
}

// decode reads the pixels. Errors say truncated or corrupt.
func (t *tiffCMYK) decode(r io.ReaderAt, size int64) (*image.CMYK, error) {
	img := image.NewCMYK(image.Rect(0, 0, t.width, t.height))
	across := (t.width + t.tileW - 1) / t.tileW
	rowBytes := t.tileW * t.spp
	buf := make([]byte, rowBytes*t.tileH)
	for i, off := range t.offsets {
		if off+t.counts[i] > uint64(size) {
			return nil, io.ErrUnexpectedEOF
		}
		x0, y0 := (i%across)*t.tileW, (i/across)*t.tileH
		rows := t.tileH
		if t.tileW == t.width { // a strip: the last one may be short
			rows = min(t.tileH, t.height-y0)
		}
		chunk := buf[:rowBytes*rows]
		if err := t.read(io.NewSectionReader(r, int64(off), int64(t.counts[i])), chunk); err != nil {
			return nil, err
		}
		if t.predictor == 2 {
			for y := range rows {
				row := chunk[y*rowBytes : (y+1)*rowBytes]
				for j := t.spp; j < len(row); j++ {
					row[j] += row[j-t.spp]
				}
			}
		}
		for y := 0; y < rows && y0+y < t.height; y++ {
			dst := img.Pix[img.PixOffset(x0, y0+y):]
			src := chunk[y*rowBytes:]
			for x := 0; x < t.tileW && x0+x < t.width; x++ {
				copy(dst[4*x:4*x+4], src[x*t.spp:])
			}
		}
	}
	return img, nil
}

// read decompresses one strip or tile into dst, which it must fill.
func (t *tiffCMYK) read(src io.Reader, dst []byte) error {
	var r io.Reader
	switch t.compression {
	case 1:
		r = src
	case 5:
		lr := lzw.NewReader(src, lzw.MSB, 8)
		defer lr.Close()
		r = lr
	case 8, 32946:
		zr, err := zlib.NewReader(src)
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	case 32773:
		return unpackBits(bufio.NewReader(src), dst)
	}
	_, err := io.ReadFull(r, dst)
	return err
}

// unpackBits decodes PackBits into dst, which it must fill.
func unpackBits(r io.ByteReader, dst []byte) error {
	for n := 0; n < len(dst); {
		c, err := r.ReadByte()
		if err != nil {
			return io.ErrUnexpectedEOF
		}
		switch h := int(int8(c)); {
		case h >= 0:
			for i := 0; i <= h && n < len(dst); i++ {
				if dst[n], err = r.ReadByte(); err != nil {
					return io.ErrUnexpectedEOF
				}
				n++
			}
		case h != -128:
			b, err := r.ReadByte()
			if err != nil {
				return io.ErrUnexpectedEOF
			}
			for i := 0; i <= -h && n < len(dst); i++ {
				dst[n] = b
				n++
			}
		}
	}
	return nil
}

// decodeTIFFCMYK decodes a CMYK TIFF whose header readTIFFCMYK read.
func decodeTIFFCMYK(path string, f io.ReaderAt, size int64, t *tiffCMYK) (image.Image, error) {
	img, err := t.decode(f, size)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return nil, fileErr(path, ErrTruncated, err, "truncated TIFF: the file ends before the image data does")
	case err != nil:
		return nil, fileErr(path, ErrCorrupt, err, "corrupt TIFF: %v", err)
	}
	return img, nil
}
