package codec

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"

	"golang.org/x/image/tiff/lzw"
)

// CMYK TIFFs (photometric 5, "separated"), which golang.org/x/image/tiff does
// not read: PicPool decodes the common layouts itself: 8 bits per sample,
// 4 samples (more are extra samples, dropped), chunky, uncompressed, LZW,
// Deflate or PackBits, with or without horizontal differencing, in strips or
// tiles. The image is an *image.CMYK (0 = no ink), converted to RGB later
// with the file's profile (tag 34675), which is read here too. Every offset
// and count is checked against the file, and each strip or tile is
// decompressed into a buffer of exactly the size its rows need.

// tiffCMYK is what a CMYK TIFF's first IFD says.
type tiffCMYK struct {
	bo            binary.ByteOrder
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

// readTIFFCMYK reads the first IFD of the TIFF in r (size bytes). It returns
// errNotCMYKTIFF for any TIFF that is not photometric 5, and a message for
// CMYK layouts PicPool does not read.
func readTIFFCMYK(r io.ReaderAt, size int64) (*tiffCMYK, error) {
	var h [8]byte
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, errNotCMYKTIFF
	}
	t := &tiffCMYK{compression: 1, predictor: 1, spp: 1}
	switch string(h[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return nil, errNotCMYKTIFF
	}
	ifd := int64(t.bo.Uint32(h[4:]))
	var nb [2]byte
	if _, err := r.ReadAt(nb[:], ifd); err != nil {
		return nil, errNotCMYKTIFF
	}
	n := int64(t.bo.Uint16(nb[:]))
	entries := make([]byte, 12*n)
	if _, err := r.ReadAt(entries, ifd+2); err != nil {
		return nil, errNotCMYKTIFF
	}
	// values reads an entry's values as unsigned integers (at most max).
	values := func(e []byte, max int) ([]uint64, error) {
		typ, cnt := t.bo.Uint16(e[2:]), int64(t.bo.Uint32(e[4:]))
		sz := typeSize(typ)
		if (typ != tShort && typ != tLong && typ != tByte) || cnt > int64(max) {
			return nil, fmt.Errorf("tag %d: %d values of type %d", t.bo.Uint16(e), cnt, typ)
		}
		data := e[8:12]
		if cnt*int64(sz) > 4 {
			off := int64(t.bo.Uint32(e[8:]))
			if off+cnt*int64(sz) > size {
				return nil, fmt.Errorf("tag %d lies past the end of the file", t.bo.Uint16(e))
			}
			data = make([]byte, cnt*int64(sz))
			if _, err := r.ReadAt(data, off); err != nil {
				return nil, err
			}
		}
		out := make([]uint64, cnt)
		for i := range out {
			switch sz {
			case 1:
				out[i] = uint64(data[i])
			case 2:
				out[i] = uint64(t.bo.Uint16(data[2*i:]))
			default:
				out[i] = uint64(t.bo.Uint32(data[4*i:]))
			}
		}
		return out, nil
	}
	one := func(e []byte) int {
		v, err := values(e, 1)
		if err != nil || len(v) != 1 || v[0] > 1<<31 {
			return -1
		}
		return int(v[0])
	}
	photometric, bits, planar, inkset := -1, []uint64{1}, 1, 1
	maxChunks := int(size/2) + 1 // every strip or tile takes at least a byte or two of the file
	var err error
	for i := int64(0); i < n; i++ {
		e := entries[12*i:]
		switch t.bo.Uint16(e) {
		case 256:
			t.width = one(e)
		case 257:
			t.height = one(e)
		case 258:
			bits, err = values(e, 16)
		case 259:
			t.compression = one(e)
		case 262:
			photometric = one(e)
		case 273, 324:
			t.offsets, err = values(e, maxChunks)
		case 277:
			t.spp = one(e)
		case 278, 323:
			t.tileH = one(e)
		case 279, 325:
			t.counts, err = values(e, maxChunks)
		case 284:
			planar = one(e)
		case 317:
			t.predictor = one(e)
		case 322:
			t.tileW = one(e)
		case 332:
			inkset = one(e)
		case 34675:
			cnt, off := int64(t.bo.Uint32(e[4:])), int64(t.bo.Uint32(e[8:]))
			if cnt > 4 && cnt <= MaxICC && off+cnt <= size {
				t.icc = make([]byte, cnt)
				if _, err := r.ReadAt(t.icc, off); err != nil {
					t.icc = nil
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if photometric != 5 {
		return nil, errNotCMYKTIFF
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
