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
	"math/bits"
	_ "unsafe" // go:linkname

	"github.com/gen2brain/heic"
)

//go:linkname heifWasm github.com/gen2brain/heic.heifWasm
var heifWasm []byte

var heifModule = &wasmModule{gz: &heifWasm}

// HEIFCodec names the HEIC decoder of this build.
var HEIFCodec = wasmOrShared(heic.Dynamic(), "libheif 1.18.2 with libde265 1.0.15 (WebAssembly: github.com/gen2brain/heic v0.4.5, wazero)", "libheif")

// nativeHEIF says that this build's HEIC decoder is not libheif through cgo.
const nativeHEIF = false

// heicScales says that this build's HEIC decoder shrinks on load: libheif
// decodes at full size, inside the module, and the conversion to RGB
// (heicPixels) averages blocks, so that the RGB image is never full size.
const heicScales = true

// heicDecode decodes the primary image of a HEIC file, 8 bits a sample,
// with its transformations applied by libheif (transformed is true), at
// its size divided by scale (1, 2, 4 or 8, rounded up; each pixel the mean
// of a block).
func heicDecode(data []byte, h *heifHeader, scale int) (image.Image, bool, error) {
	if heic.Dynamic() == nil { // the shared library, through gen2brain's package
		defer collect()
		img, err := heic.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, true, err
		}
		return heicPixels(detach(img), bits.TrailingZeros(uint(scale)), h.NCLX), true, nil
	}
	img, err := heicDecodeWasm(data, bits.TrailingZeros(uint(scale)), h.NCLX)
	return img, true, err
}

// heicPixels converts what libheif decoded (upright and cropped) into an
// image 1/2^shift its size, each pixel the mean of a block: YCbCr planes,
// chroma taken from the nearest sample as libheif does, with the matrix and
// range of the file's nclx box (BT.601, full range, where it has none), into
// NRGBA, as heif_cgo.go's pp_yuv_rgba does; RGBA stays RGBA.
func heicPixels(img image.Image, shift int, nclx *heifNCLX) image.Image {
	kr, kb, full, identity, _ := nclxCoefficients(nclx)
	switch m := img.(type) {
	case *image.YCbCr:
		var sx, sy uint
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio420:
			sx, sy = 1, 1
		case image.YCbCrSubsampleRatio422:
			sx = 1
		}
		return yccNRGBA(m.Y, m.YStride, m.Cb, m.Cr, m.CStride, sx, sy, m.Rect.Dx(), m.Rect.Dy(), shift, kr, kb, full, identity, false)
	case *image.Gray:
		return yccNRGBA(m.Pix, m.Stride, nil, nil, 0, 0, 0, m.Rect.Dx(), m.Rect.Dy(), shift, 0, 0, full, false, true)
	case *image.RGBA: // premultiplied: the means of premultiplied samples are right
		if shift > 0 {
			pix, stride, r := blockMeans(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), shift)
			return &image.RGBA{Pix: pix, Stride: stride, Rect: r}
		}
	case *image.NRGBA:
		if shift > 0 {
			pix, stride, r := blockMeans(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), shift)
			return &image.NRGBA{Pix: pix, Stride: stride, Rect: r}
		}
	}
	return img
}

