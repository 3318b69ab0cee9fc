//go:build (!cgo || picpool_purego || picpool_wasmcodecs) && nodynamic

package codec

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// With -tags nodynamic (what make test and the packages use), the builds
// without the C libraries run the WebAssembly modules, whatever shared
// libraries the machine has, and say so; the module versions named are
// those go.mod pins. -tags picpool_static_webp (the packages) keeps libwebp
// itself for WebP, -tags picpool_static_heif (the Windows app, the
// tarball) libheif for HEIC and AVIF.
func TestWebAssemblyCodecsRun(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		name, codec string
		native      bool   // linked in through cgo by a tag of this build
		lib, tag    string // the library linked in, and its tag
	}{
		{"heic", HEIFCodec, nativeHEIF, "libheif", "picpool_static_heif"},
		{"avif", AVIFCodec, nativeHEIF, "libheif", "picpool_static_heif"}, // libheif decodes and encodes AVIF too
		{"webp", WebPCodec, nativeWebP, "libwebp", "picpool_static_webp"},
	} {
		name, c := k.name, k.codec
		if k.native {
			if !strings.HasPrefix(c, k.lib+" ") || !strings.HasSuffix(c, " (cgo)") {
				t.Errorf("%s codec: %q, want %s through cgo (-tags %s)", name, c, k.lib, k.tag)
			}
			continue
		}
		if !strings.Contains(c, "(WebAssembly: github.com/gen2brain/"+name+" ") {
			t.Errorf("%s codec: %q", name, c)
		}
		pinned := regexp.MustCompile(`github.com/gen2brain/` + name + ` (v[0-9.]+)`).FindSubmatch(mod)
		if pinned == nil || !strings.Contains(c, name+" "+string(pinned[1])+",") {
			t.Errorf("%s codec %q: go.mod pins %q", name, c, pinned)
		}
	}
}
