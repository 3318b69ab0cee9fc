package processing

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// A watermark's text is a template: "© {artist} {year}" is drawn with the
// file's EXIF artist and year, and each output's size; Process reads the
// EXIF because the step uses it. Shown by the pixels: the output is the
// same as the one of a watermark whose text is written out.
func TestWatermarkTextGetsTheFilesFields(t *testing.T) {
	photo := imgtest.WithTags(t, imgtest.Path(t, "photos", "Landscape_2.jpg"), "a.jpg", "-Artist=Ana Lima", "-DateTimeOriginal=2019:07:01 10:00:00")
	run := func(chain string) []byte {
		t.Helper()
		p, err := NewProcessor(Settings{Chain: mustChain(t, chain), Naming: Naming{Dir: t.TempDir()}})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.uses&UsesEXIF != 0; got != bytes.Contains([]byte(chain), []byte("{artist}")) {
			t.Errorf("%s: EXIF read %v", chain, got)
		}
		res, err := p.Process(context.Background(), Source{Path: photo, Rel: "a.jpg"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(res.Output)
		return data
	}
	fields := run("resize=300x0,watermark='© {artist} {year}, {width} px':size=10%")
	literal := run("resize=300x0,watermark='© Ana Lima 2019, 300 px':size=10%")
	raw := run("resize=300x0,watermark='© Ann Other 2019, 300 px':size=10%")
	if !bytes.Equal(fields, literal) {
		t.Error("the watermark with fields differs from the one written out")
	}
	if bytes.Equal(fields, raw) {
		t.Error("the test cannot tell texts apart")
	}
}