// yccNRGBA converts 8-bit planes of w x h pixels (chroma subsampled by 2^sx
// across, 2^sy down; mono: luma only) into NRGBA 1/2^shift the size.
func yccNRGBA(y []byte, ys int, cb, cr []byte, cs int, sx, sy uint, w, h, shift int, kr, kb float64, full, identity, mono bool) *image.NRGBA {
	n := 1 << shift
	out := image.NewNRGBA(image.Rect(0, 0, (w+n-1)>>shift, (h+n-1)>>shift))
	yoff, yscale, cscale := 0.0, 1.0, 1.0
	if !full {
		yoff, yscale, cscale = 16, 255.0/219, 255.0/224
	}
	if identity || mono {
		kr, kb = 0, 0
	}
	kg := 1 - kr - kb
	crR, cbB := 2*(1-kr), 2*(1-kb)
	var cbG, crG float64
	if kg > 0 {
		cbG, crG = 2*kb*(1-kb)/kg, 2*kr*(1-kr)/kg
	}
	clamp := func(v float64) uint8 { return uint8(min(max(v, 0), 255) + 0.5) }
	ow := out.Rect.Dx()
	acc := make([]uint32, 3*ow)
	for oy := 0; oy < out.Rect.Dy(); oy++ {
		clear(acc)
		y0, y1 := oy*n, min(oy*n+n, h)
		for yy := y0; yy < y1; yy++ {
			row := y[yy*ys : yy*ys+w]
			if mono {
				for x, v := range row {
					acc[3*(x>>shift)] += uint32(v)
				}
				continue
			}
			c := (yy >> sy) * cs
			for x, v := range row {
				a := acc[3*(x>>shift) : 3*(x>>shift)+3]
				a[0] += uint32(v)
				a[1] += uint32(cb[c+x>>sx])
				a[2] += uint32(cr[c+x>>sx])
			}
		}
		dst := out.Pix[oy*out.Stride:]
		for ox := range ow {
			cnt := float64((y1 - y0) * (min(ox*n+n, w) - ox*n))
			Y := (float64(acc[3*ox])/cnt - yoff) * yscale
			var r, g, b float64
			switch {
			case mono:
				r, g, b = Y, Y, Y
			case identity: // G, B, R planes
				g, b, r = Y, (float64(acc[3*ox+1])/cnt-yoff)*yscale, (float64(acc[3*ox+2])/cnt-yoff)*yscale
			default:
				u := (float64(acc[3*ox+1])/cnt - 128) * cscale
				v := (float64(acc[3*ox+2])/cnt - 128) * cscale
				r, g, b = Y+crR*v, Y-cbG*u-crG*v, Y+cbB*u
			}
			d := dst[4*ox : 4*ox+4]
			d[0], d[1], d[2], d[3] = clamp(r), clamp(g), clamp(b), 255
		}
	}
	return out
}

// blockMeans averages 4-sample 8-bit pixels over blocks of 2^shift x 2^shift.
func blockMeans(pix []byte, stride, w, h, shift int) ([]byte, int, image.Rectangle) {
	n := 1 << shift
	ow, oh := (w+n-1)>>shift, (h+n-1)>>shift
	out := make([]byte, 4*ow*oh)
	acc := make([]uint32, 4*ow)
	for oy := range oh {
		clear(acc)
		y0, y1 := oy*n, min(oy*n+n, h)
		for yy := y0; yy < y1; yy++ {
			for i, v := range pix[yy*stride : yy*stride+4*w] {
				acc[4*((i>>2)>>shift)+i&3] += uint32(v)
			}
		}
		for ox := range ow {
			cnt := uint32((y1 - y0) * (min(ox*n+n, w) - ox*n))
			for c := range 4 {
				out[4*(oy*ow+ox)+c] = uint8((acc[4*ox+c] + cnt/2) / cnt)
			}
		}
	}
	return out, 4 * ow, image.Rect(0, 0, ow, oh)
}

var errHEIFDecode = errors.New("libheif cannot decode it")

// heicDecodeWasm runs the module's decode(in, size, configOnly, &width,
// &height, &colorspace, &chroma, &premultiplied, out): once for the size and
// the layout libheif prefers, once into a buffer of that layout (planes or
// rows padded to 16 bytes, as gen2brain's package lays them out), which
// heicPixels converts, from the module's memory, to an image 1/2^shift the
// size.
func heicDecodeWasm(data []byte, shift int, nclx *heifNCLX) (image.Image, error) {
	c, in, vars, err := heifModule.decodeCall(data, 20)
	if err != nil {
		return nil, err
	}
	defer c.close()
	decode := func(configOnly, out uint64) error {
		return c.callOK(errHEIFDecode, "decode", in, uint64(len(data)), configOnly, vars, vars+4, vars+8, vars+12, vars+16, out)
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
	if colorspace == 1 { // RGBA rows: copied out, averaged there if need be
		pix, err := c.get(out, size)
		if err != nil {
			return nil, err
		}
		if premultiplied == 1 {
			return heicPixels(&image.RGBA{Pix: pix, Stride: pad(4 * w), Rect: r}, shift, nclx), nil
		}
		return heicPixels(&image.NRGBA{Pix: pix, Stride: pad(4 * w), Rect: r}, shift, nclx), nil
	}
	// Planes: converted where they are (a new image; nothing points into
	// the module's memory afterwards).
	pix, ok := c.mod.Memory().Read(uint32(out), uint32(size))
	if !ok {
		return nil, errWasmMemory
	}
	if ycc == nil {
		return heicPixels(&image.Gray{Pix: pix, Stride: pad(w), Rect: r}, shift, nclx), nil
	}
	y := ycc.YStride * h
	cb := y + (size-y)/2
	ycc.Y, ycc.Cb, ycc.Cr = pix[:y:y], pix[y:cb:cb], pix[cb:]
	return heicPixels(ycc, shift, nclx), nil
}
