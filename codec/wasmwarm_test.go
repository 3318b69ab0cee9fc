//go:build (!cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)) && nodynamic

package codec

import (
	"slices"
	"testing"
)

// Warm compiles the modules a batch will need, and only those: decoders by
// the inputs' extensions (in any case), encoders by the outputs' formats,
// SameFormat as For resolves it (HEIC becomes JPEG, AVIF stays AVIF).
func TestWarmCompilesWhatTheBatchNeeds(t *testing.T) {
	names := map[*wasmModule]string{heifModule: "heif", avifDecodeModule: "avif decoder", avifEncodeModule: "avif encoder"}
	for _, c := range []struct {
		inputs  []string
		outputs []Format
		want    []*wasmModule
	}{
		{[]string{"a.jpg", "b.png"}, []Format{JPEG, WEBP}, nil},
		{[]string{"a.jpg"}, []Format{AVIF}, []*wasmModule{avifEncodeModule}},
		{[]string{"a.jpg", "dir/IMG_1.HEIC"}, []Format{SameFormat}, []*wasmModule{heifModule}},
		{[]string{"x.hif", "y.heif"}, []Format{JPEG}, []*wasmModule{heifModule}},
		{[]string{"x.AVIF"}, []Format{SameFormat}, []*wasmModule{avifDecodeModule, avifEncodeModule}},
		{[]string{"x.avif"}, []Format{JPEG, PNG}, []*wasmModule{avifDecodeModule}},
		{[]string{"x.heic", "y.avif"}, []Format{JPEG, AVIF}, []*wasmModule{heifModule, avifDecodeModule, avifEncodeModule}},
		{nil, []Format{SameFormat}, nil},
	} {
		got := wasmModulesFor(c.inputs, c.outputs)
		if !slices.Equal(got, c.want) {
			var g, w []string
			for _, m := range got {
				g = append(g, names[m])
			}
			for _, m := range c.want {
				w = append(w, names[m])
			}
			t.Errorf("inputs %q, outputs %q: modules %q, want %q", c.inputs, c.outputs, g, w)
		}
	}
	Warm([]string{"x.heic", "y.avif"}, []Format{AVIF})
	for m, name := range names {
		if m.cm == nil || m.err != nil {
			t.Errorf("%s: not compiled by Warm (%v)", name, m.err)
		}
	}
}
