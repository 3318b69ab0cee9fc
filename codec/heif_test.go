package codec

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/internal/imgtest"
)

// The decoded pixels of HEIC and AVIF files agree with Debian's own
// decoders (heif-convert, avifdec) to within these, in dB: both sides
// decode the same bitstream; they differ in chroma upsampling and rounding.
// The cgo build (libheif, libavif) and the WebAssembly one (CGO_ENABLED=0)
// run the same tests against the same references.
const (
	minPSNR      = 42 // opaque
	minPSNRAlpha = 42 // with alpha, compared over white
	// The WebAssembly build's libheif is 1.18, not Debian's 1.15: it turns
	// and crops the YCbCr planes before its own conversion (other chroma
	// siting; a clean aperture rounded a pixel apart), truncates 10 bits
	// to 8 and drops alpha. Measured: 41.8-54.3 dB from heif-convert. A
	// wrong orientation or colour range is 10-28 dB.
	minPSNRWasmHEIC = 38
	// The first 8x2 pixels (see agree).
	minPSNRCorner = 24
)

// reference decodes a file with a Debian tool into a PNG and reads it.
func reference(t *testing.T, tool, path string) image.Image {
	t.Helper()
	out := path + "." + tool + ".png"
	if tool == "dwebp" {
		imgtest.Run(t, tool, path, "-o", out)
	} else {
		imgtest.Run(t, tool, path, out)
	}
	return imgtest.OpenPNG(t, out)
}

// agree decodes path and compares it with want: the same size exactly,
// and close pixels (over white, so that colours under transparent pixels,
// which differ between decoders and mean nothing, are not compared).
func agree(t *testing.T, path string, want image.Image, opts DecodeOptions) *Decoded {
	t.Helper()
	d, err := Decode(path, opts)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	if d.Image.Bounds().Size() != want.Bounds().Size() {
		t.Fatalf("%s: decoded %v, the reference decoder %v", filepath.Base(path), d.Image.Bounds().Size(), want.Bounds().Size())
	}
	if w, h := d.Info.Upright(); w != want.Bounds().Dx() || h != want.Bounds().Dy() {
		t.Errorf("%s: header says %dx%d upright, the image is %v", filepath.Base(path), w, h, want.Bounds().Size())
	}
	floor := float64(minPSNR)
	if !opaqueImage(want) {
		floor = minPSNRAlpha
	}
	if !nativeHEIF && filepath.Ext(path) == ".heic" {
		floor = minPSNRWasmHEIC
	}
	p := imgtest.PSNR(t, overWhite(d.Image), overWhite(want))
	if p < floor {
		t.Errorf("%s: %.1f dB from the reference decoder, want at least %.0f", filepath.Base(path), p, floor)
	}
	// The first pixels on their own: a host that frees the module's output
	// buffer before copying the image out of it gets the allocator's
	// free-list pointers over the first bytes (gen2brain's Go code did: six
	// pixels garbage: 7.6-13.8 dB here), which the whole image's PSNR does
	// not show. Turned and mirrored HEICs measure 28.8 dB and up there.
	corner := image.Rect(0, 0, min(8, want.Bounds().Dx()), min(2, want.Bounds().Dy()))
	pc := imgtest.PSNR(t, overWhite(imaging.Crop(d.Image, corner)), overWhite(imaging.Crop(want, corner)))
	if pc < minPSNRCorner {
		t.Errorf("%s: the first pixels are %.1f dB from the reference decoder's, want at least %d", filepath.Base(path), pc, minPSNRCorner)
	}
	t.Logf("%s: %v, %.1f dB from the reference decoder (its first pixels %.1f dB)", filepath.Base(path), d.Image.Bounds().Size(), p, pc)
	return d
}

func overWhite(img image.Image) image.Image {
	b := img.Bounds()
	return imaging.Overlay(imaging.New(b.Dx(), b.Dy(), image.White), img, image.Point{}, 1)
}

func opaqueImage(img image.Image) bool {
	n := imaging.Clone(img)
	for i := 3; i < len(n.Pix); i += 4 {
		if n.Pix[i] != 255 {
			return false
		}
	}
	return true
}

// heicSet makes, once per test binary, the HEIC files the tests share.
type heicFiles struct {
	dir                  string
	plain, deep, alpha   string
	src                  string // the JPEG they were made from
	tiles                []codedImage
	tileW, tileH, gw, gh int
}

