package processing

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// noise is an opaque w x h image of seeded random pixels: the hardest case
// for rounding, every sample different from its neighbours.
func noise(w, h int, seed uint64) *image.NRGBA {
	r := rand.New(rand.NewPCG(seed, 1))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff
	}
	return img
}

// diff is the largest difference between two images' samples and their mean
// absolute difference; it fails if the sizes differ.
func diff(t *testing.T, got, want *image.NRGBA) (int, float64) {
	t.Helper()
	if got.Rect.Size() != want.Rect.Size() {
		t.Fatalf("size %v, want %v", got.Rect.Size(), want.Rect.Size())
	}
	worst, total := 0, 0
	for y := range got.Rect.Dy() {
		a, b := row(got, y), row(want, y)
		for i := range a {
			d := int(a[i]) - int(b[i])
			if d < 0 {
				d = -d
			}
			worst, total = max(worst, d), total+d
		}
	}
	return worst, float64(total) / float64(len(got.Pix))
}

// matches asserts the fast filter's output is imaging's within 2 levels per
// sample, and within maxMean of a level on average. The 14-bit weights move
// a sum by up to ~0.05 of a level, so samples whose exact value lies that
// close to a rounding boundary come out one level apart: about 1 in 10 on
// random noise, 3 in 1,000 on photos. On made-up images whose exact values
// are ties (x.5, e.g. a linear resize of two alternating values) imaging's
// float64 rounding goes either way, so only the largest difference holds
// for any image (FuzzFastFilters); a systematic error would show in both.
func matches(t *testing.T, name string, got, want *image.NRGBA, maxMean float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: the fast path refused an opaque image", name)
	}
	worst, mean := diff(t, got, want)
	if worst > 2 || mean > maxMean {
		t.Errorf("%s: differs from imaging by up to %d levels, %.3f on average", name, worst, mean)
	}
	for i := 3; i < len(got.Pix); i += 4 {
		if got.Pix[i] != 0xff {
			t.Fatalf("%s: alpha %d at byte %d", name, got.Pix[i], i)
		}
	}
}

func TestFastResizeMatchesImaging(t *testing.T) {
	src := noise(61, 47, 7)
	sizes := []image.Point{{30, 23}, {20, 47}, {61, 10}, {7, 5}, {1, 1}, {122, 94}, {75, 31}, {60, 46}, {3, 200}}
	for _, name := range resampleFilters {
		f := resampleValue[name]
		for _, s := range sizes {
			label := fmt.Sprintf("%s to %v", name, s)
			want := imaging.Resize(src, s.X, s.Y, f)
			got := fastResize(src, s.X, s.Y, f)
			if f.Support <= 0 {
				if got != nil {
					t.Errorf("%s: nearest neighbour should be left to imaging", label)
				}
				continue
			}
			matches(t, label, got, want, 0.1)
		}
	}
}

func TestFastBlurAndSharpenMatchImaging(t *testing.T) {
	for _, size := range []image.Point{{64, 48}, {5, 3}, {1, 9}, {2, 2}} {
		src := noise(size.X, size.Y, 3)
		for _, sigma := range []float64{0.01, 0.3, 0.75, 0.8, 1, 2.5, 10} {
			label := fmt.Sprintf("%v sigma %v", size, sigma)
			matches(t, "blur "+label, fastBlur(src, sigma), imaging.Blur(src, sigma), 0.1)
			matches(t, "sharpen "+label, fastSharpen(src, sigma), imaging.Sharpen(src, sigma), 0.1)
		}
	}
}

// A flat image stays flat through every filter: the weights sum to one.
func TestFastFiltersKeepFlatImagesFlat(t *testing.T) {
	c := color.NRGBA{201, 17, 99, 255}
	src := flat(33, 21, c)
	for name, img := range map[string]*image.NRGBA{
		"resize down": fastResize(src, 10, 7, imaging.Lanczos),
		"resize up":   fastResize(src, 70, 50, imaging.CatmullRom),
		"blur":        fastBlur(src, 2),
		"sharpen":     fastSharpen(src, 0.8),
	} {
		for y := range img.Rect.Dy() {
			for x := range img.Rect.Dx() {
				if got := at(img, x, y); got != c {
					t.Fatalf("%s: pixel %d,%d is %v, want %v", name, x, y, got, c)
				}
			}
		}
	}
}

// The fast path reads a sub-image (a crop's result) from its own origin.
func TestFastFiltersReadSubImages(t *testing.T) {
	big := noise(80, 60, 11)
	sub := big.SubImage(image.Rect(13, 9, 13+40, 9+30)).(*image.NRGBA)
	matches(t, "resize of a sub-image", fastResize(sub, 25, 19, imaging.Lanczos), imaging.Resize(sub, 25, 19, imaging.Lanczos), 0.1)
	matches(t, "sharpen of a sub-image", fastSharpen(sub, 1), imaging.Sharpen(sub, 1), 0.1)
}

