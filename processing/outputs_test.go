package processing

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// webThumbArchive is the example: a shared head, then a web copy,
// a square thumbnail and an untouched archive copy.
func webThumbArchive(t *testing.T, out string) Settings {
	return Settings{
		Chain:  mustChain(t, "sharpen=0.5"),
		Naming: Naming{Dir: out},
		Outputs: []Output{
			{Label: "web", Chain: mustChain(t, "resize=600x0"), Format: codec.JPEG, Quality: 85, Naming: Naming{Dir: "web"}},
			{Chain: mustChain(t, "resize=96x96:mode=fill"), Format: codec.PNG, Naming: Naming{Dir: "thumbs", Template: "{name}_t"}},
			{Format: codec.JPEG, Quality: 95, Naming: Naming{Dir: "archive", Flat: true}},
		},
	}
}

// One input, three outputs: decoded once, the head applied once, and each
// output exactly what a batch of that output alone (head + tail as one
// chain) makes, byte for byte.
func TestOutputsShareOneDecodeAndMatchSingleRuns(t *testing.T) {
	src := Source{Path: imgtest.Path(t, "photos", "Portrait_6.jpg"), Rel: filepath.Join("trip", "Portrait_6.jpg")}
	out := t.TempDir()
	p, err := NewProcessor(webThumbArchive(t, out))
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	var told []OutputResult
	res, err := p.Run(context.Background(), Job{Source: src,
		Stage: func(s string) error { stages = append(stages, s); return nil },
		Output: func(o OutputResult) {
			// Told as each is finished, before the next starts.
			for _, later := range p.outs[o.Index+1:] {
				if matches := filesUnder(later.Naming.Dir); len(matches) > 0 {
					t.Errorf("output %d told after a later output was written: %v", o.Index, matches)
				}
			}
			told = append(told, o)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(stages, ","); got != "decoding,filtering,encoding,writing,filtering,encoding,writing,filtering,encoding,writing" {
		t.Errorf("stages %s: want one decode and one head", got)
	}
	wantFiles := []string{filepath.Join(out, "web", "trip", "Portrait_6.jpg"), filepath.Join(out, "thumbs", "trip", "Portrait_6_t.png"), filepath.Join(out, "archive", "Portrait_6.jpg")}
	if len(res.Outputs) != 3 || len(told) != 3 {
		t.Fatalf("%d outputs in the result, %d told", len(res.Outputs), len(told))
	}
	sizes := [][2]int{{600, 900}, {96, 96}, {1200, 1800}}
	var total int64
	for i, o := range res.Outputs {
		if o.Err != nil || o.Output != wantFiles[i] || o.Width != sizes[i][0] || o.Height != sizes[i][1] || told[i].Output != o.Output {
			t.Errorf("output %d: %+v, want %s at %v", i, o, wantFiles[i], sizes[i])
		}
		total += o.BytesOut
	}
	if res.Output != wantFiles[0] || res.BytesOut != total || res.Outputs[0].Quality != 85 || res.Outputs[1].Quality != 0 {
		t.Errorf("result %+v", res)
	}
	// The same, one output at a time, with the head and tail as one chain.
	for i, o := range webThumbArchive(t, "").Outputs {
		single := t.TempDir()
		sp, err := NewProcessor(Settings{Chain: append(mustChain(t, "sharpen=0.5"), o.Chain...), Format: o.Format, Quality: o.Quality,
			Naming: Naming{Dir: single, Template: o.Naming.Template, Flat: o.Naming.Flat}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := sp.Process(context.Background(), src, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(r.Output)
		b, _ := os.ReadFile(wantFiles[i])
		if !bytes.Equal(a, b) {
			t.Errorf("output %d differs from a single-output run of the same chain", i)
		}
	}
	assertNoTemp(t, out)
}

// Shrink-on-load serves every output: decoded once at the largest scale
// any output needs, each output still exactly its size.
func TestOutputsShrinkOnLoadForTheLargest(t *testing.T) {
	src := Source{Path: imgtest.Path(t, "photos", "Landscape_1.jpg"), Rel: "Landscape_1.jpg"}
	out := t.TempDir()
	p, err := NewProcessor(Settings{Naming: Naming{Dir: out}, Outputs: []Output{
		{Chain: mustChain(t, "resize=100x0"), Format: codec.PNG, Naming: Naming{Template: "{name}_s"}},
		{Chain: mustChain(t, "resize=700x0"), Format: codec.PNG, Naming: Naming{Template: "{name}_m"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []int{100, 700} {
		if o := res.Outputs[i]; o.Width != w || o.Height != (w*2+1)/3 {
			t.Errorf("output %d: %dx%d", i, o.Width, o.Height)
		}
	}
	// Each as a batch of its own: the same bytes (the shared decode was at
	// the scale the larger one needed, the smaller one's resize made up the rest).
	for i, chain := range []string{"resize=100x0", "resize=700x0"} {
		sp, _ := NewProcessor(Settings{Chain: mustChain(t, chain), Format: codec.PNG, Naming: Naming{Dir: t.TempDir()}})
		r, err := sp.Process(context.Background(), src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := imgtest.MeanDiff(t, decodeFile(t, r.Output), decodeFile(t, res.Outputs[i].Output)); d > 1.0 {
			t.Errorf("output %d: mean difference %.2f from its single run", i, d)
		}
	}
}

// Outputs that would write the same file, bad folders and bad templates
// are refused before any file is read, naming the output.
func TestOutputsRefusedBeforeAnyFile(t *testing.T) {
	for _, c := range []struct {
		outs []Output
		says string
	}{
		{[]Output{{Naming: Naming{Dir: "web"}}, {Chain: mustChain(t, "resize=10x0"), Naming: Naming{Dir: "web"}}},
			"outputs 1 (web) and 2 (web) would write the same file"},
		{[]Output{{Format: codec.JPEG}, {Label: "copy"}}, // "same" keeps a JPEG a JPEG
			"outputs 1 (output 1) and 2 (copy) would write the same file"},
		{[]Output{{Naming: Naming{Template: "{date}"}}, {Naming: Naming{Template: "{date}"}, Chain: mustChain(t, "grayscale")}},
			"would write the same file"},
		{[]Output{{Naming: Naming{Dir: "web", Flat: true}}, {Naming: Naming{Dir: "web"}, Chain: mustChain(t, "grayscale")}},
			"out/web/x.jpg for an input x.jpg"}, // the same for inputs at the top of their folder
		{[]Output{{Naming: Naming{Dir: "../up"}}}, `folder "../up": give a folder inside the output folder`},
		{[]Output{{Naming: Naming{Dir: "/abs"}}}, `folder "/abs"`},
		{[]Output{{Label: "t", Naming: Naming{Template: "{name}_{size}"}}}, "output 1 (t): name: template"},
		{[]Output{{Label: "t", Chain: mustChain(t, "blur=2"), Quality: 101}}, "output 1 (t): quality 101"},
		{[]Output{{Size: SizeTarget{Max: 1000, MinQuality: 95}, Quality: 80}}, "floor quality 95 is above the quality 80"},
	} {
		_, err := NewProcessor(Settings{Naming: Naming{Dir: "out"}, Outputs: c.outs})
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%+v: %v, want %q", c.outs, err, c.says)
		}
	}
	// Different sizes in the name are different files: not refused.
	if _, err := NewProcessor(Settings{Outputs: []Output{
		{Chain: mustChain(t, "resize=100x0"), Naming: Naming{Template: "{name}_{width}"}},
		{Chain: mustChain(t, "resize=200x0"), Naming: Naming{Template: "{name}_{width}"}},
	}}); err != nil {
		t.Error(err)
	}
}

// -on-exists and Only apply per output: an existing web copy is skipped
// (not decoded for), the thumbnail is made; a job may ask for one output.
func TestOutputsPolicyAndOnlyPerOutput(t *testing.T) {
	src := Source{Path: imgtest.Path(t, "photos", "Landscape_3.jpg"), Rel: "Landscape_3.jpg"}
	out := t.TempDir()
	s := webThumbArchive(t, out)
	p, err := NewProcessor(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(context.Background(), Job{Source: src, Only: []int{1}})
	if err != nil || len(res.Outputs) != 1 || res.Outputs[0].Index != 1 || res.Output != filepath.Join(out, "thumbs", "Landscape_3_t.png") {
		t.Fatalf("Only [1]: %+v, %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(out, "web", "Landscape_3.jpg")); err == nil {
		t.Error("Only [1] made the web copy")
	}
	// Now everything: the thumbnail exists (skipped), the others are made.
	res, err = p.Process(context.Background(), src, nil)
	if err != nil {
		t.Fatalf("one output skipped, two made: %v", err)
	}
	kinds := []ErrorKind{KindOf(res.Outputs[0].Err), KindOf(res.Outputs[1].Err), KindOf(res.Outputs[2].Err)}
	if res.Outputs[0].Err != nil || kinds[1] != ErrExists || res.Outputs[2].Err != nil {
		t.Errorf("errors %v", []error{res.Outputs[0].Err, res.Outputs[1].Err, res.Outputs[2].Err})
	}
	// Again: all three exist, the file is skipped before decoding.
	var stages []string
	res, err = p.Process(context.Background(), src, func(s string) error { stages = append(stages, s); return nil })
	if KindOf(err) != ErrExists || len(stages) != 1 {
		t.Errorf("all exist: %v after stages %v", err, stages)
	}
	// Rename for the web copy only: it gets -1, the others are skipped.
	s.Outputs[0].OnExists = Rename
	p, _ = NewProcessor(s)
	res, err = p.Process(context.Background(), src, nil)
	if err != nil || res.Output != filepath.Join(out, "web", "Landscape_3-1.jpg") || KindOf(res.Outputs[2].Err) != ErrExists {
		t.Errorf("rename: %+v, %v", res, err)
	}
}

// A failure of one output (its name, its size target) leaves the others
// made; the file's error is that output's.
func TestOutputFailureLeavesTheOthers(t *testing.T) {
	src := Source{Path: imgtest.Path(t, "photos", "Landscape_2.jpg"), Rel: "Landscape_2.jpg"}
	out := t.TempDir()
	p, err := NewProcessor(Settings{Naming: Naming{Dir: out}, Outputs: []Output{
		{Label: "by camera", Naming: Naming{Dir: "cam", Template: "{camera}"}}, // the photo has no camera in its EXIF
		{Label: "tiny", Chain: mustChain(t, "resize=400x0"), Format: codec.JPEG, Naming: Naming{Dir: "tiny"}, Size: SizeTarget{Max: 2000, NoScale: true}},
		{Label: "ok", Chain: mustChain(t, "resize=100x0"), Naming: Naming{Dir: "ok"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(context.Background(), src, nil)
	if !strings.Contains(err.Error(), "gives an empty name") {
		t.Errorf("file error %v, want the first failure's", err)
	}
	if e := res.Outputs[1].Err; KindOf(e) != ErrOverSize || !strings.Contains(e.Error(), "cannot make it 2 KB or less") {
		t.Errorf("tiny: %v", e)
	}
	if res.Outputs[2].Err != nil || res.Outputs[2].Width != 100 {
		t.Errorf("ok: %+v", res.Outputs[2])
	}
	assertNoTemp(t, out)
}

func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	d, err := codec.Decode(path, codec.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Image
}

// filesUnder lists the files below dir.
func filesUnder(dir string) []string {
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	return files
}

// The text form of an output: values may hold a chain, a quoted value may
// hold ";", flat and only-if-smaller may stand alone; mistakes say which
// key.
func TestParseOutputSpec(t *testing.T) {
	o, err := ParseOutputSpec(" dir=thumbs ; filters=resize=256x256:mode=fill,sharpen=0.5;name='{name};t';flat;only-if-smaller=false;max-size=300KB;quality=80")
	if err != nil {
		t.Fatal(err)
	}
	if o.Dir != "thumbs" || o.Filters.String() != "resize=256x256:mode=fill,sharpen=0.5" || o.NameTemplate != "{name};t" ||
		o.Flat == nil || !*o.Flat || o.OnlyIfSmaller == nil || *o.OnlyIfSmaller || o.MaxSize != "300KB" || o.Quality != 80 {
		t.Errorf("%+v", o)
	}
	for spec, says := range map[string]string{
		"dir=a;dir=b":     "dir is given twice",
		"size=1":          `unknown key "size"`,
		"quality=high":    "quality=high",
		"flat=maybe":      "flat=maybe",
		"name='{name}":    "has no closing",
		"filters=blur=-1": `parameter "sigma"`,
		"label=":          "label has no value",
	} {
		if _, err := ParseOutputSpec(spec); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want %q", spec, err, says)
		}
	}
}

// Two outputs of a photo with a profile share the head's image; the colour
// conversion that waits for the filters runs on each output's own pixels,
// so the second is converted once, not twice: both have the same colours.
func TestOutputsConvertColoursOnce(t *testing.T) {
	if !codec.ColorManaged {
		t.Skip("this build has no colour management")
	}
	photo := imgtest.Tagged(t, t.TempDir(), "jpeg") // Adobe RGB
	out := t.TempDir()
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=300x0"), Naming: Naming{Dir: out}, Outputs: []Output{
		{Format: codec.PNG, Naming: Naming{Dir: "a"}},
		{Format: codec.PNG, Naming: Naming{Dir: "b"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(context.Background(), Source{Path: photo, Rel: "x.jpg"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Color, "to sRGB") {
		t.Fatalf("not converted: %q", res.Color)
	}
	a, b := decodeFile(t, res.Outputs[0].Output), decodeFile(t, res.Outputs[1].Output)
	if d := imgtest.MeanDiff(t, a, b); d != 0 {
		t.Errorf("the outputs differ by %.2f: one was converted twice", d)
	}
}
