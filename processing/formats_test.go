package processing

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// A phone's folder: HEIC, AVIF, WebP and an animated WebP, with the
// extensions in any case, are collected, and "same" writes HEIC as JPEG,
// the others as themselves (a lossless WebP losslessly), each resized as
// the chain says and upright.
func TestNewFormatsThroughTheChain(t *testing.T) {
	imgtest.Tool(t, "heif-enc")
	imgtest.Tool(t, "avifenc")
	imgtest.Tool(t, "img2webp")
	work, in, out := t.TempDir(), t.TempDir(), t.TempDir()
	src := imgtest.SmallPhoto(t, work, "Landscape_1", 240)
	imgtest.Run(t, "heif-enc", "-q", "70", "-o", filepath.Join(in, "IMG_0001.HEIC"), src)
	imgtest.Run(t, "avifenc", "-s", "10", "--irot", "1", src, filepath.Join(in, "pic.Avif"))
	imgtest.Run(t, "cwebp", "-quiet", "-lossless", src, "-o", filepath.Join(in, "lossless.webp"))
	frames := []string{src, imgtest.SmallPhoto(t, work, "Landscape_3", 240), imgtest.SmallPhoto(t, work, "Landscape_2", 240)}
	imgtest.Run(t, "img2webp", append([]string{"-lossy", "-d", "100"}, append(frames, "-o", filepath.Join(in, "anim.webp"))...)...)
	if err := os.WriteFile(filepath.Join(in, "notes.txt"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	sources, skipped := Collect(context.Background(), []string{in}, CollectOptions{})
	if len(sources) != 4 || len(skipped) != 1 {
		t.Fatalf("collected %v, skipped %v", sources, skipped)
	}
	for _, allFrames := range []bool{false, true} {
		s, err := Preset{Filters: mustChain(t, "resize=120x0"), AllFrames: allFrames}.Settings(filepath.Join(out, map[bool]string{false: "first", true: "all"}[allFrames]))
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewProcessor(s)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, src := range sources {
			res, err := p.Process(context.Background(), src, nil)
			if err != nil {
				t.Fatalf("%s: %v", src.Path, err)
			}
			names = append(names, filepath.Base(res.Output))
			info, err := codec.Probe(res.Output, codec.DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			w, h := info.Upright()
			// AVIF's irot turns the 240x160 photo to 160x240: resized to
			// 120 wide it is 120x180.
			want := map[string][2]int{"pic.avif": {120, 180}}[filepath.Base(res.Output)]
			if want == ([2]int{}) {
				want = [2]int{120, 80}
			}
			if w != want[0] || h != want[1] {
				t.Errorf("%s: %dx%d upright, want %dx%d", res.Output, w, h, want[0], want[1])
			}
			switch filepath.Base(res.Output) {
			case "lossless.webp":
				if !info.Lossless {
					t.Errorf("a lossless WebP written as same is lossy")
				}
			case "anim.webp":
				if wantFrames := map[bool]int{false: 1, true: 3}[allFrames]; info.Frames != wantFrames {
					t.Errorf("all frames %v: anim.webp written with %d frames, want %d", allFrames, info.Frames, wantFrames)
				}
			}
		}
		sort.Strings(names)
		if got := strings.Join(names, " "); got != "IMG_0001.jpg anim.webp lossless.webp pic.avif" {
			t.Errorf("outputs %s", got)
		}
	}
}

// A file given directly is read for what it holds, whatever its name: a
// HEIC named .jpg is a HEIC, and "same" writes it as JPEG.
func TestContentDecidesForFilesNamedDirectly(t *testing.T) {
	imgtest.Tool(t, "heif-enc")
	work, out := t.TempDir(), t.TempDir()
	heic := filepath.Join(work, "holiday.jpg")
	imgtest.Run(t, "heif-enc", "-q", "70", "-o", heic, imgtest.SmallPhoto(t, work, "Portrait_1", 120))
	res := processOne(t, heic, Settings{Naming: Naming{Dir: out}})
	if res.Info.Format != "heic" || filepath.Base(res.Output) != "holiday.jpg" {
		t.Errorf("read as %q, written to %s", res.Info.Format, res.Output)
	}
	if info, err := codec.Probe(res.Output, codec.DecodeOptions{}); err != nil || info.Format != "jpeg" {
		t.Errorf("the output is %+v, %v", info, err)
	}
}

// heif-enc keeps a JPEG's EXIF, orientation 6 included, in the HEIC it
// makes, and stores no rotation: HEIF readers show it as stored. Its
// outputs show it the same way and say orientation 1, or viewers would turn
// them; the rest of the EXIF is kept (WebP and JPEG alike).
func TestHEICOutputsCarryNoStaleOrientation(t *testing.T) {
	imgtest.Tool(t, "heif-enc")
	work, out := t.TempDir(), t.TempDir()
	heic := filepath.Join(work, "turned.heic")
	imgtest.Run(t, "heif-enc", "-q", "70", "-o", heic, imgtest.SmallPhoto(t, work, "Landscape_6", 160))
	for _, format := range []codec.Format{codec.JPEG, codec.WEBP} {
		res := processOne(t, heic, Settings{Format: format, Naming: Naming{Dir: out}, Metadata: KeepAll})
		d, err := codec.Decode(res.Output, codec.DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Info.Orientation != 1 || len(d.Meta.EXIF) == 0 || d.Image.Bounds().Dx() != res.Info.Width {
			t.Errorf("%s: orientation %d, %d bytes of EXIF, %v (the HEIC is %dx%d as shown)", format, d.Info.Orientation, len(d.Meta.EXIF), d.Image.Bounds(), res.Info.Width, res.Info.Height)
		}
	}
}

// A HEIC's colour profile (colr prof: iPhones write Display P3) is read
// and the colour side converts it, as for any format.
func TestHEICProfileIsConverted(t *testing.T) {
	imgtest.Tool(t, "heif-enc")
	imgtest.Tool(t, "convert")
	icc := "/usr/share/color/icc/colord/AdobeRGB1998.icc"
	if _, err := os.Stat(icc); err != nil {
		t.Skip("no Adobe RGB profile (colord-data; make test installs it)")
	}
	work := t.TempDir()
	png := filepath.Join(work, "adobe.png")
	imgtest.Run(t, "convert", imgtest.SmallPhoto(t, work, "Landscape_1", 160), "-profile", icc, png)
	heic := filepath.Join(work, "adobe.heic")
	imgtest.Run(t, "heif-enc", "-q", "80", "-o", heic, png)
	res := processOne(t, heic, Settings{Format: codec.JPEG, Naming: Naming{Dir: t.TempDir()}})
	if res.Metadata == nil || !slices.Contains(append(res.Metadata.Kept, res.Metadata.Converted...), "ICC") {
		t.Fatalf("the profile did not reach the output: %+v", res.Metadata)
	}
	if codec.ColorManaged && (!strings.HasPrefix(res.Color, "converted from") || !strings.Contains(res.Color, "Adobe RGB")) {
		t.Errorf("colour: %q", res.Color)
	}
}
