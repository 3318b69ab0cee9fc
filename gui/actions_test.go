package gui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/disintegration/imaging"
)

// previewAfter waits for the latest preview and returns its after image,
// nil when the chain has a problem.
func (h *harness) previewAfter(what string) *image.NRGBA {
	h.t.Helper()
	p := h.w.preview
	h.waitFor(what, 20*time.Second, func() bool { return p.shown == p.latest && p.before.Image != nil })
	if p.after.Image == nil {
		return nil
	}
	return imaging.Clone(p.after.Image)
}

func decodeSample(t *testing.T, name string) image.Image {
	t.Helper()
	img, err := imaging.Open(sample(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func samePixels(a, b *image.NRGBA) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Bounds().Size() == b.Bounds().Size() && bytes.Equal(a.Pix, b.Pix)
}

func writeTestPNG(t *testing.T, name string, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Each of the newer kinds is usable from the window: it is added from the
// list of kinds, its editors take its values (text, a file's path, lengths
// in pixels or per cent), and the preview follows each edit.
func TestNewKindsFromTheWindow(t *testing.T) {
	h := newHarness(t)
	src := imaging.Clone(decodeSample(t, "sunset-lake.jpg")) // 800x600
	// A copy in a frame of light and lighter squares, for trim: uniform
	// within 20%, not within 10%.
	frame := imaging.New(900, 700, color.White)
	for y := 0; y < 700; y++ {
		for x := 0; x < 900; x++ {
			if (x/10+y/10)%2 == 1 {
				frame.SetNRGBA(x, y, color.NRGBA{225, 225, 225, 255})
			}
		}
	}
	framed := imaging.Paste(frame, src, image.Pt(50, 50))
	framedFile := writeTestPNG(t, "framed.png", framed)
	logo := writeTestPNG(t, "logo.png", imaging.New(40, 20, color.NRGBA{255, 0, 0, 200}))
	h.dropAndWait(1, framedFile)
	before := h.previewAfter("the preview without steps")

	type edit struct {
		param, value string
		check        func(after *image.NRGBA) string // "" when right
	}
	size := func(w, h int) func(*image.NRGBA) string {
		return func(a *image.NRGBA) string {
			if s := a.Bounds().Size(); s != image.Pt(w, h) {
				return "size " + s.String()
			}
			return ""
		}
	}
	// The margins are gone: the 4:3 of the photo, not the 9:7 of the frame.
	trimmed := func(a *image.NRGBA) string {
		if r := float64(a.Bounds().Dx()) / float64(a.Bounds().Dy()); r < 1.31 || r > 1.36 {
			return "the preview is " + a.Bounds().Size().String() + ": the margins are still there"
		}
		return ""
	}
	for _, tc := range []struct {
		title string
		edits []edit // the last one of each makes a valid chain, the first one a change
	}{
		{"Watermark (text)", []edit{{"text", "© PicPool, 2026", nil}, {"size", "12%", nil}, {"anchor", "top-left", nil}}},
		{"Overlay (logo)", []edit{{"file", logo, nil}, {"size", "40%", nil}, {"tile", "true", nil}}},
		{"Canvas / border", []edit{{"aspect", "1/1", size(512, 512)}, {"background", "#000000", nil}, {"border", "5%", nil}}},
		{"Trim borders", []edit{{"tolerance", "20", trimmed}}},
		{"Auto levels", []edit{{"clip", "3", nil}, {"mode", "channels", nil}, {"whitebalance", "true", nil}}},
		{"Smart crop", []edit{{"width", "100", nil}, {"height", "100", size(100, 100)}, {"width", "160", size(160, 100)}}},
	} {
		card := h.addStep(tc.title)
		last := h.previewAfter(tc.title + " added")
		for _, e := range tc.edits {
			ctl := card.params[e.param]
			switch {
			case ctl.sel != nil:
				ctl.sel.SetSelected(e.value)
			case ctl.check != nil:
				test.Tap(ctl.check)
			default:
				typeInto(ctl.entry, e.value)
			}
			if msg := ctl.errorText(); msg != "" {
				t.Fatalf("%s: %s=%q shows %q", tc.title, e.param, e.value, msg)
			}
			after := h.previewAfter(tc.title + " after " + e.param)
			if after == nil {
				if tc.title != "Smart crop" || e.param != "width" || last != nil {
					t.Errorf("%s: after %s=%q the chain has a problem: %s", tc.title, e.param, e.value, h.w.preview.caption.Text)
				}
				continue // a smart crop needs its height too
			}
			if e.check != nil {
				if msg := e.check(after); msg != "" {
					t.Errorf("%s: after %s=%s: %s", tc.title, e.param, e.value, msg)
				}
			}
			if samePixels(after, last) {
				t.Errorf("%s: setting %s to %q did not change the preview", tc.title, e.param, e.value)
			}
			last = after
		}
		if last == nil || samePixels(last, before) {
			t.Errorf("%s: the preview is the image without the step", tc.title)
		}
		test.Tap(card.remove)
	}
}

// A file parameter has a button that opens a file picker; a file that does
// not exist is shown at the step, and the chain cannot run.
func TestFileParameterHasAPicker(t *testing.T) {
	h := newHarness(t)
	card := h.addStep("Overlay (logo)")
	file := card.params["file"]
	if file.browse == nil {
		t.Fatal("the logo's file has no picker button")
	}
	test.Tap(file.browse)
	if h.w.win.Canvas().Overlays().Top() == nil {
		t.Error("tapping … opened no file picker")
	}
	h.w.win.Canvas().Overlays().Top().Hide()
	typeInto(file.entry, filepath.Join(t.TempDir(), "missing.png"))
	if !card.problem.Visible() || !strings.Contains(card.problem.Text, "no such file") {
		t.Errorf("a missing logo: the step says %q", card.problem.Text)
	}
	if !strings.HasPrefix(h.w.chain.status.Text, "Cannot run") {
		t.Errorf("status %q", h.w.chain.status.Text)
	}
	if card.params["size"].slider != nil || card.params["size"].entry == nil {
		t.Error("a length (pixels or per cent) should be typed")
	}
}
