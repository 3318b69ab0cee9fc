package gui

import (
	"image"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// The colour setting shows "Convert to sRGB" by default, goes into presets
// and the last-used settings as "keep" when changed, comes back in the next
// window, and reaches the batch's settings.
func TestColorSettingReachesTheBatch(t *testing.T) {
	a := test.NewTempApp(t)
	eng := &recordingEngine{Real: NewEngine()}
	h := newEngineHarness(t, a, eng)
	w := h.w
	if w.color.mode.Selected != "Convert to sRGB" || !shows(w.color.obj, "Colour") {
		t.Fatalf("default %q; the part says %q", w.color.mode.Selected, texts(w.color.obj))
	}
	if p, _ := w.current(); p.Color != "" {
		t.Errorf("default preset colour %q, want empty", p.Color)
	}
	w.color.mode.SetSelected("Keep the profile") // what choosing it does
	if p, _ := w.current(); p.Color != "keep" {
		t.Errorf("preset colour %q, want keep", p.Color)
	}
	again := newEngineHarness(t, a, NewEngine())
	if got := again.w.color.mode.Selected; got != "Keep the profile" {
		t.Errorf("next window shows %q", got)
	}
	again.w.apply(processing.Preset{})
	if got := again.w.color.mode.Selected; got != "Convert to sRGB" {
		t.Errorf("a preset without colour shows %q", got)
	}
	again.w.Close()

	h.setUp("resize=120x0", 1)
	test.Tap(w.run.start)
	h.waitFor("the batch to start", 20*time.Second, func() bool { return w.run.run != nil })
	if s := eng.settings(); s.Processing.Color != codec.ColorKeep {
		t.Errorf("batch colour %q, want keep", s.Processing.Color)
	}
	h.waitFor("the batch to end", 60*time.Second, func() bool { return w.run.result != nil })
}

// The preview shows an Adobe RGB photo as it will come out: in sRGB.
func TestPreviewShowsSRGB(t *testing.T) {
	if !codec.ColorManaged {
		t.Skip("this build has no colour management")
	}
	dir := t.TempDir()
	src, adobe := filepath.Join(testdata, "photos", "Landscape_1.jpg"), filepath.Join(dir, "adobe.jpg")
	if msg, err := exec.Command("jpgicc", "-t1", "-e", "-o/usr/share/color/icc/colord/AdobeRGB1998.icc", src, adobe).CombinedOutput(); err != nil {
		t.Fatalf("jpgicc (make test installs liblcms2-utils and colord-data): %v\n%s", err, msg)
	}
	eng := NewEngine()
	orig, _, err := eng.PreviewBase(src, 200)
	if err != nil {
		t.Fatal(err)
	}
	shown, _, err := eng.PreviewBase(adobe, 200)
	if err != nil {
		t.Fatal(err)
	}
	d := meanDiff(orig, shown)
	t.Logf("mean difference from the sRGB original: %.2f levels (2.9 unconverted)", d)
	if d > 1 {
		t.Errorf("the Adobe RGB copy previews %.2f from the sRGB original", d)
	}
}

func meanDiff(a, b *image.NRGBA) float64 {
	var sum float64
	for i := range a.Pix {
		sum += math.Abs(float64(a.Pix[i]) - float64(b.Pix[i]))
	}
	return sum / float64(len(a.Pix))
}

// A photo with an Adobe RGB profile, run through the window with the
// default settings, comes out in sRGB: its pixels match the sRGB original's
// run the same way (left unconverted they are 2.9 levels off on average).
func TestWindowDefaultsConvertToSRGB(t *testing.T) {
	if !codec.ColorManaged {
		t.Skip("this build has no colour management")
	}
	in := t.TempDir()
	src := filepath.Join(testdata, "photos", "Landscape_1.jpg")
	if msg, err := exec.Command("jpgicc", "-t1", "-q95", "-e", "-o/usr/share/color/icc/colord/AdobeRGB1998.icc", src, filepath.Join(in, "adobe.jpg")).CombinedOutput(); err != nil {
		t.Fatalf("jpgicc (make test installs liblcms2-utils and colord-data): %v\n%s", err, msg)
	}
	h := newHarness(t)
	h.dropAndWait(1, in)
	out := t.TempDir()
	h.w.output.setFolder(out)
	h.w.output.format.SetSelected("bmp") // lossless, and quick under -race
	test.Tap(h.w.run.start)
	h.waitFor("the batch to end", 120*time.Second, func() bool { return h.w.run.result != nil })
	if s := *h.w.run.result; s.Done != 1 {
		t.Fatalf("summary %+v", s)
	}
	got, err := codec.Decode(filepath.Join(out, "adobe.bmp"), codec.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := codec.Decode(src, codec.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := meanDiff(imaging.Clone(got.Image), imaging.Clone(want.Image))
	t.Logf("output vs the sRGB original: %.2f levels", d)
	if d > 1 {
		t.Errorf("the output is %.2f levels from the sRGB original", d)
	}
}
