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
	SameFormat Format = ""     // the input's format (WebP, which PicPool cannot write, becomes PNG)
	JPEG       Format = "jpeg" // lossy, Quality 1..100
	PNG        Format = "png"
	GIF        Format = "gif"
	TIFF       Format = "tiff"
	BMP        Format = "bmp"
)

// Formats lists the output formats, "same" first.
func Formats() []string { return []string{"same", "jpeg", "png", "gif", "tiff", "bmp"} }

// ParseFormat reads a format name: same (or empty), jpeg/jpg, png, gif,
// tiff/tif, bmp, in any case.
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
	}
	return "", fmt.Errorf("unknown format %q (use same, jpeg, png, gif, tiff or bmp)", s)
}

// For resolves SameFormat for an input of the given decoder format.
func (f Format) For(input string) Format {
	if f != SameFormat {
		return f
	}
	switch input {
	case "jpeg", "png", "gif", "tiff", "bmp":
		return Format(input)
	}
	return PNG // webp and anything else: lossless
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
	Format  Format // must be resolved (not SameFormat)
	Quality int    // JPEG quality 1..100; 0 means 90
	// PNGCompression: "default", "fast", "best" or "none"; "" is default.
	PNGCompression string
	// Meta holds the blocks to write into the output, those the format can
	// hold (see Fit: JPEG, PNG and TIFF hold them all); nil writes none.
	Meta *Metadata
}

// Validate checks the options.
func (o EncodeOptions) Validate() error {
	if o.Quality < 0 || o.Quality > 100 {
		return fmt.Errorf("quality %d is outside 1..100", o.Quality)
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
	if o.Meta != nil && !o.Meta.Empty() && (o.Format == JPEG || o.Format == PNG || o.Format == TIFF) {
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
			q = 90
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
	}
	return fmt.Errorf("cannot encode format %q", o.Format)
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
