package codec

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"
)

// DefaultMaxPixels is the default pixel limit: Pillow's decompression-bomb
// threshold (about 179 Megapixels, 0.7 GB as 8-bit RGBA).
const DefaultMaxPixels = 178956970

// Info is what the header tells about an image, without decoding it.
type Info struct {
	Format string // "jpeg", "png", "gif", "tiff", "bmp", "webp", "heic", "avif"
	// Width and Height are as stored; Orientation (EXIF's, or HEIF's
	// rotation and mirror properties, as 1..8) says how to turn them
	// upright: orientations 5 to 8 swap the sides.
	Width, Height int
	Orientation   int
	Size          int64 // bytes on disk
	// Depth is the bits per sample of HEIC, AVIF and WebP (0 when the
	// header does not say); Frames the frames of an animated WebP (0 for
	// the other formats); Lossless is set for lossless WebP.
	Depth    int
	Frames   int
	Lossless bool
}

// Upright returns the size once the EXIF orientation is applied.
func (i Info) Upright() (int, int) {
	if i.Orientation >= 5 && i.Orientation <= 8 {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}

// Pixels is Width*Height.
func (i Info) Pixels() int64 { return int64(i.Width) * int64(i.Height) }

// DecodeBytes estimates the memory decoding the image takes at its peak:
// JPEG decodes to YCbCr (at most 3 bytes a pixel), GIF to a palette (1);
// HEIC and AVIF to the codec's YCbCr planes and then NRGBA beside them (1.5
// + 4 bytes, or 3 + 8 above 8 bits); the others to NRGBA (4). Every frame of
// an animation, when allFrames, is one NRGBA more.
func (i Info) DecodeBytes(allFrames bool) int64 {
	px := i.Pixels()
	switch {
	case allFrames && i.Frames > 1:
		return px * 4 * int64(i.Frames+1)
	case i.Format == "jpeg":
		return px * 3
	case i.Format == "gif":
		return px
	case (i.Format == "heic" || i.Format == "avif") && i.Depth > 8:
		return px * 11
	case i.Format == "heic" || i.Format == "avif":
		return px * 11 / 2
	}
	return px * 4
}

// DecodeOptions controls Decode and Probe.
type DecodeOptions struct {
	// MaxPixels refuses images whose header declares more pixels, before
	// any pixel memory is allocated. 0 means DefaultMaxPixels; < 0 disables.
	MaxPixels int64
	// NoOrientation keeps the stored orientation instead of applying EXIF's
	// (or HEIF's rotation and mirroring).
	NoOrientation bool
	// AllFrames decodes every frame of an animated GIF or WebP (see
	// Decoded.Frames); the pixel limit then applies to all of them together.
	AllFrames bool
}

// Limit is the pixel limit in force: MaxPixels, DefaultMaxPixels for 0, and
// a value <= 0 for no limit.
func (o DecodeOptions) Limit() int64 {
	if o.MaxPixels == 0 {
		return DefaultMaxPixels
	}
	return o.MaxPixels
}

// Probe reads only the header: format, size, orientation. It applies the
// same checks as Decode (regular file, zero size, pixel limit).
func Probe(path string, opts DecodeOptions) (Info, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	info, _, err := probe(path, f, st.Size(), opts)
	return info, err
}

// container is what probe read of a format PicPool parses itself (HEIF/AVIF,
// WebP, a CMYK TIFF), kept for decoding.
type container struct {
	heif *heifHeader
	webp *webpHeader
	// cmykTIFF is the header of a CMYK TIFF (decoded by tiff_cmyk.go).
	cmykTIFF *tiffCMYK
}

// probe reads the header: HEIF/AVIF and WebP with PicPool's container
// parsers, the rest with Go's decoders; for a CMYK TIFF, which Go's TIFF
// decoder does not read, it also returns what decodeTIFFCMYK needs.
func probe(path string, f *os.File, size int64, opts DecodeOptions) (Info, container, error) {
	if size == 0 {
		return Info{}, container{}, fileErr(path, ErrNotImage, nil, "empty file (0 bytes), not an image")
	}
	var magic [32]byte
	n, _ := f.ReadAt(magic[:], 0)
	switch sniffed := sniff(magic[:n]); sniffed {
	case "heic", "avif":
		info, h, err := probeHEIF(path, f, size, opts)
		return info, container{heif: h}, err
	case "webp":
		info, h, err := probeWebP(path, f, size, opts)
		return info, container{webp: h}, err
	}
	info, err := probeStd(path, f, size, opts)
	if err == nil || KindOf(err) != ErrNotImage || !strings.HasPrefix(err.Error(), "unsupported TIFF") {
		return info, container{}, err
	}
	t, terr := readTIFFCMYK(f, size)
	switch {
	case errors.Is(terr, errNotCMYKTIFF):
		return info, container{}, err
	case terr != nil:
		return info, container{}, fileErr(path, ErrNotImage, terr, "unsupported TIFF variant: %v", terr)
	}
	info = Info{Format: "tiff", Width: t.width, Height: t.height, Orientation: 1, Size: size}
	if err := checkLimit(path, info, info.Pixels(), t.width, t.height, opts); err != nil {
		return info, container{}, err
	}
	return info, container{cmykTIFF: t}, nil
}

// probeStd reads the header of a format Go's image package decodes.
func probeStd(path string, f io.ReadSeeker, size int64, opts DecodeOptions) (Info, error) {
	br := bufio.NewReaderSize(f, 4096)
	magic, _ := br.Peek(12)
	sniffed := sniff(magic)
	cfg, format, err := image.DecodeConfig(br)
	if err != nil {
		if sniffed == "png" && strings.Contains(err.Error(), "non-positive dimension") {
			return Info{Format: sniffed, Size: size}, fileErr(path, ErrZeroSize, err, "PNG declares a zero width or height: no pixels to process")
		}
		return Info{}, decodeError(path, sniffed, err, true)
	}
	info := Info{Format: format, Width: cfg.Width, Height: cfg.Height, Orientation: 1, Size: size}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return info, fileErr(path, ErrZeroSize, nil, "%s declares a size of %dx%d: no pixels to process", strings.ToUpper(format), cfg.Width, cfg.Height)
	}
	if err := checkLimit(path, info, info.Pixels(), cfg.Width, cfg.Height, opts); err != nil {
		return info, err
	}
	if format == "jpeg" && !opts.NoOrientation {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return info, osError(path, err, "cannot read")
		}
		info.Orientation = readOrientation(io.LimitReader(f, 1<<20))
	}
	return info, nil
}

