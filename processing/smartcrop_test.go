package processing

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/internal/imgtest"
)

// A scene for smart crops: an image, the size to crop it to, and where its
// subject is when the test placed one (empty for a photo's own strip).
type cropScene struct {
	name    string
	img     *image.NRGBA
	w, h    int
	subject image.Rectangle // in the cover-resized image's pixels
}

// photo decodes a shared photo with Go's decoder (the same pixels in every
// build) and shrinks it to width w, once per test binary: callers must not
// modify it.
func photo(t testing.TB, name string, w int) *image.NRGBA {
	t.Helper()
	photos.Lock()
	defer photos.Unlock()
	key := name + "@" + strconv.Itoa(w)
	if img, ok := photos.m[key]; ok {
		return img
	}
	full, ok := photos.m[name]
	if !ok {
		f, err := os.Open(imgtest.Path(t, "photos", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, _, err := image.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		full = imaging.Clone(img)
		photos.m[name] = full
	}
	img := imaging.Resize(full, w, 0, imaging.Lanczos)
	photos.m[key] = img
	return img
}

var photos = struct {
	sync.Mutex
	m map[string]*image.NRGBA
}{m: map[string]*image.NRGBA{}}

// cropScenes are images with an off-centre subject: a sharp square of a
// photo (the waterfall, the child) pasted on a flat or a blurred background
// at the left, the right, the top or the bottom, and strips of the photos
// whose interesting part is off-centre. Crops to S x S keep the subject's
// side, so subject coordinates are those of the pasted square.
func cropScenes(t testing.TB) []cropScene {
	if imgtest.Race {
		// Pure arithmetic on pictures, no goroutines: the race detector
		// finds nothing here and makes it minutes; make test-go runs these
		// without it.
		t.Skip("runs without -race (make test-go)")
	}
	scenes.once.Do(func() { scenes.list = makeCropScenes(t) })
	if scenes.list == nil {
		t.Fatal("the scenes could not be made")
	}
	return scenes.list
}

var scenes struct {
	once sync.Once
	list []cropScene
}

func makeCropScenes(t testing.TB) []cropScene {
	land := photo(t, "Landscape_1.jpg", 900) // 900x600
	port := photo(t, "Portrait_1.jpg", 600)  // 600x900
	fall := imaging.Crop(land, image.Rect(560, 40, 800, 280))
	child := imaging.Crop(port, image.Rect(160, 540, 400, 780))
	const s = 240
	mean := imaging.Resize(land, 1, 1, imaging.Box).NRGBAAt(0, 0)
	var scenes []cropScene
	paste := func(name string, bg *image.NRGBA, subj *image.NRGBA, at image.Point) {
		img := imaging.Paste(bg, subj, at)
		scenes = append(scenes, cropScene{name, img, s, s, image.Rectangle{Min: at, Max: at.Add(image.Pt(s, s))}})
	}
	for _, x := range []int{40, 680} {
		paste("flat/waterfall@x"+strconv.Itoa(x), filled(4*s, s, mean), fall, image.Pt(x, 0))
		blurred := blur(imaging.Fill(land, 4*s, s, imaging.Center, imaging.Linear), 12)
		paste("blurred/child@x"+strconv.Itoa(x), blurred, child, image.Pt(x, 0))
	}
	for _, y := range []int{0, 3 * s} {
		blurred := blur(imaging.Fill(port, s, 4*s, imaging.Center, imaging.Linear), 12)
		paste("blurred/waterfall@y"+strconv.Itoa(y), blurred, fall, image.Pt(0, y))
	}
	// The photos' own strips: the child in the lower part of the portrait,
	// the waterfall at the right of the landscape.
	scenes = append(scenes,
		cropScene{name: "strip/child", img: imaging.Crop(port, image.Rect(0, 480, 600, 780)), w: 300, h: 300},
		cropScene{name: "strip/waterfall", img: imaging.Crop(land, image.Rect(0, 0, 900, 300)), w: 300, h: 300},
	)
	return scenes
}

// iou is the intersection over union of two rectangles.
func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	ia := float64(in.Dx() * in.Dy())
	return ia / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia)
}

// covered is the share of a that lies in b.
func covered(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	return float64(in.Dx()*in.Dy()) / float64(a.Dx()*a.Dy())
}

