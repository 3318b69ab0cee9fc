package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
)

// hicolorSizes are the sizes of the freedesktop hicolor theme's apps
// folders (Debian's hicolor-icon-theme index.theme): a desktop picks the
// nearest one, so every size is drawn, not scaled from another.
var hicolorSizes = []int{16, 22, 24, 32, 36, 48, 64, 72, 96, 128, 192, 256, 512}

// icoSizes are the sizes Windows asks of an application icon: 16-48 for
// lists, menus and the taskbar at each DPI, 256 for large views.
var icoSizes = []int{16, 20, 24, 32, 40, 48, 64, 256}

// writeHicolor draws the icon at every hicolor size into
// dir/<n>x<n>/apps/<id>.png.
func writeHicolor(dir, id string) error {
	for _, n := range hicolorSizes {
		p := filepath.Join(dir, fmt.Sprintf("%dx%d", n, n), "apps", id+".png")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writePNG(p, Draw(n)); err != nil {
			return err
		}
	}
	return nil
}

// writeICO writes a Windows icon holding the icon drawn at every icoSizes
// size: 256 as PNG (as Windows' own icons), the smaller ones as 32-bit
// DIBs, which every reader (resource compilers, installers) understands.
func writeICO(path string) error {
	var images [][]byte
	for _, n := range icoSizes {
		img := Draw(n)
		if n >= 256 {
			var b bytes.Buffer
			if err := png.Encode(&b, img); err != nil {
				return err
			}
			images = append(images, b.Bytes())
		} else {
			images = append(images, dib(img))
		}
	}
	var out bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&out, le, [3]uint16{0, 1, uint16(len(images))}) // ICONDIR: reserved, type 1 (icon), count
	off := 6 + 16*len(images)
	for i, data := range images {
		n := icoSizes[i]
		// ICONDIRENTRY: width, height (0 = 256), colours, reserved, planes,
		// bits per pixel, size, offset.
		_ = binary.Write(&out, le, struct {
			W, H, Colours, Reserved uint8
			Planes, Bits            uint16
			Size, Offset            uint32
		}{uint8(n % 256), uint8(n % 256), 0, 0, 1, 32, uint32(len(data)), uint32(off)})
		off += len(data)
	}
	for _, data := range images {
		out.Write(data)
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// dib encodes img as an icon's DIB: a BITMAPINFOHEADER of twice the height
// (colour rows, then the mask's), BGRA rows bottom-up, then a 1-bit AND
// mask (all zero: the alpha channel decides).
func dib(img *image.RGBA) []byte {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	maskStride := (w + 31) / 32 * 4
	var b bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&b, le, struct {
		Size                   uint32
		W, H                   int32
		Planes, Bits           uint16
		Compression, ImageSize uint32
		XPPM, YPPM             int32
		Used, Important        uint32
	}{40, int32(w), int32(2 * h), 1, 32, 0, uint32(w * h * 4), 0, 0, 0, 0})
	for y := h - 1; y >= 0; y-- {
		for x := 0; x < w; x++ {
			// DIB icons hold straight (not premultiplied) alpha.
			c := color.NRGBAModel.Convert(img.RGBAAt(x, y)).(color.NRGBA)
			b.Write([]byte{c.B, c.G, c.R, c.A})
		}
	}
	b.Write(make([]byte, maskStride*h))
	return b.Bytes()
}
