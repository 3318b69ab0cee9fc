package main

import (
	"image"
	"image/png"
	"os"
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
	want := Draw(b.Dx())
	off := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := got.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			if far(r1, r2) || far(g1, g2) || far(b1, b2) || far(a1, a2) {
				off++
			}
		}
	}
	if off > b.Dx()*b.Dy()/1000 {
		t.Fatalf("%d pixels of Icon.png differ from the drawing: run `go run ./packaging/icon`", off)
	}
}

func far(a, b uint32) bool { return a>>8 > b>>8+3 || b>>8 > a>>8+3 }

// TestIconSmall checks the icon still reads at 32x32: transparent corners, an
// opaque tile, and a white card against the blue.
func TestIconSmall(t *testing.T) {
	big := Draw(1024)
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
