package codec

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/picpool/picpool/internal/imgtest"
)

func TestAVIFGridLayout(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		sub  bool
		want avifGrid
		grid bool
	}{
		{1920, 1280, true, avifGrid{}, false},
		{2048, 2048, true, avifGrid{}, false},
		{4000, 3000, true, avifGrid{4000, 3000, 4, 3, 1000, 1000}, true},
		{4032, 3024, true, avifGrid{4032, 3024, 4, 3, 1008, 1008}, true},
		{2600, 1734, true, avifGrid{2600, 1734, 3, 2, 868, 868}, true},
		{2600, 1733, false, avifGrid{2600, 1733, 3, 2, 868, 868}, true},
		{2049, 2048, false, avifGrid{2049, 2048, 3, 2, 684, 1024}, true},
		{20000, 14000, true, avifGrid{20000, 14000, 20, 14, 1000, 1000}, true},
		{100000, 50, true, avifGrid{}, false},   // cells lower than MIAF's 64
		{300000, 1000, true, avifGrid{}, false}, // more than 256 columns
	} {
		g, ok := avifGridLayout(tc.w, tc.h, tc.sub)
		if ok != tc.grid || ok && g != tc.want {
			t.Errorf("%dx%d: %+v %v, want %+v %v", tc.w, tc.h, g, ok, tc.want, tc.grid)
			continue
		}
		if ok && (g.cw%2 != 0 || g.ch%2 != 0 || g.cw*g.cols < g.w || g.ch*g.rows < g.h || g.cw*(g.cols-1) >= g.w || g.ch*(g.rows-1) >= g.h) {
			t.Errorf("%dx%d: %+v: odd cells, or cells that do not cover the image or leave a column or row empty", tc.w, tc.h, g)
		}
	}
}

// Large AVIF outputs are grids of cells, which avifdec and heif-convert
// (libavif and libheif, as Chrome and GIMP read them) and this program
// read back as the image: lossless exact across every cell boundary and
// in the padded last row and column, alpha where only some cells have
// transparent pixels, 10 bits, and the metadata on the grid; one frame
// when asked (AVIFOneFrame).
func TestAVIFGrid(t *testing.T) {
	imgtest.Tool(t, "avifdec")
	imgtest.Tool(t, "heif-convert")
	dir := t.TempDir()
	src, err := imaging.Open(imgtest.Path(t, "photos", "Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	photo := imaging.Resize(src, 2600, 1734, imaging.Lanczos) // 4.5 MP: 3x2 cells of 868x868, the last ones padded
	// Transparent only in the last cell (odd-sized: lossless is 4:4:4).
	corner := imaging.Resize(src, 2600, 1733, imaging.Lanczos)
	for y := 1000; y < 1733; y++ {
		for x := 1800; x < 2600; x++ {
			corner.Pix[corner.PixOffset(x, y)+3] = uint8(255 * (2600 - x) / 800)
		}
	}
	deep := imgtest.OpenPNG(t, imgtest.AlphaPNG(t, dir, "Landscape_3", 2600, true)).(*image.NRGBA64).SubImage(image.Rect(0, 0, 2600, 1732))
	meta := &Metadata{EXIF: exifTIFF(mustRead(t, imgtest.SmallPhoto(t, dir, "Landscape_3", 64))), XMP: []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`), ICC: testICC(t)}
	cases := []avifCase{
		{"lossy", photo, EncodeOptions{Format: AVIF, Meta: meta, AVIFSpeed: 10}, 30},
		{"lossless", corner, EncodeOptions{Format: AVIF, Lossless: true, AVIFSpeed: 10}, losslessFloor()},
		{"deep", deep, EncodeOptions{Format: AVIF, Quality: 80, AVIFSpeed: 10}, 30},
		{"one frame", photo, EncodeOptions{Format: AVIF, AVIFSpeed: 10, AVIFOneFrame: true}, 30}, // asked for: no grid
	}
	for _, tc := range cases {
		path, data := writeAVIF(t, dir, tc.name, tc.img, tc.o)
		h, err := parseHEIF(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		tiles := 6
		if tc.name == "lossless" && !NativeCodecs || tc.o.AVIFOneFrame {
			tiles = 0 // the WebAssembly module writes no alpha for opaque cells: one frame
		}
		if h.Tiles != tiles || h.DecW != tc.img.Bounds().Dx() || h.DecH != tc.img.Bounds().Dy() || h.Alpha != !isOpaque(tc.img) {
			t.Errorf("%s: %d tiles making %dx%d, alpha %v; want %d, %v, %v", tc.name, h.Tiles, h.DecW, h.DecH, h.Alpha, tiles, tc.img.Bounds().Size(), !isOpaque(tc.img))
		}
		tools := []string{"avifdec", "heif-convert"}
		if tc.name == "deep" {
			tools = tools[:1]
		}
		for _, tool := range tools {
			readsAs(t, tc.name, tool, path, tc.img, tc.floor)
		}
		d, err := Decode(path, DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if p := imgtest.PSNR(t, overWhite(d.Image), overWhite(tc.img)); p < min(tc.floor, 45) {
			t.Errorf("%s: read back by this build at %.1f dB from the source", tc.name, p)
		}
		if wantDepth := map[bool]int{true: 10, false: 8}[tc.name == "deep" && NativeCodecs]; d.Info.Depth != wantDepth {
			t.Errorf("%s: depth %d, want %d", tc.name, d.Info.Depth, wantDepth)
		}
		if tc.o.Meta != nil {
			keptMeta(t, tc.name, path, d, meta)
		}
	}
}

// The opaque cells of an image with alpha keep an alpha plane (all cells
// of a grid have one, or none), opaque.
func TestAVIFGridCellsKeepAlpha(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 2400, 2000))
	for y := 0; y < 2000; y++ {
		for x := 0; x < 2400; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	img.Pix[len(img.Pix)-1] = 0 // one transparent pixel, in the last cell
	data, err := avifEncodeImage(img, avifOptions{Speed: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := parseHEIF(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if !NativeCodecs { // the WebAssembly module cannot: one frame
		if h.Tiles != 0 || !h.Alpha {
			t.Fatalf("%d tiles, alpha %v; want one frame, with alpha", h.Tiles, h.Alpha)
		}
		return
	}
	if h.Tiles != 6 || !h.Alpha {
		t.Fatalf("%d tiles, alpha %v; want 6, with alpha", h.Tiles, h.Alpha)
	}
	alpha := h.file.referring("auxl", h.file.primary)
	if len(alpha) != 1 || len(h.file.referenced("dimg", alpha[0])) != 6 {
		t.Fatalf("alpha grids %v, want one of 6 cells", alpha)
	}
}
