package processing

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

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
	imgtest.Testdata(t)
	files, err := filepath.Glob(filepath.Join(imgtest.Dir, "hostile", "*"))
	if err != nil || len(files) < 20 {
		t.Fatalf("hostile files: %v (%d)", err, len(files))
	}
	out := t.TempDir()
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=64x0"), Format: codec.PNG, Naming: Naming{Dir: out}, OnExists: Rename})
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
	if !imgtest.Race {
		// The whole folder, bombs included, in well under 1 GiB: the pixel
		// limit stops the bombs before any pixel memory is allocated.
		runtime.GC()
		if hwm := imgtest.PeakRSS(t); hwm > 1<<30 {
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

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && IsTemp(d.Name()) {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}