// checkLimit refuses an image whose header declares more pixels than the
// limit (px: what decoding would allocate, all frames of an animation), and
// says how to raise the limit.
func checkLimit(path string, info Info, px int64, w, h int, opts DecodeOptions) error {
	limit := opts.Limit()
	if limit <= 0 || px <= limit {
		return nil
	}
	what := fmt.Sprintf("%dx%d", w, h)
	if opts.AllFrames && info.Frames > 1 {
		what = fmt.Sprintf("%d frames of %dx%d (%s)", info.Frames, w, h, Megapixels(px))
	}
	return fileErr(path, ErrTooLarge, nil, "%s exceeds the %s limit (%s)", what, Megapixels(limit), RaiseLimitHint)
}

// RaiseLimitHint says how a person raises the pixel limit; the command line
// and the window name the same setting.
const RaiseLimitHint = "raise it with -max-pixels, or the window's Pixel limit"

// Megapixels writes a pixel count the way people say it: "179 MP".
func Megapixels(n int64) string {
	mp := float64(n) / 1e6
	if mp >= 10 {
		return fmt.Sprintf("%.0f MP", mp)
	}
	return fmt.Sprintf("%.1f MP", mp)
}

// sniff names the format from the first bytes, for messages about files
// the decoders refuse.
func sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "png"
	case len(b) >= 6 && (string(b[:6]) == "GIF87a" || string(b[:6]) == "GIF89a"):
		return "gif"
	case len(b) >= 4 && (string(b[:4]) == "II*\x00" || string(b[:4]) == "MM\x00*"):
		return "tiff"
	case len(b) >= 2 && string(b[:2]) == "BM":
		return "bmp"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case len(b) >= 16 && string(b[4:8]) == "ftyp":
		return sniffBrands(b)
	}
	return ""
}

// sniffBrands names a HEIF file by the brands of its ftyp box (in the first
// bytes b): AVIF, or HEIC for the HEIF brands (a HEIF file's coding is
// settled by its primary image when the header is parsed).
func sniffBrands(b []byte) string {
	n := int(binary.BigEndian.Uint32(b))
	if n < 16 || n > len(b) {
		n = len(b) &^ 3
	}
	brands := []string{string(b[8:12])}
	for i := 16; i+4 <= n; i += 4 {
		brands = append(brands, string(b[i:i+4]))
	}
	heif := ""
	for _, br := range brands {
		switch br {
		case "avif", "avis":
			return "avif"
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "miaf":
			heif = "heic"
		}
	}
	return heif
}