// makeHEIC makes the plain HEIC (320x480 stored, from a JPEG with EXIF
// orientation 6) and, with all, the 10-bit and the alpha ones (heif-enc is
// slow under the race detector's load: each test makes only what it reads).
func makeHEIC(t *testing.T, all bool) heicFiles {
	t.Helper()
	imgtest.Tool(t, "heif-enc")
	dir := t.TempDir()
	f := heicFiles{dir: dir}
	f.src = imgtest.SmallPhoto(t, dir, "Landscape_6", 320) // stored 320 wide, EXIF orientation 6
	f.plain = filepath.Join(dir, "plain.heic")
	imgtest.Run(t, "heif-enc", "-q", "90", "-o", f.plain, f.src)
	if !all {
		return f
	}
	f.deep = filepath.Join(dir, "deep.heic")
	imgtest.Run(t, "heif-enc", "-q", "90", "-b", "10", "-o", f.deep, imgtest.AlphaPNG(t, dir, "Portrait_1", 200, true))
	f.alpha = filepath.Join(dir, "alpha.heic")
	imgtest.Run(t, "heif-enc", "-q", "90", "-o", f.alpha, imgtest.AlphaPNG(t, dir, "Landscape_1", 240, false))
	return f
}

func TestHEICAgainstHeifConvert(t *testing.T) {
	f := makeHEIC(t, true)
	d := agree(t, f.plain, reference(t, "heif-convert", f.plain), DecodeOptions{})
	// heif-enc copies the JPEG's EXIF, orientation 6 included, and stores
	// no rotation: HEIF's orientation is its irot/imir, never EXIF's.
	if d.Info.Orientation != 1 || d.Info.Format != "heic" || d.Info.Depth != 8 {
		t.Errorf("plain.heic: %+v", d.Info)
	}
	src, _ := os.ReadFile(f.src)
	if app1 := exifTIFF(src); len(app1) == 0 || !bytes.Equal(d.Meta.EXIF, app1) {
		t.Errorf("the HEIC's EXIF (%d bytes) is not the JPEG's (%d bytes)", len(d.Meta.EXIF), len(app1))
	}
	if readOrientationTIFF(d.Meta.EXIF) != 6 {
		t.Errorf("the EXIF block lost its orientation tag")
	}
	deep := agree(t, f.deep, heicAlpha(reference(t, "heif-convert", f.deep)), DecodeOptions{})
	if deep.Info.Depth != 10 {
		t.Errorf("deep.heic: depth %d", deep.Info.Depth)
	}
	if nativeHEIF { // the cgo build keeps 10 bits
		if _, ok := deep.Image.(*image.NRGBA64); !ok {
			t.Errorf("deep.heic decoded as %T", deep.Image)
		}
	}
	agree(t, f.alpha, heicAlpha(reference(t, "heif-convert", f.alpha)), DecodeOptions{})
}

// heicAlpha is what a HEIC with alpha decodes to in this build: the
// WebAssembly one drops the alpha plane.
func heicAlpha(img image.Image) image.Image {
	if nativeHEIF {
		return img
	}
	n := imaging.Clone(img)
	for i := 3; i < len(n.Pix); i += 4 {
		n.Pix[i] = 255
	}
	return n
}

func exifTIFF(jpg []byte) []byte {
	for i := 2; i+10 <= len(jpg) && jpg[i] == 0xFF; {
		n := int(jpg[i+2])<<8 | int(jpg[i+3])
		if jpg[i+1] == 0xE1 && string(jpg[i+4:i+10]) == "Exif\x00\x00" {
			return jpg[i+10 : i+2+n]
		}
		i += 2 + n
	}
	return nil
}

func readOrientationTIFF(t []byte) int { return orientationFromTIFF(t) }

