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
	"testing"
)

// TestWriteICO reads the .ico back as Windows does (ICONDIR, entries, PNG or
// DIB images) and compares every image with the drawing at its size.
func TestWriteICO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "picpool.ico")
	if err := writeICO(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(data[0:]) != 0 || le.Uint16(data[2:]) != 1 {
		t.Fatalf("header % x: not an icon", data[:4])
	}
	count := int(le.Uint16(data[4:]))
	if count != len(icoSizes) {
		t.Fatalf("%d images, want %d", count, len(icoSizes))
	}
	for i := 0; i < count; i++ {
		e := data[6+16*i:]
		w, size, off := int(e[0]), le.Uint32(e[8:]), le.Uint32(e[12:])
		if w == 0 {
			w = 256
		}
		if w != icoSizes[i] || int(e[1]) != w%256 || le.Uint16(e[6:]) != 32 {
			t.Errorf("entry %d: %dx%d, %d bits, want %d px, 32 bits", i, e[0], e[1], le.Uint16(e[6:]), icoSizes[i])
		}
		img, err := readIconImage(data[off : off+size])
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if img.Bounds().Dx() != w || img.Bounds().Dy() != w {
			t.Fatalf("image %d is %v, want %dx%d", i, img.Bounds().Size(), w, w)
		}
		want := Draw(w)
		for _, p := range []image.Point{{0, 0}, {w / 2, w / 2}, {w / 4, w * 3 / 4}, {w - 1, w / 3}} {
			g := color.NRGBAModel.Convert(img.At(p.X, p.Y)).(color.NRGBA)
			h := color.NRGBAModel.Convert(want.At(p.X, p.Y)).(color.NRGBA)
			if g.A != h.A || (h.A == 255 && g != h) {
				t.Errorf("image %d (%d px) at %v: %v, drawing %v", i, w, p, g, h)
			}
		}
	}
}

// readIconImage decodes one icon image: a PNG, or a 32-bit DIB whose
// header gives twice the height (rows bottom-up, BGRA).
func readIconImage(b []byte) (image.Image, error) {
	if bytes.HasPrefix(b, []byte("\x89PNG")) {
		return png.Decode(bytes.NewReader(b))
	}
	le := binary.LittleEndian
	if len(b) < 40 || le.Uint32(b) != 40 || le.Uint16(b[14:]) != 32 {
		return nil, fmt.Errorf("neither PNG nor a 32-bit DIB")
	}
	w, h := int(le.Uint32(b[4:])), int(le.Uint32(b[8:]))/2
	if len(b) < 40+w*h*4+(w+31)/32*4*h {
		return nil, fmt.Errorf("DIB %dx%d is truncated (%d bytes)", w, h, len(b))
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		row := b[40+(h-1-y)*w*4:]
		for x := 0; x < w; x++ {
			p := row[4*x:]
			img.SetNRGBA(x, y, color.NRGBA{p[2], p[1], p[0], p[3]})
		}
	}
	return img, nil
}

// TestWriteHicolor checks one PNG per hicolor size, of that size, under
// <n>x<n>/apps/<id>.png.
func TestWriteHicolor(t *testing.T) {
	dir := t.TempDir()
	if err := writeHicolor(dir, "io.example.app"); err != nil {
		t.Fatal(err)
	}
	for _, n := range hicolorSizes {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("%dx%d", n, n), "apps", "io.example.app.png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != n || cfg.Height != n {
			t.Errorf("%d px: %dx%d, %v", n, cfg.Width, cfg.Height, err)
		}
	}
}
