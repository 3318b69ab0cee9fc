// Command icon draws PicPool's application icon, Icon.png at the repository
// root: a rounded blue-to-teal tile holding a fanned stack of photos (the
// batch), the front one a small landscape over the water of a pool.
//
//	go run ./packaging/icon              # writes Icon.png (1024x1024)
//	go run ./packaging/icon -o x.png -size 512 -preview build/icon-32.png
//	go run ./packaging/icon -o '' -hicolor DIR -id io.github.picpool -ico x.ico
//
// -hicolor draws it at every size of the freedesktop hicolor theme
// (DIR/<n>x<n>/apps/<id>.png, for the .deb), -ico writes a Windows icon of
// the sizes Windows uses (for the installer and its shortcuts).
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
	hicolor := flag.String("hicolor", "", "also draw every hicolor size into this folder (<n>x<n>/apps/<id>.png)")
	id := flag.String("id", "io.github.picpool", "the icon's name in -hicolor (the app ID)")
	ico := flag.String("ico", "", "also write a Windows icon (.ico) here")
	flag.Parse()

	if *hicolor != "" {
		if err := writeHicolor(*hicolor, *id); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s/<n>x<n>/apps/%s.png (%v)\n", *hicolor, *id, hicolorSizes)
	}
	if *ico != "" {
		if err := writeICO(*ico); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s (%v)\n", *ico, icoSizes)
	}
	if *out == "" {
		return
	}
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
