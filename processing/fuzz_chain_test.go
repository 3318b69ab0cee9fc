package processing

// Fuzz targets for what hostile input reaches: the filter-chain
// text and the preset JSON. "make fuzz" runs each
// for a minute, "make fuzz-short" briefly; a plain "go test" runs the seeds
// and every input a fuzzer has found (testdata/fuzz/<target>/), so whatever
// it finds stays a regression test once checked in.

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// FuzzParseChain parses filter-chain text: no panic; a parsed chain
// validates and compiles, its text form is a fixed point, and it survives a
// JSON round trip.
func FuzzParseChain(f *testing.F) {
	for _, s := range []string{
		"", "resize=1920x0,sharpen=0.8,grayscale",
		"resize=800x600:mode=fill:anchor=top:filter=catmullrom",
		"crop=100x50+10+20,crop=16/9:anchor=bottom,crop=300x200:anchor=left",
		"rotate=15:background=#000000,rotate=90,flip=v,flip=h,transpose,transverse",
		"blur=2.5,sharpen=1,brightness=-10,contrast=20,gamma=1.8,saturation=50,hue=-30,invert",
		"rotate=angle=15", " resize = 10x10 , blur=1e3", "resize=0x0", "crop=0/0", "resize=99999999999999999999x1",
		"resize=1x1:width=2", ",,,", "blur=NaN", "brightness=-Inf", "rotate=15:background=#zzz",
		"watermark='© Ann, 2026':size=3%:anchor=top-left", `watermark="it's: mine"`, "watermark='a''b';c'",
		"watermark=Tom's photos:effect=outline", "watermark= ' x ' :angle=-30", "watermark='open", "watermark='a'b",
		"canvas=1/1:border=2%,trim=5,autolevel=1%:mode=channels,smartcrop=10x10", "overlay=''", "canvas=border=1e9%",
	} {
		f.Add(s)
	}
	for _, k := range Kinds() {
		if st, err := NewStep(k.Name); err == nil {
			f.Add(st.String())
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseChain(text)
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("ParseChain(%q): %v (%T) is not a SpecError", text, err, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseChain(%q) accepted a chain that does not validate: %v", text, err)
		}
		p, err := c.Compile()
		if err != nil {
			t.Fatalf("ParseChain(%q) accepted a chain that does not compile: %v", text, err)
		}
		for _, size := range [][2]int{{1, 1}, {640, 480}, {1, 65535}} {
			if w, h, peak := p.OutputSize(size[0], size[1]); w < 0 || h < 0 || peak < 0 {
				t.Fatalf("%q on %v makes %dx%d (peak %d)", text, size, w, h, peak)
			}
		}
		canon := c.String()
		again, err := ParseChain(canon)
		if err != nil || again.String() != canon {
			t.Fatalf("%q reads as %q, which reads back as %q, %v", text, canon, again.String(), err)
		}
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("%q: marshal: %v", text, err)
		}
		var back Chain
		if err := json.Unmarshal(data, &back); err != nil || back.String() != canon {
			t.Fatalf("%q: JSON %s reads back as %q, %v", text, data, back.String(), err)
		}
	})
}

// FuzzParsePreset parses preset JSON: no panic; a parsed preset validates
// and reads back from its own JSON unchanged.
func FuzzParsePreset(f *testing.F) {
	for _, s := range []string{
		`{"name":"web","filters":[{"kind":"resize","params":{"width":1920,"height":0}},{"kind":"sharpen","params":{"sigma":0.8}}],"format":"jpeg","quality":85,"on_exists":"rename","suffix":"_web"}`,
		`{"filters":[{"kind":"invert","disabled":true}],"png_compression":"best","flat":true,"prefix":"x-"}`,
		`{"filters":[]}`, `{"filters":null}`, `{}`, `[]`, `null`, `{"filters":[{"kind":"blur","params":{"sigma":-2}}]}`,
		`{"filters":[],"quality":101}`, `{"filters":[],"colour":"red"}`, `{"filters":`, `{"filters":[]} trailing`,
		`{"filters":[{"kind":"blur","params":{"sigma":[1]}}]}`, "\xff\xfe{}",
	} {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile(filepath.Join(imgtest.Dir, "hostile", "text.png")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePreset(data)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("ParsePreset accepted an invalid preset: %v", err)
		}
		out, err := p.MarshalIndent()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := ParsePreset(out)
		if err != nil {
			t.Fatalf("a preset's own JSON is refused: %v\n%s", err, out)
		}
		again, _ := back.MarshalIndent()
		if string(again) != string(out) {
			t.Fatalf("round trip changed the preset:\n%s\n%s", out, again)
		}
	})
}
