package codec

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/internal/imgtest"
)

// testICC is a real profile shipped with Debian (icc-profiles-free, pulled
// in by ImageMagick and libvips); any ICC-sized bytes would do for the
// chunk tests.
func testICC(t *testing.T) []byte {
	for _, p := range []string{"/usr/share/color/icc/sRGB.icc", "/usr/share/color/icc/colord/sRGB.icc", "/usr/share/color/icc/ghostscript/srgb.icc"} {
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
	}
	return bytes.Repeat([]byte("not really an ICC profile "), 20)
}

// Every kind of still WebP cwebp and webpmux make decodes as dwebp decodes
// it: lossy, lossless, with alpha, the extended format with EXIF and ICC,
// and an extended header announcing alpha that the image does not have.
func TestWebPAgainstDwebp(t *testing.T) {
	imgtest.Tool(t, "cwebp")
	dir := t.TempDir()
	src := imgtest.SmallPhoto(t, dir, "Landscape_6", 240) // EXIF orientation 6
	alpha := imgtest.AlphaPNG(t, dir, "Landscape_1", 240, false)
	icc := filepath.Join(dir, "p.icc")
	if err := os.WriteFile(icc, testICC(t), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, args ...string) string {
		out := filepath.Join(dir, name+".webp")
		imgtest.Run(t, "cwebp", append(append([]string{"-quiet"}, args...), "-o", out)...)
		return out
	}
	lossy := mk("lossy", "-q", "80", src)
	files := []string{lossy, mk("lossless", "-lossless", src), mk("alpha", "-q", "80", alpha), mk("alpha-lossless", "-lossless", alpha)}
	meta := mk("meta", "-q", "80", "-metadata", "exif", src)
	withICC := filepath.Join(dir, "meta-icc.webp")
	imgtest.Run(t, "webpmux", "-set", "icc", icc, meta, "-o", withICC)
	// VP8X saying "alpha" before a VP8 chunk without ALPH: x/image/webp
	// alone refuses it, libwebp does not.
	raw, _ := os.ReadFile(lossy)
	h, err := parseWebP(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	b := webpBits{h.Frames[0], raw}
	x := vp8x(h.W, h.H, true, false)
	flagged := filepath.Join(dir, "alpha-flag.webp")
	if err := os.WriteFile(flagged, riff(b.frameChunks(x)), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, flagged, withICC)
	for _, p := range files {
		d := agree(t, p, reference(t, "dwebp", p), DecodeOptions{NoOrientation: true})
		if d.Info.Format != "webp" {
			t.Errorf("%s: %+v", p, d.Info)
		}
	}
	d, err := Decode(withICC, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	jpg, _ := os.ReadFile(src)
	if d.Info.Orientation != 6 || d.Image.Bounds().Dx() != h.H {
		t.Errorf("the EXIF orientation of a WebP is not applied: %+v, %v", d.Info, d.Image.Bounds())
	}
	if !bytes.Equal(d.Meta.EXIF, exifTIFF(jpg)) || !bytes.Equal(d.Meta.ICC, testICC(t)) {
		t.Errorf("metadata read back: EXIF %d bytes (want %d), ICC %d bytes (want %d)", len(d.Meta.EXIF), len(exifTIFF(jpg)), len(d.Meta.ICC), len(testICC(t)))
	}
}

// animFrames writes frames of w x h for animation tests: a photo moving
// left by 8 px a frame, the last one changed only in a small square (so that
// encoders write it as a small blended rectangle).
func animFrames(t *testing.T, dir string, n, w, h int) []string {
	src, err := imaging.Open(imgtest.Path(t, "photos", "Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	small := imaging.Resize(src, w+8*n, 0, imaging.Lanczos)
	var paths []string
	var last *image.NRGBA
	for i := 0; i < n; i++ {
		f := imaging.Crop(small, image.Rect(8*i, 0, 8*i+w, h))
		if i == n-1 && last != nil {
			f = imaging.Clone(last)
			for y := 10; y < 30; y++ {
				for x := 20; x < 44; x++ {
					f.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
				}
			}
		}
		last = f
		p := filepath.Join(dir, fmt.Sprintf("frame%d.png", i))
		if err := imaging.Save(f, p); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// coalesced is ImageMagick's reading of every frame of an animation, each
// as shown (it reads WebP animations through libwebp's demuxer).
func coalesced(t *testing.T, path string) []image.Image {
	t.Helper()
	pattern := path + "-%d.png"
	imgtest.Run(t, "convert", path, "-coalesce", pattern)
	var out []image.Image
	for i := 0; ; i++ {
		p := fmt.Sprintf(pattern, i)
		if _, err := os.Stat(p); err != nil {
			return out
		}
		out = append(out, imgtest.OpenPNG(t, p))
	}
}

// checkFrames compares decoded frames with ImageMagick's.
func checkFrames(t *testing.T, name string, got []Frame, want []image.Image, floor float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d frames, ImageMagick shows %d", name, len(got), len(want))
	}
	for i := range got {
		if got[i].Image.Bounds().Size() != want[i].Bounds().Size() {
			t.Fatalf("%s frame %d: %v, ImageMagick %v", name, i, got[i].Image.Bounds(), want[i].Bounds())
		}
		if p := imgtest.PSNR(t, overWhite(got[i].Image), overWhite(want[i])); p < floor {
			t.Errorf("%s frame %d: %.1f dB from ImageMagick's, want at least %.0f", name, i, p, floor)
		}
	}
}

// Animated WebP and GIF: the first frame by default; with AllFrames every
// frame as shown, as ImageMagick (libwebp's demuxer, its GIF coalescing)
// shows them, with their delays and loop count.
func TestAnimationsDecode(t *testing.T) {
	imgtest.Tool(t, "img2webp")
	imgtest.Tool(t, "convert")
	dir := t.TempDir()
	frames := animFrames(t, dir, 4, 96, 64)
	webpLossless := filepath.Join(dir, "anim-lossless.webp")
	imgtest.Run(t, "img2webp", append([]string{"-loop", "3", "-lossless", "-d", "80"}, append(frames, "-o", webpLossless)...)...)
	webpLossy := filepath.Join(dir, "anim-lossy.webp")
	imgtest.Run(t, "img2webp", append([]string{"-loop", "0", "-lossy", "-q", "90", "-d", "80"}, append(frames, "-o", webpLossy)...)...)
	gif := filepath.Join(dir, "anim.gif")
	imgtest.Run(t, "convert", "-delay", "8", "-dispose", "background", frames[0], "-dispose", "previous", frames[1],
		"-dispose", "none", frames[2], frames[3], "-layers", "optimize", "-loop", "3", gif)
	for _, tc := range []struct {
		path  string
		floor float64
	}{{webpLossless, 99}, {webpLossy, minPSNR}, {gif, 99}} {
		name := filepath.Base(tc.path)
		want := coalesced(t, tc.path)
		all, err := Decode(tc.path, DecodeOptions{AllFrames: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkFrames(t, name, all.Frames, want, tc.floor)
		for i, f := range all.Frames {
			if f.Delay != 80*time.Millisecond {
				t.Errorf("%s frame %d: delay %v", name, i, f.Delay)
			}
		}
		// How many times it plays (0: forever), as img2webp -loop and
		// convert -loop say.
		if want := map[string]int{"anim-lossless.webp": 3, "anim-lossy.webp": 0, "anim.gif": 3}[name]; all.Loop != want {
			t.Errorf("%s: loop %d, want %d", name, all.Loop, want)
		}
		first, err := Decode(tc.path, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if first.Frames != nil || imgtest.PSNR(t, overWhite(first.Image), overWhite(want[0])) < tc.floor {
			t.Errorf("%s: the default decode is not the first frame alone", name)
		}
	}
}

// WebP outputs: lossy, lossless (exact), alpha, and the ICC, EXIF and XMP
// chunks, as dwebp and webpmux read them.
func TestWebPEncode(t *testing.T) {
	imgtest.Tool(t, "dwebp")
	dir := t.TempDir()
	src := toNRGBA(imgtest.OpenPNG(t, imgtest.AlphaPNG(t, dir, "Landscape_1", 200, false)))
	meta := &Metadata{EXIF: exifTIFF(mustRead(t, imgtest.SmallPhoto(t, dir, "Landscape_3", 64))), XMP: []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`), ICC: testICC(t)}
	for _, tc := range []struct {
		name string
		o    EncodeOptions
	}{
		{"lossy", EncodeOptions{Format: WEBP, Quality: 80}},
		{"lossless", EncodeOptions{Format: WEBP, Lossless: true}},
		{"meta", EncodeOptions{Format: WEBP, Meta: meta}},
	} {
		path := filepath.Join(dir, tc.name+".webp")
		var b bytes.Buffer
		if err := Encode(&b, src, tc.o); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		got := toNRGBA(reference(t, "dwebp", path))
		if tc.o.Lossless {
			for i := 0; i < len(src.Pix); i += 4 {
				if src.Pix[i+3] != got.Pix[i+3] || src.Pix[i+3] != 0 && !bytes.Equal(src.Pix[i:i+3], got.Pix[i:i+3]) {
					t.Fatalf("lossless: pixel %d is %v, was %v", i/4, got.Pix[i:i+4], src.Pix[i:i+4])
				}
			}
		} else if p := imgtest.PSNR(t, overWhite(got), overWhite(src)); p < 30 {
			t.Errorf("%s: %.1f dB from the source", tc.name, p)
		}
		if tc.o.Meta != nil {
			for flag, want := range map[string][]byte{"icc": meta.ICC, "exif": meta.EXIF, "xmp": meta.XMP} {
				out := filepath.Join(dir, "got."+flag)
				imgtest.Run(t, "webpmux", "-get", flag, path, "-o", out)
				if !bytes.Equal(mustRead(t, out), want) {
					t.Errorf("webpmux reads back a different %s chunk", flag)
				}
			}
		}
	}
}

// Animations written as WebP and GIF show, frame by frame, the frames
// given (ImageMagick reading them back), with their delays.
func TestAnimationsEncode(t *testing.T) {
	imgtest.Tool(t, "convert")
	dir := t.TempDir()
	var frames []Frame
	for _, p := range animFrames(t, dir, 4, 96, 64) {
		frames = append(frames, Frame{Image: imgtest.OpenPNG(t, p), Delay: 120 * time.Millisecond})
	}
	want := make([]image.Image, len(frames))
	for i, f := range frames {
		want[i] = f.Image
	}
	for _, tc := range []struct {
		name  string
		o     EncodeOptions
		floor float64
	}{
		{"lossless.webp", EncodeOptions{Format: WEBP, Lossless: true}, 99},
		{"lossy.webp", EncodeOptions{Format: WEBP, Quality: 90}, 30},
		{"anim.gif", EncodeOptions{Format: GIF}, 20},
	} {
		path := filepath.Join(dir, "out-"+tc.name)
		var b bytes.Buffer
		if err := EncodeFrames(&b, frames, 2, tc.o); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		got := coalesced(t, path)
		if len(got) != len(frames) {
			t.Fatalf("%s: ImageMagick reads %d frames, %d were written", tc.name, len(got), len(frames))
		}
		checkFrames(t, tc.name, framesOf(got, 0), want, tc.floor)
		d, err := Decode(path, DecodeOptions{AllFrames: true})
		if err != nil {
			t.Fatal(err)
		}
		if d.Loop != 2 || len(d.Frames) != len(frames) || d.Frames[1].Delay != 120*time.Millisecond {
			t.Errorf("%s: loop %d, %d frames, delay %v", tc.name, d.Loop, len(d.Frames), d.Frames[1].Delay)
		}
	}
}

func framesOf(imgs []image.Image, delay time.Duration) []Frame {
	out := make([]Frame, len(imgs))
	for i, m := range imgs {
		out[i] = Frame{Image: m, Delay: delay}
	}
	return out
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
