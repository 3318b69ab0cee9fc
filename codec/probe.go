package codec

import (
	"bufio"
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
	Format string // "jpeg", "png", "gif", "tiff", "bmp", "webp"
	// Width and Height are as stored; Orientation (EXIF, 1..8) says how to
	// turn them upright: orientations 5 to 8 swap the sides.
	Width, Height int
	Orientation   int
	Size          int64 // bytes on disk
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

// DecodeOptions controls Decode and Probe.
type DecodeOptions struct {
	// MaxPixels refuses images whose header declares more pixels, before
	// any pixel memory is allocated. 0 means DefaultMaxPixels; < 0 disables.
	MaxPixels int64
	// NoOrientation keeps the stored orientation instead of applying EXIF's.
	NoOrientation bool
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

// probe reads the header; for a CMYK TIFF, which Go's TIFF decoder does not
// read, it also returns what decodeTIFFCMYK needs.
func probe(path string, f *os.File, size int64, opts DecodeOptions) (Info, *tiffCMYK, error) {
	info, err := probeHeader(path, f, size, opts)
	if err == nil || KindOf(err) != ErrNotImage || !strings.HasPrefix(err.Error(), "unsupported TIFF") {
		return info, nil, err
	}
	t, terr := readTIFFCMYK(f, size)
	switch {
	case errors.Is(terr, errNotCMYKTIFF):
		return info, nil, err
	case terr != nil:
		return info, nil, fileErr(path, ErrNotImage, terr, "unsupported TIFF variant: %v", terr)
	}
	info = Info{Format: "tiff", Width: t.width, Height: t.height, Orientation: 1, Size: size}
	if limit := opts.Limit(); limit > 0 && info.Pixels() > limit {
		return info, nil, fileErr(path, ErrTooLarge, nil, "%dx%d exceeds the %s limit", t.width, t.height, Megapixels(limit))
	}
	return info, t, nil
}

func probeHeader(path string, f io.ReadSeeker, size int64, opts DecodeOptions) (Info, error) {
	if size == 0 {
		return Info{}, fileErr(path, ErrNotImage, nil, "empty file (0 bytes), not an image")
	}
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
	if limit := opts.Limit(); limit > 0 && info.Pixels() > limit {
		return info, fileErr(path, ErrTooLarge, nil, "%dx%d exceeds the %s limit", cfg.Width, cfg.Height, Megapixels(limit))
	}
	if format == "jpeg" && !opts.NoOrientation {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return info, osError(path, err, "cannot read")
		}
		info.Orientation = readOrientation(io.LimitReader(f, 1<<20))
	}
	return info, nil
}

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
	}
	return ""
}
