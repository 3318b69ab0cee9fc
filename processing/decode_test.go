package processing

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
)

const testdata = "../../shared/testdata"

func needTestdata(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(testdata); err != nil {
		t.Fatalf("shared test data missing at %s: %v", testdata, err)
	}
}

// meanDiff is the mean absolute difference per channel of two images of the
// same size, both shrunk to 90 px wide first so JPEG noise averages out.
func meanDiff(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v vs %v", a.Bounds().Size(), b.Bounds().Size())
	}
	sa, sb := imaging.Resize(a, 90, 0, imaging.Box), imaging.Resize(b, 90, 0, imaging.Box)
	var sum float64
	for i := range sa.Pix {
		d := int(sa.Pix[i]) - int(sb.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += float64(d)
	}
	return sum / float64(len(sa.Pix))
}

func TestPhotosComeOutUpright(t *testing.T) {
	needTestdata(t)
	for _, shape := range []string{"Landscape", "Portrait"} {
		ref, err := Decode(filepath.Join(testdata, "photos", shape+"_1.jpg"), DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n <= 8; n++ {
			path := filepath.Join(testdata, "photos", fmt.Sprintf("%s_%d.jpg", shape, n))
			d, err := Decode(path, DecodeOptions{})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			want := n
			if n == 0 {
				want = 1 // no orientation tag
			}
			if d.Info.Orientation != want {
				t.Errorf("%s: orientation %d, want %d", path, d.Info.Orientation, want)
			}
			if diff := meanDiff(t, ref.Image, d.Image); diff > 6 {
				t.Errorf("%s differs from %s_1 by %.1f per channel: not upright", path, shape, diff)
			}
			// The same file with orientation ignored is visibly different
			// (except for 1 and 0), so the comparison above can fail.
			if want != 1 {
				raw, err := Decode(path, DecodeOptions{NoOrientation: true})
				if err != nil {
					t.Fatal(err)
				}
				if raw.Image.Bounds().Size() == ref.Image.Bounds().Size() {
					if diff := meanDiff(t, ref.Image, raw.Image); diff < 12 {
						t.Errorf("%s without orientation is too close to upright (%.1f)", path, diff)
					}
				}
			}
		}
	}
}

// hostileWant is how each hostile file must end: "" means it converts.
var hostileWant = map[string]ErrorKind{
	"bad_crc_ihdr.png":                     ErrCorrupt,
	"bomb_gif_screen_65535.gif":            ErrTooLarge,
	"bomb_png_100000x100000_tiny_idat.png": ErrTooLarge,
	"bomb_png_20000x20000_full_gray.png":   ErrTooLarge,
	"corrupt_huffman.jpg":                  ErrCorrupt,
	"empty.jpg":                            ErrNotImage,
	"jpeg_sof_0x0.jpg":                     ErrZeroSize,
	"jpeg_sof_65500x65500.jpg":             ErrTooLarge,
	"png_zero_dims.png":                    ErrZeroSize,
	"text.png":                             ErrNotImage,
	"trunc_10pct.jpg":                      ErrTruncated,
	"trunc_50pct.jpg":                      ErrTruncated,
	"trunc_99pct.jpg":                      ErrTruncated,
}

var hostileMessages = map[string]string{
	"bomb_png_100000x100000_tiny_idat.png": "100000x100000 exceeds the 179 MP limit",
	"jpeg_sof_65500x65500.jpg":             "65500x65500 exceeds the 179 MP limit",
	"empty.jpg":                            "not an image",
	"text.png":                             "not an image",
	"trunc_50pct.jpg":                      "truncated JPEG",
	"bad_crc_ihdr.png":                     "corrupt PNG",
}

func TestHostileFilesConvertOrFailClearly(t *testing.T) {
	needTestdata(t)
	files, err := filepath.Glob(filepath.Join(testdata, "hostile", "*"))
	if err != nil || len(files) < 20 {
		t.Fatalf("hostile files: %v (%d)", err, len(files))
	}
	out := t.TempDir()
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=64x0"), Format: PNG, Naming: Naming{Dir: out}, OnExists: Rename})
	if err != nil {
		t.Fatal(err)
	}
	converted := 0
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, ".txt") {
			continue
		}
		res, err := p.Process(context.Background(), Source{Path: f, Rel: name}, nil)
		want, bad := hostileWant[name]
		switch {
		case !bad && err != nil:
			t.Errorf("%s: %v (want it converted)", name, err)
		case bad && err == nil:
			t.Errorf("%s converted; want %v", name, want)
		case bad && KindOf(err) != want:
			t.Errorf("%s: %v is %v, want %v", name, err, KindOf(err), want)
		case bad:
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != f {
				t.Errorf("%s: error %v does not name the file", name, err)
			}
			if msg := hostileMessages[name]; msg != "" && !strings.Contains(err.Error(), msg) {
				t.Errorf("%s: %q should say %q", name, err, msg)
			}
		default:
			converted++
			if _, err := os.Stat(res.Output); err != nil {
				t.Errorf("%s: no output: %v", name, err)
			}
			if res.Width != 64 {
				t.Errorf("%s: output %dx%d, want 64 wide", name, res.Width, res.Height)
			}
		}
		if bad {
			if _, err := os.Stat(filepath.Join(out, strings.TrimSuffix(name, filepath.Ext(name))+".png")); err == nil {
				t.Errorf("%s failed but left an output", name)
			}
		}
	}
	if converted != len(files)-1-len(hostileWant) {
		t.Errorf("converted %d files", converted)
	}
	assertNoTemp(t, out)
	if !raceEnabled {
		// The whole folder, bombs included, in well under 1 GiB: the pixel
		// limit stops the bombs before any pixel memory is allocated.
		runtime.GC()
		if hwm := peakRSS(t); hwm > 1<<30 {
			t.Errorf("peak memory %d MiB, want under 1 GiB", hwm>>20)
		} else {
			t.Logf("peak memory of the test process: %d MiB", hwm>>20)
		}
	}
}

