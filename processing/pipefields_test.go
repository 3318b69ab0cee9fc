package processing

import (
	"context"
	"image"
	"sync"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// A step that writes text (issue 14's watermark) gets the file's fields:
// a kind with applyFile and uses, here one registered for the test that
// records the text it would draw. Process reads the EXIF because the step
// says it uses it, and hands each output's fields (with its size).
func TestStepsReceiveTheFilesFields(t *testing.T) {
	tmpl, err := ParseTemplate("© {artist} {year}, {width} px")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var drawn []string
	kindByName["testtext"] = &kind{
		info: KindInfo{Name: "testtext"},
		size: same,
		apply: func(values, image.Image) *image.NRGBA {
			t.Error("apply called for a kind with applyFile")
			return nil
		},
		applyFile: func(_ values, img image.Image, f *Fields) *image.NRGBA {
			mu.Lock()
			drawn = append(drawn, tmpl.Text(f))
			mu.Unlock()
			return toNRGBA(img)
		},
		uses: func(values) FieldSet { return tmpl.Uses() },
	}
	defer delete(kindByName, "testtext")

	photo := imgtest.WithTags(t, imgtest.Path(t, "photos", "Landscape_2.jpg"), "a.jpg", "-Artist=Ana Lima", "-DateTimeOriginal=2019:07:01 10:00:00")
	p, err := NewProcessor(Settings{Naming: Naming{Dir: t.TempDir()}, Outputs: []Output{
		{Chain: mustChain(t, "resize=300x0,testtext"), Naming: Naming{Dir: "a"}},
		{Chain: mustChain(t, "resize=100x0,testtext"), Naming: Naming{Dir: "b"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if p.uses&UsesEXIF == 0 {
		t.Fatalf("uses %b: the step's fields are not read", p.uses)
	}
	if _, err := p.Process(context.Background(), Source{Path: photo, Rel: "a.jpg"}, nil); err != nil {
		t.Fatal(err)
	}
	if len(drawn) != 2 || drawn[0] != "© Ana Lima 2019, 300 px" || drawn[1] != "© Ana Lima 2019, 100 px" {
		t.Errorf("drawn %q", drawn)
	}
}
