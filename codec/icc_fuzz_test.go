package codec

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// FuzzParseICC gives ParseICC any bytes: it never panics, refuses with an
// ICCError or describes a profile no larger than its input; and a profile it
// finds convertible is handed to lcms2 (in builds that have it) to convert a
// small image of the matching kind, which must not crash either: whatever
// the parser lets through, lcms2 can take.
func FuzzParseICC(f *testing.F) {
	f.Add(SRGBProfile())
	f.Add(SGrayProfile())
	f.Add(imgtest.LUTProfile())
	for _, c := range hostileProfiles() {
		f.Add(c.data)
	}
	seeds, _ := filepath.Glob(filepath.Join(imgtest.ICCDir, "*", "*.icc"))
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil && len(data) <= 64<<10 {
			f.Add(data)
		}
	}
	cv := NewColorConverter()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseICC(data)
		if err != nil {
			var ie *ICCError
			if !errors.As(err, &ie) || ie.Msg == "" {
				t.Fatalf("error %v (%T) is not an ICCError", err, err)
			}
			return
		}
		if p.Size > len(data) || len(p.Bytes()) != p.Size || p.String() == "" {
			t.Fatalf("profile of %d bytes from %d: %v", p.Size, len(data), p)
		}
		if p.Convertible() != nil {
			return
		}
		var img image.Image
		switch p.ColorSpace {
		case "CMYK":
			img = image.NewCMYK(image.Rect(0, 0, 4, 4))
		case "GRAY":
			img = image.NewGray(image.Rect(0, 0, 4, 4))
		default:
			img = image.NewNRGBA(image.Rect(0, 0, 4, 4))
		}
		out, err := cv.ToSRGB(img, p)
		if err == nil && out.Bounds() != img.Bounds() {
			t.Fatalf("converted %v into %v", img.Bounds(), out.Bounds())
		}
	})
}
