package gui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/processing"
)

// The new formats' options: each enabled for the formats it applies to,
// the quality showing each format's default until one is typed (the preset
// then says 0), and a preset's lossless, speed, one-frame AVIF, frames and
// pixel limit shown and given back.
func TestOutputFormatOptions(t *testing.T) {
	h := newHarness(t)
	o := h.w.output
	card := o.cards[0] // the one output: the options follow its format
	for _, tc := range []struct {
		format                          string
		quality                         string
		lossless, speed, frames, qualOn bool
	}{
		{"webp", "80", true, false, true, true},
		{"avif", "60", true, true, false, true},
		{"jpeg", "90", false, false, false, true},
		{"gif", "90", false, false, true, false},
		{"same", "90", true, true, true, true},
	} {
		card.format.SetSelected(tc.format)
		c := o.codecs
		if c.lossless.Disabled() == tc.lossless || c.speed.Disabled() == tc.speed || c.oneFrame.Disabled() == tc.speed || c.allFrames.Disabled() == tc.frames ||
			card.quality.entry.Disabled() == tc.qualOn {
			t.Errorf("%s: lossless %v, speed %v, one frame %v, frames %v, quality %v enabled", tc.format,
				!c.lossless.Disabled(), !c.speed.Disabled(), !c.oneFrame.Disabled(), !c.allFrames.Disabled(), !card.quality.entry.Disabled())
		}
		if card.quality.entry.Text != tc.quality {
			t.Errorf("%s: quality shows %q, want its default %s", tc.format, card.quality.entry.Text, tc.quality)
		}
		if p := o.preset(); p.Quality != 0 {
			t.Errorf("%s: an untouched quality gives %d, want 0 (the format's default)", tc.format, p.Quality)
		}
	}
	card.format.SetSelected("same") // every option enabled
	typeInto(card.quality.entry, "45")
	test.Tap(o.codecs.lossless)
	o.codecs.speed.SetSelected("6")
	test.Tap(o.codecs.oneFrame)
	test.Tap(o.codecs.allFrames)
	o.codecs.limit.SetSelected("300 MP")
	p := o.preset()
	want := processing.Preset{Format: "", Quality: 45, Lossless: true, Speed: 6, AVIFOneFrame: true, AllFrames: true, MaxPixels: 300_000_000}
	if p.Format != want.Format || p.Quality != want.Quality || p.Lossless != want.Lossless || p.Speed != want.Speed || p.AVIFOneFrame != want.AVIFOneFrame ||
		p.AllFrames != want.AllFrames || p.MaxPixels != want.MaxPixels {
		t.Errorf("the panel gives %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
	o.setPreset(processing.Preset{})
	if o.codecs.lossless.Checked || o.codecs.oneFrame.Checked || o.codecs.speed.SelectedIndex() != 0 || o.codecs.limit.SelectedIndex() != 0 || o.cards[0].quality.entry.Text != "90" {
		t.Error("an empty preset does not reset the options")
	}
	o.setPreset(want)
	if got := o.preset(); got.Quality != 45 || got.Speed != 6 || got.MaxPixels != 300_000_000 || !got.Lossless || !got.AVIFOneFrame || !got.AllFrames {
		t.Errorf("a preset shown and read back: %+v", got)
	}
	o.setPreset(processing.Preset{MaxPixels: -1})
	if got := o.preset(); got.MaxPixels != -1 || o.codecs.limit.Selected != "no limit" {
		t.Errorf("no limit shown as %q, read back as %d", o.codecs.limit.Selected, got.MaxPixels)
	}
}