// Every rotation and mirroring, and a clean aperture, written around the
// coded image heif-enc made: the decoded image is what heif-convert (which
// applies them) shows, to the pixel in size.
func TestHEIFTransforms(t *testing.T) {
	f := makeHEIC(t, false)
	c := readCoded(t, f.plain)
	cases := []struct {
		name   string
		props  [][]byte
		orient int
	}{
		{"irot1", [][]byte{irotBox(1)}, 8},
		{"irot2", [][]byte{irotBox(2)}, 3},
		{"irot3", [][]byte{irotBox(3)}, 6},
		{"imir0", [][]byte{imirBox(0)}, 4},
		{"imir1", [][]byte{imirBox(1)}, 2},
		{"irot1-imir0", [][]byte{irotBox(1), imirBox(0)}, 5},
		{"irot1-imir1", [][]byte{irotBox(1), imirBox(1)}, 7},
		{"clap-irot3", [][]byte{clapBox(200, 120, -30, 20), irotBox(3)}, 6},
	}
	if imgtest.Race {
		cases = cases[4:]
	}
	for _, tc := range cases {
		path := filepath.Join(f.dir, tc.name+".heic")
		if err := os.WriteFile(path, single(c, "heic", tc.props...), 0o644); err != nil {
			t.Fatal(err)
		}
		d := agree(t, path, reference(t, "heif-convert", path), DecodeOptions{})
		if d.Info.Orientation != tc.orient {
			t.Errorf("%s: orientation %d, want %d", tc.name, d.Info.Orientation, tc.orient)
		}
		raw, err := Decode(path, DecodeOptions{NoOrientation: true})
		if err != nil {
			t.Fatal(err)
		}
		if raw.Info.Orientation != 1 || raw.Image.Bounds().Dx() != d.Info.Width {
			t.Errorf("%s without orientation: %+v, %v", tc.name, raw.Info, raw.Image.Bounds())
		}
	}
}

