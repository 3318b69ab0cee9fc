package processing

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
)

// FuzzTemplate: any template and any EXIF values: no panic; a template
// that Naming accepts names a file inside the output folder, whatever the
// file holds; the text form of an -output reads without a panic.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"{name}", "{date:2006-01-02}_{n:04}", "{camera}/{lens}/{name}", "{{}}", "{n::5}", "a/{artist}/b", "{", "}", "{date:../..}"} {
		f.Add(s, "../../x", "..", "\x00/\\")
	}
	f.Fuzz(func(t *testing.T, text, camera, lens, artist string) {
		ParseOutputSpec(text)
		n, err := Naming{Dir: "out", Template: text}.compile()
		if err != nil {
			return
		}
		fields := &Fields{Name: "x", Ext: "jpg", Folder: "in", Camera: camera, Lens: lens, Artist: artist, Copyright: camera,
			Date: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Width: 10, Height: 20}
		target := n.target(Source{Path: "in/x.jpg", Rel: "x.jpg"}, codec.PNG, 0, fields)
		rel, err := filepath.Rel("out", target)
		if err != nil || !filepath.IsLocal(rel) || strings.ContainsRune(target, 0) {
			t.Fatalf("template %q with %q, %q, %q names %q: outside the output folder", text, camera, lens, artist, target)
		}
	})
}
