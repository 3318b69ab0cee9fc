package codec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

func TestPhotosComeOutUpright(t *testing.T) {
	imgtest.Testdata(t)
	for _, shape := range []string{"Landscape", "Portrait"} {
		ref, err := Decode(filepath.Join(imgtest.Dir, "photos", shape+"_1.jpg"), DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n <= 8; n++ {
			path := filepath.Join(imgtest.Dir, "photos", fmt.Sprintf("%s_%d.jpg", shape, n))
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
			if diff := imgtest.MeanDiff(t, ref.Image, d.Image); diff > 6 {
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
					if diff := imgtest.MeanDiff(t, ref.Image, raw.Image); diff < 12 {
						t.Errorf("%s without orientation is too close to upright (%.1f)", path, diff)
					}
				}
			}
		}
	}
}

func TestFormatsDecode(t *testing.T) {
	imgtest.Testdata(t)
	var files []string
	for _, dir := range []string{"formats/go-image", "formats/go-image/pngsuite", "formats/x-image"} {
		m, _ := filepath.Glob(filepath.Join(imgtest.Dir, dir, "*"))
		files = append(files, m...)
	}
	files = imgtest.Sample(files)
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
	if imgtest.Race {
		want = 20 // every fourth file
	}
	if ok < want {
		t.Errorf("only %d format samples decoded", ok)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