func mustChain(t testing.TB, s string) Chain {
	t.Helper()
	c, err := ParseChain(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// peakRSS reads the process's high-water mark of resident memory.
func peakRSS(t *testing.T) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc: cannot read peak memory")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmHWM")
	return 0
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && IsTemp(d.Name()) {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}

func TestFormatsDecode(t *testing.T) {
	needTestdata(t)
	var files []string
	for _, dir := range []string{"formats/go-image", "formats/go-image/pngsuite", "formats/x-image"} {
		m, _ := filepath.Glob(filepath.Join(testdata, dir, "*"))
		files = append(files, m...)
	}
	files = raceSample(files)
	ok := 0
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.IsDir() || !HasImageExt(f) {
			continue
		}
		d, err := Decode(f, DecodeOptions{})
		name := filepath.Base(f)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Msg == "" {
				t.Errorf("%s: unclear error %v", name, err)
			}
			// The files that are broken on purpose, and TIFF variants x/image does not read.
			if !strings.Contains(name, "truncated") && !strings.Contains(name, "invalid") && !strings.Contains(name, "ccitt") &&
				!strings.Contains(name, "separate.dc") {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if d.Image.Bounds().Empty() {
			t.Errorf("%s: empty image", name)
		}
		ok++
		// Every decoded image encodes in every output format.
		for _, format := range []Format{JPEG, PNG, GIF, TIFF, BMP} {
			if err := Encode(discard{}, d.Image, EncodeOptions{Format: format}); err != nil {
				t.Errorf("%s as %s: %v", name, format, err)
			}
		}
	}
	want := 80
	if raceEnabled {
		want = 20 // every fourth file
	}
	if ok < want {
		t.Errorf("only %d format samples decoded", ok)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
