package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// A web copy and a thumbnail of every photo in one run: -filters is the
// shared head, each -output its own tail, format, folder and name; the
// report has one record per output; a size target gives the quality it
// reached (portraits, 600x900, are also scaled down to fit 40 KB).
func TestRunWebAndThumbnailOutputs(t *testing.T) {
	out := t.TempDir()
	reportPath := filepath.Join(t.TempDir(), "r.json")
	code, _, stderr := run(t, "run", "-out", out, "-filters", "sharpen=0.5", "-quality", "90", "-report", reportPath, "-quiet",
		"-output", "dir=web;filters=resize=600x0;format=jpeg;max-size=40KB",
		"-output", "label=thumb;dir=thumbs;filters=resize=96x96:mode=fill;format=png;name={name}_t",
		filepath.Join(testdata, "photos"))
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rep := readReport(t, reportPath)
	if rep.Summary.Total != 18 || rep.Summary.Done != 18 || len(rep.Records) != 2+2*18 {
		t.Fatalf("summary %+v, %d records", rep.Summary, len(rep.Records))
	}
	perOutput := map[string]int{}
	for _, r := range rep.Records {
		if r.Status == "ignored" {
			continue
		}
		perOutput[r.OutputName]++
		st, err := os.Stat(r.Output)
		if r.Status != "done" || err != nil || st.Size() != r.BytesOut {
			t.Errorf("%+v: %v", r, err)
			continue
		}
		base := strings.TrimSuffix(filepath.Base(r.Input), ".jpg")
		switch r.OutputName {
		case "web":
			if r.Output != filepath.Join(out, "web", base+".jpg") || r.Width > 600 || r.Width < 300 || r.BytesOut > 40<<10 || r.Quality < processing.DefaultMinQuality || r.Quality > 90 {
				t.Errorf("web record %+v", r)
			}
		case "thumb":
			if r.OutputIndex != 1 || r.Output != filepath.Join(out, "thumbs", base+"_t.png") || r.Width != 96 || r.Height != 96 || r.Quality != 0 {
				t.Errorf("thumb record %+v", r)
			}
		}
	}
	if perOutput["web"] != 18 || perOutput["thumb"] != 18 {
		t.Errorf("records per output: %v", perOutput)
	}
}

// Bad outputs and templates are refused before any file is read (exit 2,
// nothing written), naming the problem.
func TestOutputUsageErrors(t *testing.T) {
	out := t.TempDir()
	photos := filepath.Join(testdata, "photos")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-output", "dir=a", "-output", "dir=a;filters=grayscale"}, "outputs 1 (a) and 2 (a) would write the same file"},
		{[]string{"-output", "dir=a;colour=red"}, `output 1: unknown key "colour"`},
		{[]string{"-output", "dir=a;filters=resize=10x10,blur=-3"}, `filters=resize=10x10,blur=-3: step 2 (blur)`},
		{[]string{"-output", "name="}, "name has no value"},
		{[]string{"-name", "{name}_{camra}"}, "unknown field {camra}"},
		{[]string{"-name", "{date"}, `character 1: a "{" without its "}"`},
		{[]string{"-name", ""}, "-name: the template is empty"},
		{[]string{"-name", "../{name}"}, `".." cannot be a folder`},
		{[]string{"-output", "dir=../x"}, `folder "../x"`},
		{[]string{"-max-size", "small"}, `max size "small"`},
		{[]string{"-too-big", "shrug", "-max-size", "1MB"}, `too big "shrug"`},
		{[]string{"-output", "dir=t;quality=80;min-quality=90;max-size=1MB"}, "floor quality 90 is above the quality 80"},
	} {
		code, _, stderr := run(t, append(append([]string{"run", "-out", out}, tc.args...), photos)...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want %q", tc.args, code, stderr, tc.want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("refused runs wrote files: %v", entries)
	}
}

// A dated name template with a counter in natural order (img_2 before
// img_10), and the file's time when EXIF has no date.
func TestRunNameTemplate(t *testing.T) {
	src := t.TempDir()
	data, _ := os.ReadFile(filepath.Join(testdata, "photos", "Landscape_1.jpg"))
	for _, n := range []string{"img_10", "img_2", "img_1"} {
		os.WriteFile(filepath.Join(src, n+".jpg"), data, 0o644)
	}
	out := t.TempDir()
	code, _, stderr := run(t, "run", "-out", out, "-filters", "resize=64x0", "-name", "{date:2006}_{n:03}_{name}", "-quiet", src)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	st, _ := os.Stat(filepath.Join(src, "img_1.jpg"))
	year := st.ModTime().Format("2006")
	for _, want := range []string{year + "_001_img_1.jpg", year + "_002_img_2.jpg", year + "_003_img_10.jpg"} {
		if _, err := os.Stat(filepath.Join(out, want)); err != nil {
			t.Errorf("%s missing: %v", want, err)
		}
	}
}

// A preset with outputs (a web + thumbnail preset, as the README shows),
// and an explicit -format that every output takes.
func TestPresetWithOutputs(t *testing.T) {
	dir := t.TempDir()
	preset := filepath.Join(dir, "web-thumbs.json")
	if err := os.WriteFile(preset, []byte(`{
  "name": "web + thumbnail",
  "filters": [{"kind": "sharpen", "params": {"sigma": 0.5}}],
  "format": "jpeg",
  "quality": 85,
  "outputs": [
    {"dir": "web", "filters": [{"kind": "resize", "params": {"width": 500, "height": 0}}]},
    {"dir": "thumbs", "filters": [{"kind": "resize", "params": {"width": 64, "height": 64, "mode": "fill"}}], "name_template": "{name}_t", "quality": 70}
  ]
}`), 0o644); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(testdata, "photos", "Portrait_8.jpg")
	for _, c := range []struct {
		extra []string
		ext   string
	}{{nil, ".jpg"}, {[]string{"-format", "png"}, ".png"}} {
		out := filepath.Join(dir, "out"+c.ext)
		code, _, stderr := run(t, append(append([]string{"run", "-out", out, "-preset", preset}, c.extra...), photo)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", c.extra, code, stderr)
		}
		for file, width := range map[string]int{"web/Portrait_8" + c.ext: 500, "thumbs/Portrait_8_t" + c.ext: 64} {
			d, err := codec.Decode(filepath.Join(out, filepath.FromSlash(file)), codec.DecodeOptions{})
			if err != nil || d.Info.Width != width {
				t.Errorf("%v: %s: %v", c.extra, file, err)
			}
		}
	}
}
