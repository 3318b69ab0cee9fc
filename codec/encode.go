package codec

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"

	"github.com/disintegration/imaging"
)

// Format is an output format.
type Format string

const (
	SameFormat Format = ""     // the input's format (HEIC becomes JPEG: see For)
	JPEG       Format = "jpeg" // lossy, Quality 1..100
	PNG        Format = "png"
	GIF        Format = "gif"
	TIFF       Format = "tiff"
	BMP        Format = "bmp"
	WEBP       Format = "webp" // lossy (Quality) or lossless, alpha, metadata, animation
	AVIF       Format = "avif" // lossy (Quality, Speed) or lossless, alpha, 8 or 10 bits
)

// Default qualities, when EncodeOptions.Quality is 0: JPEG's is PicPool's
// long-standing 90; WebP's and AVIF's are those of cwebp (75, here 80, the
// quality the web's guides use) and avifenc (60): their scales differ from
// JPEG's, and AVIF at 90 is several times larger for little gain.
const (
	DefaultJPEGQuality = 90
	DefaultWebPQuality = 80
	DefaultAVIFQuality = 60
	// DefaultAVIFSpeed is libaom's speed for AVIF (1 slowest .. 10 fastest):
	// see docs/codecs.md for what each costs.
	DefaultAVIFSpeed = 9
)

// Formats lists the output formats, "same" first.
func Formats() []string {
	return []string{"same", "jpeg", "png", "webp", "avif", "gif", "tiff", "bmp"}
}

// CanAnimate reports whether a format holds animations (GIF, WebP).
func (f Format) CanAnimate() bool { return f == GIF || f == WEBP }

// ParseFormat reads a format name: same (or empty), jpeg/jpg, png, gif,
// tiff/tif, bmp, webp, avif, in any case.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")) {
	case "", "same":
		return SameFormat, nil
	case "jpeg", "jpg":
		return JPEG, nil
	case "png":
		return PNG, nil
	case "gif":
		return GIF, nil
	case "tiff", "tif":
		return TIFF, nil
	case "bmp":
		return BMP, nil
	case "webp":
		return WEBP, nil
	case "avif":
		return AVIF, nil
	}
	return "", fmt.Errorf("unknown format %q (use same, jpeg, png, webp, avif, gif, tiff or bmp)", s)
}

// For resolves SameFormat for an input of the given decoder format. HEIC
// becomes JPEG: what a phone's photos are shared and opened as everywhere
// (PicPool does not write HEVC, which is patent-encumbered); AVIF and WebP
// stay themselves.
func (f Format) For(input string) Format {
	if f != SameFormat {
		return f
	}
	switch input {
	case "jpeg", "png", "gif", "tiff", "bmp", "webp", "avif":
		return Format(input)
	case "heic":
		return JPEG
	}
	return PNG // anything else: lossless
}

// Ext is the file extension for the format, with the dot.
func (f Format) Ext() string {
	switch f {
	case JPEG:
		return ".jpg"
	case TIFF:
		return ".tif"
	case SameFormat:
		return ""
	}
	return "." + string(f)
}

// EncodeOptions controls Encode.
type EncodeOptions struct {
	Format Format // must be resolved (not SameFormat)
	// Quality of JPEG, WebP and AVIF, 1..100; 0 means the format's default
	// (DefaultJPEGQuality, …).
	Quality int
	// PNGCompression: "default", "fast", "best" or "none"; "" is default.
	PNGCompression string
	// Lossless writes WebP and AVIF losslessly (Quality is then unused).
	Lossless bool
	// AVIFSpeed is the AV1 encoder's speed, 1 (slowest, smallest) to 10
	// (fastest); 0 means DefaultAVIFSpeed.
	AVIFSpeed int
	// AVIFOneFrame writes an AVIF of any size as one AV1 frame, not as a
	// grid of cells (avifgrid.go): for viewers that do not read grids
	// (Firefox, as of 2024), at the cost of the encoder's working memory
	// for the whole image (about 190 MB more for 12 MP, in each worker).
	AVIFOneFrame bool
	// Meta holds the blocks to write into the output, those the format can
	// hold (see Fit: JPEG, PNG, TIFF hold them all, WebP and AVIF EXIF, XMP
	// and ICC); nil writes none.
	Meta *Metadata
}

// Validate checks the options.
func (o EncodeOptions) Validate() error {
	if o.Quality < 0 || o.Quality > 100 {
		return fmt.Errorf("quality %d is outside 1..100", o.Quality)
	}
	if o.AVIFSpeed < 0 || o.AVIFSpeed > 10 {
		return fmt.Errorf("AVIF speed %d is outside 1..10", o.AVIFSpeed)
	}
	if _, ok := pngLevels[o.PNGCompression]; !ok {
		return fmt.Errorf("unknown PNG compression %q (use default, fast, best or none)", o.PNGCompression)
	}
	return nil
}

var pngLevels = map[string]png.CompressionLevel{
	"": png.DefaultCompression, "default": png.DefaultCompression, "fast": png.BestSpeed,
	"best": png.BestCompression, "none": png.NoCompression,
}

