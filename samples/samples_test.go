package samples

import (
	"image"
	_ "image/jpeg"
	"os"
	"testing"
)

func TestExtractWritesDecodableJPEGs(t *testing.T) {
	paths, err := Extract(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 6 || len(paths) > 8 {
		t.Fatalf("got %d samples, want 6 to 8", len(paths))
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if format != "jpeg" || cfg.Width*cfg.Height != 800*600 {
			t.Errorf("%s: %s %dx%d, want an 800x600 or 600x800 JPEG", p, format, cfg.Width, cfg.Height)
		}
	}
}
