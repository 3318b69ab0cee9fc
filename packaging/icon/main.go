// Command icon draws PicPool's application icon, Icon.png at the repository
// root: a rounded blue-to-teal tile holding a fanned stack of photos (the
// batch), the front one a small landscape over the water of a pool.
//
//	go run ./packaging/icon              # writes Icon.png (1024x1024)
//	go run ./packaging/icon -o x.png -size 512 -preview build/icon-32.png
//
// The drawing is pure Go (image/draw and golang.org/x/image/vector), so the
// icon is reproducible: icon_test.go checks that Icon.png is this program's
// output.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"

	xdraw "golang.org/x/image/draw"
)

func main() {
	out := flag.String("o", "Icon.png", "output PNG")
	size := flag.Int("size", 1024, "width and height in pixels")
	preview := flag.String("preview", "", "also write a 32x32 downscale here (to judge legibility)")
	flag.Parse()

	img := Draw(*size)
	if err := writePNG(*out, img); err != nil {
		log.Fatal(err)
	}
	if *preview != "" {
		small := image.NewRGBA(image.Rect(0, 0, 32, 32))
		xdraw.CatmullRom.Scale(small, small.Bounds(), img, img.Bounds(), xdraw.Src, nil)
		if err := writePNG(*preview, small); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %s (%dx%d)\n", *out, *size, *size)
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