// Encode writes img in the chosen format. JPEG has no transparency: a
// translucent image is flattened onto white first. JPEGs are written by
// libjpeg-turbo in builds that have it (see JPEGCodec), 4:2:0 like Go's
// encoder (one-component for *image.Gray), reading NRGBA, RGBA and Gray
// pixels in place.
func Encode(w io.Writer, img image.Image, o EncodeOptions) error {
	return encode(w, img, o, turboJPEG)
}

// encode is Encode; fast false keeps JPEGs on Go's encoder (for tests).
func encode(w io.Writer, img image.Image, o EncodeOptions, fast bool) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Meta != nil && !o.Meta.Empty() && (o.Format == JPEG || o.Format == PNG || o.Format == TIFF || o.Format == WEBP) {
		var buf bytes.Buffer
		plain := o
		plain.Meta = nil
		if err := encode(&buf, img, plain, fast); err != nil {
			return err
		}
		m, _ := Fit(*o.Meta, o.Format)
		out, err := addMeta(buf.Bytes(), o.Format, &m)
		if err != nil {
			return fmt.Errorf("cannot write the metadata: %v", err)
		}
		_, err = w.Write(out)
		return err
	}
	switch o.Format {
	case JPEG:
		q := o.Quality
		if q == 0 {
			q = DefaultJPEGQuality
		}
		if !isOpaque(img) {
			img = flatten(img, color.White)
		}
		if fast {
			// libjpeg-turbo takes NRGBA, RGBA and Gray as they are; any
			// other type (YCbCr or CMYK when no filter ran) is converted.
			if ok, err := turboEncode(w, img, q); ok {
				return err
			}
			_, err := turboEncode(w, imaging.Clone(img), q)
			return err
		}
		return imaging.Encode(w, img, imaging.JPEG, imaging.JPEGQuality(q))
	case PNG:
		return imaging.Encode(w, img, imaging.PNG, imaging.PNGCompressionLevel(pngLevels[o.PNGCompression]))
	case GIF:
		return imaging.Encode(w, img, imaging.GIF)
	case TIFF:
		return imaging.Encode(w, img, imaging.TIFF)
	case BMP:
		return imaging.Encode(w, img, imaging.BMP)
	case WEBP:
		data, err := webpEncodeFrame(toNRGBA(img), webpOptions{Quality: o.Quality, Lossless: o.Lossless})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	case AVIF:
		if _, ok := img.(*image.NRGBA64); !ok || img.Bounds().Min != (image.Point{}) {
			img = toNRGBA(img)
		}
		var meta *Metadata
		if o.Meta != nil { // libavif stores them itself
			m, _ := Fit(*o.Meta, AVIF)
			meta = &m
		}
		data, err := avifEncodeImage(img, o.avif(), meta)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	return fmt.Errorf("cannot encode format %q", o.Format)
}

// webpOptions and avifOptions are the encoders' settings, defaults resolved
// by their methods.
type webpOptions struct {
	Quality  int
	Lossless bool
	Exact    bool // keep the colour of transparent pixels
}

func (o webpOptions) quality() float32 {
	switch {
	case o.Lossless:
		return 75 // in lossless mode, the effort: cwebp's default
	case o.Quality == 0:
		return DefaultWebPQuality
	}
	return float32(o.Quality)
}

// method is libwebp's speed/size trade-off, 0..6: cwebp's default.
func (o webpOptions) method() int { return 4 }

type avifOptions struct {
	Quality, Speed int
	Lossless       bool
	keepAlpha      bool // an alpha plane even if every pixel is opaque (a grid's cells)
	oneFrame       bool // no grid, whatever the size (EncodeOptions.AVIFOneFrame)
}

// avif is o as the AVIF encoder takes it.
func (o EncodeOptions) avif() avifOptions {
	return avifOptions{Quality: o.Quality, Speed: o.AVIFSpeed, Lossless: o.Lossless, oneFrame: o.AVIFOneFrame}
}

// quantizer maps a quality 1..100 to AV1's quantizer 0..63 as libavif 1.x
// does for its quality setting (Debian's 0.11 has only the quantizers).
func (o avifOptions) quantizer() int {
	if o.Lossless {
		return 0
	}
	q := o.Quality
	if q == 0 {
		q = DefaultAVIFQuality
	}
	return ((100-q)*63 + 50) / 100
}

func (o avifOptions) speed() int {
	if o.Speed == 0 {
		return DefaultAVIFSpeed
	}
	return o.Speed
}

// toNRGBA returns img as an *image.NRGBA whose pixels start at (0, 0),
// converting only when it is not one.
func toNRGBA(img image.Image) *image.NRGBA {
	if m, ok := img.(*image.NRGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	return imaging.Clone(img)
}

func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

func flatten(img image.Image, bg color.Color) *image.NRGBA {
	b := img.Bounds()
	dst := imaging.New(b.Dx(), b.Dy(), bg)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}