// A grid of four tiles, each coded by heif-enc on its own, cropped by the
// grid to less than the tiles cover, and turned: as heif-convert shows it.
func TestHEICGrid(t *testing.T) {
	f := makeHEIC(t, false)
	src, err := imaging.Open(imgtest.Path(t, "photos", "Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	small := imaging.Resize(src, 256, 160, imaging.Lanczos)
	var tiles []codedImage
	for i := 0; i < 4; i++ {
		p := filepath.Join(f.dir, fmt.Sprintf("tile%d.png", i))
		tile := imaging.Crop(small, image.Rect(128*(i%2), 80*(i/2), 128*(i%2)+128, 80*(i/2)+80))
		if err := imaging.Save(tile, p); err != nil {
			t.Fatal(err)
		}
		out := p + ".heic"
		imgtest.Run(t, "heif-enc", "-q", "90", "-o", out, p)
		tiles = append(tiles, readCoded(t, out))
	}
	for _, tc := range []struct {
		name  string
		props [][]byte
	}{{"grid", nil}, {"grid-irot1", [][]byte{irotBox(1)}}} {
		path := filepath.Join(f.dir, tc.name+".heic")
		if err := os.WriteFile(path, grid(tiles, "heic", 2, 2, 250, 154, tc.props...), 0o644); err != nil {
			t.Fatal(err)
		}
		d := agree(t, path, reference(t, "heif-convert", path), DecodeOptions{})
		if w, h := d.Info.Upright(); tc.props == nil && (w != 250 || h != 154) {
			t.Errorf("%s: %dx%d", tc.name, w, h)
		}
		if tc.props == nil {
			// And the grid shows the picture its tiles were cut from.
			if p := imgtest.PSNR(t, d.Image, imaging.Crop(small, image.Rect(0, 0, 250, 154))); p < 30 {
				t.Errorf("the grid is %.1f dB from the picture its tiles were cut from", p)
			}
		}
	}
}

func TestAVIFAgainstReferences(t *testing.T) {
	imgtest.Tool(t, "avifenc")
	dir := t.TempDir()
	src := imgtest.SmallPhoto(t, dir, "Landscape_6", 320)
	alpha := imgtest.AlphaPNG(t, dir, "Landscape_1", 240, false)
	cases := []struct {
		name  string
		args  []string
		in    string
		depth int
	}{
		{"8bit", nil, src, 8},
		{"10bit", []string{"-d", "10"}, src, 10},
		{"12bit", []string{"-d", "12"}, src, 12},
		{"alpha", nil, alpha, 8},
		{"grid", []string{"--grid", "2x2"}, alpha, 8},
		{"irot-imir", []string{"--irot", "1", "--imir", "1", "--ignore-exif"}, src, 8},
	}
	if imgtest.Race {
		cases = cases[2:5]
	}
	for _, tc := range cases {
		path := filepath.Join(dir, tc.name+".avif")
		imgtest.Run(t, "avifenc", append(append([]string{"-s", "10", "--min", "8", "--max", "12"}, tc.args...), tc.in, path)...)
		// avifdec shows the coded image, without rotation or mirroring.
		raw := agree(t, path, reference(t, "avifdec", path), DecodeOptions{NoOrientation: true})
		if raw.Info.Depth != tc.depth || raw.Info.Format != "avif" {
			t.Errorf("%s: %+v", tc.name, raw.Info)
		}
		if tc.name == "irot-imir" {
			d := agree(t, path, reference(t, "heif-convert", path), DecodeOptions{})
			if d.Info.Orientation != 7 {
				t.Errorf("%s: orientation %d, want 7", tc.name, d.Info.Orientation)
			}
		}
	}
}

// Shrink-on-load: a HEIC decoded for a target at most half its size is
// converted at 1/2, 1/4 or 1/8 (cgo builds), each pixel the mean of its
// block: what a box reduction of the full decode gives, rotation included.
func TestHEICShrinkOnLoad(t *testing.T) {
	f := makeHEIC(t, true)
	c := readCoded(t, f.plain)
	turned := filepath.Join(f.dir, "turned.heic")
	if err := os.WriteFile(turned, single(c, "heic", irotBox(1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path       string
		w, h       int
		scale      int
		outW, outH int
	}{
		{f.plain, 100, 60, 2, 160, 240},
		{f.plain, 40, 0, 8, 40, 60},
		{turned, 200, 100, 2, 240, 160},
		{f.deep, 50, 75, 4, 50, 75},
		{f.plain, 200, 0, 1, 320, 480}, // less than half: full size
	} {
		d, err := DecodeAtLeast(tc.path, DecodeOptions{}, tc.w, tc.h)
		if err != nil {
			t.Fatal(err)
		}
		if d.Scale != tc.scale || d.Image.Bounds().Dx() != tc.outW || d.Image.Bounds().Dy() != tc.outH {
			t.Errorf("%s at least %dx%d: scale %d, %v; want %d, %dx%d", filepath.Base(tc.path), tc.w, tc.h, d.Scale, d.Image.Bounds().Size(), tc.scale, tc.outW, tc.outH)
			continue
		}
		full, err := Decode(tc.path, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := imaging.Resize(full.Image, tc.outW, tc.outH, imaging.Box)
		if p := imgtest.PSNR(t, overWhite(d.Image), overWhite(want)); p < 40 {
			t.Errorf("%s at 1/%d: %.1f dB from a box reduction of the full decode", filepath.Base(tc.path), tc.scale, p)
		}
	}
}

// AVIF shrinks on load too where libheif decodes it (-tags
// picpool_static_heif): 8-bit, 10-bit with alpha, and a rotated file, each
// within 40 dB of a box reduction of the full decode. Other builds decode
// it whole (scale 1).
func TestAVIFShrinkOnLoad(t *testing.T) {
	imgtest.Tool(t, "avifenc")
	dir := t.TempDir()
	src := imgtest.SmallPhoto(t, dir, "Landscape_6", 320)
	alpha := imgtest.AlphaPNG(t, dir, "Landscape_1", 240, true)
	for _, tc := range []struct {
		name    string
		args    []string
		in      string
		w, h    int
		scale   int
		rotated bool
	}{
		{"plain", nil, src, 100, 60, 2, false},
		{"deep-alpha", []string{"-d", "10"}, alpha, 30, 0, 8, false},
		{"turned", []string{"--irot", "1"}, src, 50, 75, 4, true},
		{"small-target", nil, src, 200, 0, 1, false},
	} {
		path := filepath.Join(dir, tc.name+".avif")
		imgtest.Run(t, "avifenc", append(append([]string{"-s", "10", "--min", "8", "--max", "12", "--ignore-exif"}, tc.args...), tc.in, path)...)
		full, err := Decode(path, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		scale := tc.scale
		if !avifScales {
			scale = 1
		}
		fw, fh := full.Image.Bounds().Dx(), full.Image.Bounds().Dy()
		outW, outH := turboScaled(fw, scale), turboScaled(fh, scale)
		d, err := DecodeAtLeast(path, DecodeOptions{}, tc.w, tc.h)
		if err != nil {
			t.Fatal(err)
		}
		if d.Scale != scale || d.Image.Bounds().Dx() != outW || d.Image.Bounds().Dy() != outH {
			t.Errorf("%s (%dx%d) at least %dx%d: scale %d, %v; want %d, %dx%d", tc.name, fw, fh, tc.w, tc.h, d.Scale, d.Image.Bounds().Size(), scale, outW, outH)
			continue
		}
		coded, err := Decode(path, DecodeOptions{NoOrientation: true})
		if err != nil {
			t.Fatal(err)
		}
		if cw := coded.Image.Bounds().Dx(); tc.rotated != (cw != fw) {
			t.Errorf("%s: the full decode is %dx%d, the coded image %v", tc.name, fw, fh, coded.Image.Bounds().Size())
		}
		want := imaging.Resize(full.Image, outW, outH, imaging.Box)
		if p := imgtest.PSNR(t, overWhite(d.Image), overWhite(want)); p < 40 {
			t.Errorf("%s at 1/%d: %.1f dB from a box reduction of the full decode", tc.name, scale, p)
		}
	}
}

// Workers decode at the same time: each call has its own instance of the
// WebAssembly module (or libheif context), and the results are the ones a
// lone decode gives, pixel for pixel, with and without shrink-on-load.
func TestHEICDecodesConcurrently(t *testing.T) {
	f := makeHEIC(t, true)
	type job struct {
		path string
		minW int
	}
	jobs := []job{{f.plain, 0}, {f.deep, 0}, {f.alpha, 0}, {f.plain, 100}}
	want := make([]*image.NRGBA, len(jobs))
	for i, j := range jobs {
		d, err := DecodeAtLeast(j.path, DecodeOptions{}, j.minW, 0)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = imaging.Clone(d.Image)
	}
	concurrently(t, 3, len(jobs), func(r, i int) error {
		j := jobs[i]
		d, err := DecodeAtLeast(j.path, DecodeOptions{}, j.minW, 0)
		if err == nil && !bytes.Equal(imaging.Clone(d.Image).Pix, want[i].Pix) {
			err = fmt.Errorf("round %d, %s at least %d wide: pixels differ from a lone decode", r, filepath.Base(j.path), j.minW)
		}
		return err
	})
}

// concurrently runs the n calls of run, rounds times over, all at once,
// and reports the errors they return.
func concurrently(t *testing.T, rounds, n int, run func(round, i int) error) {
	t.Helper()
	errs := make(chan error, rounds*n)
	var wg sync.WaitGroup
	for r := range rounds {
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- run(r, i)
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// AVIF the same, decoding and encoding at once: three rounds of decodes
// (8-bit, 10-bit with alpha, shrink-on-load) and encodes (8-bit, 10-bit
// with alpha), each the lone call's pixels or bytes, in every build (the
// encoders run single-threaded, so a file is the same each time).
func TestAVIFConcurrently(t *testing.T) {
	imgtest.Tool(t, "avifenc")
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.avif")
	deep := filepath.Join(dir, "deep.avif")
	imgtest.Run(t, "avifenc", "-s", "10", "--ignore-exif", imgtest.SmallPhoto(t, dir, "Landscape_6", 320), plain)
	imgtest.Run(t, "avifenc", "-s", "10", "-d", "10", imgtest.AlphaPNG(t, dir, "Landscape_1", 240, true), deep)
	src8 := toNRGBA(imgtest.OpenPNG(t, imgtest.AlphaPNG(t, dir, "Portrait_1", 120, false)))
	src16 := imgtest.OpenPNG(t, imgtest.AlphaPNG(t, dir, "Landscape_3", 96, true))
	type job struct {
		name string
		run  func() ([]byte, error)
	}
	decode := func(path string, minW int) func() ([]byte, error) {
		return func() ([]byte, error) {
			d, err := DecodeAtLeast(path, DecodeOptions{}, minW, 0)
			if err != nil {
				return nil, err
			}
			return imaging.Clone(d.Image).Pix, nil
		}
	}
	encode := func(img image.Image) func() ([]byte, error) {
		return func() ([]byte, error) {
			var b bytes.Buffer
			err := Encode(&b, img, EncodeOptions{Format: AVIF, Quality: 70, AVIFSpeed: 9})
			return b.Bytes(), err
		}
	}
	jobs := []job{{"decode 8-bit", decode(plain, 0)}, {"decode 10-bit alpha", decode(deep, 0)},
		{"decode at least 100", decode(plain, 100)}, {"encode 8-bit", encode(src8)}, {"encode 16-bit alpha", encode(src16)}}
	want := make([][]byte, len(jobs))
	for i, j := range jobs {
		var err error
		if want[i], err = j.run(); err != nil {
			t.Fatalf("%s: %v", j.name, err)
		}
	}
	concurrently(t, 3, len(jobs), func(r, i int) error {
		got, err := jobs[i].run()
		if err == nil && !bytes.Equal(got, want[i]) {
			err = fmt.Errorf("round %d, %s: differs from a lone call", r, jobs[i].name)
		}
		return err
	})
}