// TestSmartcropFindsOffCentreSubjects: on every scene the chosen window
// holds most of the pasted subject, which the centre crop misses.
func TestSmartcropFindsOffCentreSubjects(t *testing.T) {
	for _, sc := range cropScenes(t) {
		if sc.subject.Empty() {
			continue
		}
		cover := coverResize(sc.img, sc.w, sc.h, imaging.Lanczos)
		got := smartcropRect(cover, sc.w, sc.h)
		centre := image.Rectangle{Min: anchorPoint("center", cover.Bounds().Size(), image.Pt(sc.w, sc.h))}
		centre.Max = centre.Min.Add(image.Pt(sc.w, sc.h))
		if share, centred := covered(sc.subject, got), covered(sc.subject, centre); share < 0.75 {
			t.Errorf("%s: window %v holds %.0f%% of the subject %v (the centre crop: %.0f%%)", sc.name, got, 100*share, sc.subject, 100*centred)
		}
	}
}

// TestSmartcropAgreesWithLibvips compares the windows with those that
// libvips' vipsthumbnail --smartcrop attention keeps on the same scenes
// (found by sliding its output over our cover-resized image).
func TestSmartcropAgreesWithLibvips(t *testing.T) {
	vips, err := exec.LookPath("vipsthumbnail")
	if err != nil {
		t.Fatal("vipsthumbnail is missing: make test installs libvips-tools")
	}
	dir := t.TempDir()
	var sum float64
	scenes := cropScenes(t)
	for i, sc := range scenes {
		in, out := filepath.Join(dir, strconv.Itoa(i)+".png"), filepath.Join(dir, strconv.Itoa(i)+"-vips.png")
		writePNG(t, in, sc.img)
		cmd := exec.Command(vips, in, "--size", strconv.Itoa(sc.w)+"x"+strconv.Itoa(sc.h), "--smartcrop", "attention", "-o", out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", sc.name, err, msg)
		}
		theirs := readPNG(t, out)
		cover := coverResize(sc.img, sc.w, sc.h, imaging.Lanczos)
		ours := smartcropRect(cover, sc.w, sc.h)
		where := locate(cover, theirs)
		v := iou(ours, where)
		sum += v
		t.Logf("%-24s ours %v, libvips %v: IoU %.2f", sc.name, ours, where, v)
	}
	mean := sum / float64(len(scenes))
	t.Logf("mean IoU with libvips over %d scenes: %.3f", len(scenes), mean)
	if mean < 0.75 {
		t.Errorf("mean IoU with libvips %.3f, want at least 0.75", mean)
	}
}

// locate finds where the small image sits in the large one: the offset
// with the least difference over a sample of pixels, searched every 4th
// position, then around the best one.
func locate(large, small *image.NRGBA) image.Rectangle {
	lb, sb := large.Bounds(), small.Bounds()
	diff := func(x, y int) float64 {
		var d float64
		for sy := 0; sy < sb.Dy(); sy += 4 {
			l := large.Pix[(y+sy)*large.Stride+4*x:]
			m := small.Pix[sy*small.Stride:]
			for i := 0; i < 4*sb.Dx(); i += 16 {
				d += absDiff(l[i], m[i]) + absDiff(l[i+1], m[i+1]) + absDiff(l[i+2], m[i+2])
			}
		}
		return d
	}
	best, bestAt := -1.0, image.Point{}
	search := func(x0, x1, y0, y1, step int) {
		for y := max(y0, 0); y <= min(y1, lb.Dy()-sb.Dy()); y += step {
			for x := max(x0, 0); x <= min(x1, lb.Dx()-sb.Dx()); x += step {
				if d := diff(x, y); best < 0 || d < best {
					best, bestAt = d, image.Pt(x, y)
				}
			}
		}
	}
	search(0, lb.Dx(), 0, lb.Dy(), 4)
	c := bestAt
	search(c.X-4, c.X+4, c.Y-4, c.Y+4, 1)
	return image.Rectangle{Min: bestAt, Max: bestAt.Add(sb.Size())}
}

func absDiff(a, b uint8) float64 {
	if a > b {
		return float64(a - b)
	}
	return float64(b - a)
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func readPNG(t testing.TB, path string) *image.NRGBA {
	t.Helper()
	return imaging.Clone(imgtest.OpenPNG(t, path))
}
