package main

import (
	"image"
	"image/draw"
	"image/png"
	"os"
	"sync"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// TestIconIsGenerated checks that the committed Icon.png is what this
// program draws (regenerate with `go run ./packaging/icon` after a change).
// A channel may differ by a little: the rasterizer's accumulation differs
// between amd64 (SIMD) and other machines.
func TestIconIsGenerated(t *testing.T) {
	f, err := os.Open("../../Icon.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := got.Bounds()
	if b.Dx() < 512 || b.Dx() != b.Dy() {
		t.Fatalf("Icon.png is %dx%d: want a square of at least 512 pixels", b.Dx(), b.Dy())
	}
	// Compare premultiplied RGBA bytes: decode -> RGBA once, then the bytes.
	have := image.NewRGBA(b)
	draw.Draw(have, b, got, b.Min, draw.Src)
	want := drawn(b.Dx())
	off := 0
	for i := 0; i < len(have.Pix); i += 4 {
		for c := 0; c < 4; c++ {
			if far(have.Pix[i+c], want.Pix[i+c]) {
				off++
				break
			}
		}
	}
	if off > b.Dx()*b.Dy()/1000 {
		t.Fatalf("%d pixels of Icon.png differ from the drawing: run `go run ./packaging/icon`", off)
	}
}

func far(a, b uint8) bool { return int(a)-int(b) > 3 || int(b)-int(a) > 3 }

// drawn draws the icon once per size for all the tests.
var (
	drawMu    sync.Mutex
	drawCache = map[int]*image.RGBA{}
)

func drawn(size int) *image.RGBA {
	drawMu.Lock()
	defer drawMu.Unlock()
	if drawCache[size] == nil {
		drawCache[size] = Draw(size)
	}
	return drawCache[size]
}

// TestIconSmall checks the icon still reads at 32x32: transparent corners, an
// opaque tile, and a white card against the blue.
func TestIconSmall(t *testing.T) {
	big := drawn(1024)
	small := image.NewRGBA(image.Rect(0, 0, 32, 32))
	xdraw.CatmullRom.Scale(small, small.Bounds(), big, big.Bounds(), xdraw.Src, nil)
	if _, _, _, a := small.At(0, 0).RGBA(); a > 0x2000 {
		t.Errorf("corner alpha %#x: want transparent rounded corners", a)
	}
	if _, _, _, a := small.At(16, 2).RGBA(); a < 0xf000 {
		t.Errorf("top edge alpha %#x: want an opaque tile", a)
	}
	// The front card's white frame, left of the photo.
	r, g, b, _ := small.At(6, 20).RGBA()
	if r < 0xe000 || g < 0xe000 || b < 0xe000 {
		t.Errorf("card frame at 32px is %#x %#x %#x: want white", r, g, b)
	}
	// The tile's blue above the stack.
	r, g, b, _ = small.At(16, 3).RGBA()
	if b < r+0x4000 {
		t.Errorf("tile at 32px is %#x %#x %#x: want blue", r, g, b)
	}
}
