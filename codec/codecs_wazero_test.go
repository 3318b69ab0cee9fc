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
// itself for WebP.
func TestWebAssemblyCodecsRun(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]string{"heic": HEIFCodec, "avif": AVIFCodec, "webp": WebPCodec} {
		if name == "webp" && nativeWebP {
			if !strings.HasPrefix(c, "libwebp ") || !strings.HasSuffix(c, " (cgo)") {
				t.Errorf("webp codec: %q, want libwebp through cgo (-tags picpool_static_webp)", c)
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