// Images the fast path does not take go to imaging, through the same kinds.
func TestFastFiltersLeaveTransparencyToImaging(t *testing.T) {
	src := noise(20, 10, 5)
	src.Pix[3] = 128 // one translucent pixel
	if fastResize(src, 10, 5, imaging.Lanczos) != nil || fastBlur(src, 1) != nil || fastSharpen(src, 1) != nil {
		t.Fatal("the fast path took an image with transparency")
	}
	for spec, want := range map[string]*image.NRGBA{
		"resize=10x5": imaging.Resize(src, 10, 5, imaging.Lanczos),
		"blur=1":      imaging.Blur(src, 1),
		"sharpen=1":   imaging.Sharpen(src, 1),
	} {
		got := apply(t, spec, src)
		if worst, _ := diff(t, got, want); worst != 0 {
			t.Errorf("%s: differs from imaging by %d", spec, worst)
		}
	}
	gray := image.NewGray(image.Rect(0, 0, 9, 9))
	if fastResize(gray, 3, 3, imaging.Lanczos) != nil {
		t.Error("the fast path took a non-NRGBA image (the kinds convert first)")
	}
	// An extreme reduction needs more taps than the integer weights allow.
	if fastResize(flat(5000, 1, c0), 1, 1, imaging.Lanczos) != nil {
		t.Error("the fast path took a 5000:1 reduction")
	}
}

var c0 = color.NRGBA{1, 2, 3, 255}

// The kinds use the fast path: a resize and sharpen of a real photo through
// the pipeline matches imaging's on the same pixels.
func TestFastFiltersOnPhotos(t *testing.T) {
	imgtest.Testdata(t)
	names := []string{"Landscape_0.jpg", "Portrait_3.jpg"}
	if imgtest.Race {
		names = names[:1]
	}
	for _, name := range names {
		d, err := codec.Decode(filepath.Join(imgtest.Dir, "photos", name), codec.DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		src := toNRGBA(d.Image)
		w := src.Rect.Dx() * 2 / 3
		got := apply(t, fmt.Sprintf("resize=%dx0,sharpen=0.75", w), src)
		want := imaging.Sharpen(imaging.Resize(src, w, 0, imaging.Lanczos), 0.75)
		// Two filters in a row: a level of difference after the resize can
		// become two after the sharpen doubles it, and one more from the blur.
		worst, mean := diff(t, got, want)
		if worst > 4 || mean > 0.1 {
			t.Errorf("%s: differs from imaging by up to %d levels, %.3f on average", name, worst, mean)
		}
		t.Logf("%s: %v, largest difference %d, mean %.4f", name, got.Rect.Size(), worst, mean)
	}
}

// A panic in one band reaches the caller, where the pool recovers it.
func TestBandsRaisePanicsInTheCaller(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	defer func() {
		if r := recover(); r != "band" {
			t.Fatalf("recovered %v", r)
		}
	}()
	bands(1000, func(y0, y1 int) {
		if y0 > 0 {
			panic("band")
		}
	})
	t.Fatal("no panic")
}

// FuzzFastFilters: for any small opaque image, size and sigma, the fast
// resize, blur and sharpen stay within 2 levels of imaging's (or decline
// the image), and their output is opaque and of imaging's size.
func FuzzFastFilters(f *testing.F) {
	f.Add([]byte("seed pixels, any bytes"), uint8(7), uint8(5), uint8(3), uint8(11), uint8(0), float64(0.75))
	f.Add([]byte{0, 255, 0, 255, 255, 0}, uint8(1), uint8(9), uint8(40), uint8(1), uint8(4), float64(2.5))
	f.Fuzz(func(t *testing.T, pix []byte, w, h, tw, th, filter uint8, sigma float64) {
		if len(pix) == 0 || w == 0 || h == 0 || tw == 0 || th == 0 || math.IsNaN(sigma) || math.IsInf(sigma, 0) {
			return // the chain's checks keep these from the filters
		}
		src := image.NewNRGBA(image.Rect(0, 0, int(w%48)+1, int(h%48)+1))
		for i := range src.Pix {
			src.Pix[i] = pix[i%len(pix)]
			if i%4 == 3 {
				src.Pix[i] = 0xff
			}
		}
		name := resampleFilters[int(filter)%len(resampleFilters)]
		rf := resampleValue[name]
		sw, sh := int(tw%96)+1, int(th%96)+1
		if got := fastResize(src, sw, sh, rf); got != nil {
			matches(t, fmt.Sprintf("%s resize %v to %dx%d", name, src.Rect.Size(), sw, sh), got, imaging.Resize(src, sw, sh, rf), 2)
		}
		sigma = 0.01 + math.Mod(math.Abs(sigma), 12)
		if got := fastBlur(src, sigma); got != nil {
			matches(t, fmt.Sprintf("blur %v sigma %v", src.Rect.Size(), sigma), got, imaging.Blur(src, sigma), 2)
		}
		if got := fastSharpen(src, sigma); got != nil {
			matches(t, fmt.Sprintf("sharpen %v sigma %v", src.Rect.Size(), sigma), got, imaging.Sharpen(src, sigma), 2)
		}
	})
}
