package gui

import (
	"testing"
	"time"
)

// The preview shows the selected input before and after the chain on a
// shrunk copy, computed off the UI goroutine and redone when a parameter
// changes; a result that is no longer the latest request is dropped.
func TestPreviewFollowsTheChain(t *testing.T) {
	h := newHarness(t)
	p := h.w.preview
	h.dropAndWait(1, sample(t, "sunset-lake.jpg"))
	card := h.addStep("Resize")
	typeInto(card.params["width"].entry, "100")
	h.waitFor("a preview", 20*time.Second, func() bool { return p.shown == p.latest && p.after.Image != nil })
	if b := p.before.Image.Bounds(); max(b.Dx(), b.Dy()) != previewSide {
		t.Errorf("before is %v, want its longest side %d", b, previewSide)
	}
	if w := p.after.Image.Bounds().Dx(); w != 100 {
		t.Errorf("after is %d wide, want 100", w)
	}
	if !shows(p.caption, "sunset-lake.jpg · 800×600 to 100×75") {
		t.Errorf("caption %q", p.caption.Text)
	}

	// Several quick edits: only the last one is shown.
	for _, v := range []string{"150", "200", "64"} {
		typeInto(card.params["width"].entry, v)
	}
	h.waitFor("the last preview", 20*time.Second, func() bool { return p.shown == p.latest })
	if w := p.after.Image.Bounds().Dx(); w != 64 {
		t.Errorf("after is %d wide, want 64 (the last edit)", w)
	}

	// An invalid chain keeps the before image and says what is wrong.
	typeInto(card.params["width"].entry, "x")
	h.waitFor("the problem", 20*time.Second, func() bool { return p.shown == p.latest })
	if p.after.Image != nil || p.before.Image == nil || !shows(p.caption, "the chain has a problem") {
		t.Errorf("invalid chain: caption %q", p.caption.Text)
	}
}
