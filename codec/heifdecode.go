package codec

import (
	"errors"
	"fmt"
	"image"
	"io"
	"strings"

	"github.com/disintegration/imaging"
)

// probeHEIF reads and checks a HEIF or AVIF header (see parseHEIF).
func probeHEIF(path string, r io.ReaderAt, size int64, opts DecodeOptions) (Info, *heifHeader, error) {
	h, err := parseHEIF(r, size)
	if err != nil {
		return Info{}, nil, containerError(path, formatOfBrands(r), err, true)
	}
	info := Info{Format: h.Format, Width: h.W, Height: h.H, Orientation: h.Orientation, Size: size, Depth: h.Depth}
	if opts.NoOrientation {
		info.Orientation = 1
	}
	if err := checkLimit(path, info, int64(h.DecW)*int64(h.DecH), h.DecW, h.DecH, opts); err != nil {
		return info, nil, err
	}
	return info, h, nil
}

// formatOfBrands guesses, for messages, whether a file that failed to parse
// is HEIC or AVIF from its ftyp box.
func formatOfBrands(r io.ReaderAt) string {
	var b [32]byte
	n, _ := r.ReadAt(b[:], 0)
	return sniff(b[:n])
}

// containerError turns a heifError (from the HEIF or WebP container
// parsers) into a FileError naming the format.
func containerError(path, format string, err error, header bool) error {
	name := strings.ToUpper(format)
	if name == "" {
		name = "HEIF"
	}
	var he *heifError
	if !errors.As(err, &he) {
		return fileErr(path, ErrCorrupt, err, "corrupt %s: %v", name, err)
	}
	switch he.kind {
	case ErrTruncated:
		if header && strings.Contains(he.msg, "header") {
			return fileErr(path, ErrTruncated, err, "truncated %s: %s", name, he.msg)
		}
		return fileErr(path, ErrTruncated, err, "truncated %s: %s", name, he.msg)
	case ErrNotImage:
		return fileErr(path, ErrNotImage, err, "unsupported %s variant: %s", name, he.msg)
	case ErrZeroSize:
		return fileErr(path, ErrZeroSize, err, "%s %s", name, he.msg)
	}
	return fileErr(path, ErrCorrupt, err, "corrupt %s: %s", name, he.msg)
}

// decodeHEIF decodes the primary image of a HEIC or AVIF file, then crops
// and turns it as its header says (unless the codec has done so). A HEIC
// larger than twice minW x minH (upright) is decoded at 1/2, 1/4 or 1/8 of
// its size where the build allows (see DecodeAtLeast).
func (m *File) decodeHEIF(minW, minH int) (*Decoded, error) {
	h, info := m.heif, m.info
	scale := 1
	scales := h.Format == "heic" && heicScales || h.Format == "avif" && avifScales
	if scales && (minW > 0 || minH > 0) && h.CropRect == image.Rect(0, 0, h.DecW, h.DecH) {
		if h.Orientation >= 5 {
			minW, minH = minH, minW
		}
		for _, d := range []int{8, 4, 2} {
			if turboScaled(h.DecW, d) >= minW && turboScaled(h.DecH, d) >= minH {
				scale = d
				break
			}
		}
	}
	data := make([]byte, m.size)
	if _, err := m.f.ReadAt(data, 0); err != nil {
		return nil, osError(m.path, err, "cannot read")
	}
	var img image.Image
	var err error
	transformed := false
	if h.Format == "avif" {
		img, err = avifDecode(data, h, scale)
	} else {
		img, transformed, err = heicDecode(data, h, scale)
	}
	if err != nil {
		return nil, fileErr(m.path, ErrCorrupt, err, "corrupt %s: %v", strings.ToUpper(h.Format), err)
	}
	img = toNonPremultiplied(img)
	if !transformed {
		if scale == 1 && h.CropRect != img.Bounds() {
			img = crop(img, h.CropRect)
		}
		if !m.opts.NoOrientation {
			img = Orient(img, h.Orientation)
		}
	} else if m.opts.NoOrientation {
		img = Orient(img, inverseOrientation(h.Orientation))
	}
	w, hh := info.Upright()
	w, hh = turboScaled(w, scale), turboScaled(hh, scale)
	if b := img.Bounds(); b.Dx() != w || b.Dy() != hh {
		return nil, fileErr(m.path, ErrCorrupt, nil, "corrupt %s: header says %dx%d, data holds %dx%d", strings.ToUpper(h.Format), w, hh, b.Dx(), b.Dy())
	}
	d := &Decoded{Image: img, Info: info, Scale: scale}
	d.Meta, d.Warnings = h.metadata(m.f)
	return d, nil
}

// inverseOrientation is the orientation that undoes o.
func inverseOrientation(o int) int {
	switch o {
	case 6:
		return 8
	case 8:
		return 6
	}
	return o
}

// crop copies a rectangle of img into an image of its own at (0, 0).
func crop(img image.Image, r image.Rectangle) image.Image {
	type subImager interface {
		SubImage(image.Rectangle) image.Image
	}
	if s, ok := img.(subImager); ok {
		sub := s.SubImage(r)
		switch t := sub.(type) {
		case *image.NRGBA:
			out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
			for y := 0; y < r.Dy(); y++ {
				copy(out.Pix[y*out.Stride:], t.Pix[y*t.Stride:y*t.Stride+4*r.Dx()])
			}
			return out
		case *image.NRGBA64:
			out := image.NewNRGBA64(image.Rect(0, 0, r.Dx(), r.Dy()))
			for y := 0; y < r.Dy(); y++ {
				copy(out.Pix[y*out.Stride:], t.Pix[y*t.Stride:y*t.Stride+8*r.Dx()])
			}
			return out
		}
	}
	return imaging.Crop(img, r)
}

// newRGBA makes the image a decoder writes into: NRGBA, or NRGBA64 when
// wide, with its pixels and stride.
func newRGBA(w, h int, wide bool) (image.Image, []byte, int, bool) {
	if wide {
		m := image.NewNRGBA64(image.Rect(0, 0, w, h))
		return m, m.Pix, m.Stride, true
	}
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	return m, m.Pix, m.Stride, false
}

// rgbaPixels returns the pixels of an NRGBA or NRGBA64 image from its
// top-left corner.
func rgbaPixels(img image.Image) (pix []byte, stride int, wide bool) {
	r := img.Bounds()
	switch m := img.(type) {
	case *image.NRGBA:
		return m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride, false
	case *image.NRGBA64:
		return m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride, true
	}
	panic(fmt.Sprintf("codec: rgbaPixels of %T", img))
}

// nclxCoefficients are the YCbCr matrix coefficients and range a colour
// description gives; known is false when there is none (then BT.601, full
// range: libheif's default).
func nclxCoefficients(n *heifNCLX) (kr, kb float64, full, identity, known bool) {
	kr, kb, full = 0.299, 0.114, true
	if n == nil {
		return kr, kb, full, false, false
	}
	switch n.Matrix {
	case 0:
		identity = true
	case 1:
		kr, kb = 0.2126, 0.0722
	case 9, 10:
		kr, kb = 0.2627, 0.0593
	}
	return kr, kb, n.FullRange, identity, true
}
