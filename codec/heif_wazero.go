//go:build !cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)

package codec

// HEIC in the builds without libheif (codecs_wazero.go says which those
// are): libheif and libde265 compiled to WebAssembly
// (github.com/gen2brain/heic). -tags picpool_static_heif with
// picpool_wasmcodecs keeps libheif itself instead (heif_cgo.go).

import (
	"bytes"
	"errors"
	"fmt"
	"image"

	"github.com/gen2brain/heic"
)

// HEIFCodec names the HEIC decoder of this build.
var HEIFCodec = wasmOrShared(heic.Dynamic(), "libheif 1.18.2 with libde265 1.0.15 (WebAssembly: github.com/gen2brain/heic v0.4.5, wazero)", "libheif")

// nativeHEIF says that this build's HEIC decoder is not libheif through cgo.
const nativeHEIF = false

// heicScales says that this build's HEIC decoder decodes at full size only.
const heicScales = false

// heicDecode decodes the primary image of a HEIC file, 8 bits a sample,
// at full size, with its transformations applied by libheif (transformed
// is true).
func heicDecode(data []byte, h *heifHeader, _ int) (image.Image, bool, error) {
	if heic.Dynamic() == nil { // the shared library, through gen2brain's package
		defer collect()
		img, err := heic.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, true, err
		}
		return detach(img), true, nil
	}
	img, err := heicDecodeWasm(data)
	return img, true, err
}

var errHEIFDecode = errors.New("libheif cannot decode it")

// heicDecodeWasm runs the module's decode(in, size, configOnly, &width,
// &height, &colorspace, &chroma, &premultiplied, out): once for the size and
// the layout libheif prefers, once into a buffer of that layout (planes or
// rows padded to 16 bytes, as gen2brain's package lays them out), which is
// copied out as the image.
func heicDecodeWasm(data []byte) (image.Image, error) {
	c, err := heifModule.instance()
	if err != nil {
		return nil, err
	}
	defer c.close()
	in, err := c.put(data)
	if err != nil {
		return nil, err
	}
	vars, err := c.malloc(20)
	if err != nil {
		return nil, err
	}
	decode := func(configOnly, out uint64) error {
		ok, err := c.call("decode", in, uint64(len(data)), configOnly, vars, vars+4, vars+8, vars+12, vars+16, out)
		if err == nil && ok == 0 {
			err = errHEIFDecode
		}
		return err
	}
	if err := decode(1, 0); err != nil {
		return nil, err
	}
	w, h := int(c.u32(vars)), int(c.u32(vars+4))
	colorspace, chroma, premultiplied := c.u32(vars+8), c.u32(vars+12), c.u32(vars+16)
	pad := func(n int) int { return (n + 15) &^ 15 }
	r := image.Rect(0, 0, w, h)
	var size int
	var ycc *image.YCbCr
	switch colorspace {
	case 0: // heif_colorspace_YCbCr
		ycc = &image.YCbCr{Rect: r, YStride: pad(w)}
		cw, ch := (w+1)/2, (h+1)/2
		switch chroma {
		case 1: // heif_chroma_420
			ycc.SubsampleRatio = image.YCbCrSubsampleRatio420
		case 2: // heif_chroma_422
			ycc.SubsampleRatio, ch = image.YCbCrSubsampleRatio422, h
		case 3: // heif_chroma_444
			ycc.SubsampleRatio, cw, ch = image.YCbCrSubsampleRatio444, w, h
		default:
			return nil, fmt.Errorf("libheif: chroma format %d", chroma)
		}
		ycc.CStride = pad(cw)
		size = ycc.YStride*h + 2*ycc.CStride*ch
	case 2: // heif_colorspace_monochrome
		size = pad(w) * h
	case 1: // heif_colorspace_RGB, interleaved RGBA
		size = pad(4*w) * h
	default:
		return nil, fmt.Errorf("libheif: colour space %d", colorspace)
	}
	out, err := c.malloc(size)
	if err != nil {
		return nil, err
	}
	if err := decode(0, out); err != nil {
		return nil, err
	}
	pix, err := c.get(out, size)
	if err != nil {
		return nil, err
	}
	switch {
	case ycc != nil:
		y := ycc.YStride * h
		cb := y + (size-y)/2
		ycc.Y, ycc.Cb, ycc.Cr = pix[:y:y], pix[y:cb:cb], pix[cb:]
		return ycc, nil
	case colorspace == 2:
		return &image.Gray{Pix: pix, Stride: pad(w), Rect: r}, nil
	case premultiplied == 1:
		return &image.RGBA{Pix: pix, Stride: pad(4 * w), Rect: r}, nil
	}
	return &image.NRGBA{Pix: pix, Stride: pad(4 * w), Rect: r}, nil
}
