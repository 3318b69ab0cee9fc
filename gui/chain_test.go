package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// A chain is built by tapping "Add step" and typing values; every control
// comes from the kind's metadata, invalid values are shown at the control
// (never clamped) and keep the batch from starting.
func TestBuildChainByTappingAndTyping(t *testing.T) {
	h := newHarness(t)
	c := h.w.chain

	resize := h.addStep("Resize")
	if !resize.problem.Visible() || !strings.Contains(resize.problem.Text, "cannot both be 0") {
		t.Errorf("a new resize step should say it needs a size, says %q", resize.problem.Text)
	}
	if !strings.HasPrefix(c.status.Text, "Cannot run") {
		t.Errorf("status = %q", c.status.Text)
	}
	if resize.params["width"].slider != nil {
		t.Error("a width in pixels (0..65535) should be typed, not slid")
	}
	typeInto(resize.params["width"].entry, "320")
	if resize.problem.Visible() || c.steps[0].Params["width"] != "320" {
		t.Errorf("after typing a width: problem %q, params %v", resize.problem.Text, c.steps[0].Params)
	}

	blur := h.addStep("Blur")
	sigma := blur.params["sigma"]
	if sigma.slider == nil {
		t.Fatal("sigma (0.01..100) should have a slider")
	}
	typeInto(sigma.entry, "abc")
	if got := sigma.errorText(); !strings.Contains(got, "not a number") {
		t.Errorf("typing abc: error at the control = %q", got)
	}
	typeInto(sigma.entry, "250")
	if got := sigma.errorText(); !strings.Contains(got, "outside 0.01..100") {
		t.Errorf("typing 250: error at the control = %q", got)
	}
	if sigma.entry.Text != "250" {
		t.Errorf("the value was changed to %q: never clamp silently", sigma.entry.Text)
	}
	if _, err := c.compile(); err == nil {
		t.Error("the chain compiles with an invalid sigma")
	}
	// Start refuses with the problem.
	h.w.output.setFolder(t.TempDir())
	h.dropAndWait(1, sample(t, "beach-ball.jpg"))
	test.Tap(h.w.run.start)
	if h.w.run.run != nil || h.w.run.starting || !strings.Contains(h.w.run.stats.Text, "sigma") {
		t.Errorf("Start with an invalid chain: stats %q", h.w.run.stats.Text)
	}
	// The slider writes a valid value into the entry.
	sigma.slider.SetValue(2)
	if sigma.entry.Text != "2" || sigma.errorText() != "" || c.steps[1].Params["sigma"] != "2" {
		t.Errorf("after sliding to 2: entry %q, error %q, params %v", sigma.entry.Text, sigma.errorText(), c.steps[1].Params)
	}

	gray := h.addStep("Grayscale")
	test.Tap(gray.up) // resize, grayscale, blur
	if got := kindsOf(c); got != "resize grayscale blur" {
		t.Fatalf("after moving grayscale up: %s", got)
	}
	test.Tap(c.cards[2].enabled) // switch blur off
	if !c.steps[2].Disabled {
		t.Error("blur not disabled")
	}
	c.cards[0].params["mode"].sel.SetSelected("fill")
	if p := c.cards[0].problem; !p.Visible() || !strings.Contains(p.Text, "fill needs both") {
		t.Errorf("fill without a height: problem %q", p.Text)
	}
	c.cards[0].params["mode"].sel.SetSelected("fit")
	test.Tap(c.cards[0].params["enlarge"].check)
	test.Tap(c.cards[1].remove) // grayscale
	if got := kindsOf(c); got != "resize blur" {
		t.Fatalf("after removing grayscale: %s", got)
	}
	if got, want := c.chainCopy().String(), "resize=320x0:enlarge=false"; got != want {
		t.Errorf("chain = %q, want %q (the disabled blur is left out)", got, want)
	}
	if !strings.Contains(c.status.Text, "2 steps (1 off)") {
		t.Errorf("status = %q", c.status.Text)
	}

	rotate := h.addStep("Rotate")
	typeInto(rotate.params["background"].entry, "#zz")
	if rotate.params["background"].errorText() == "" {
		t.Error("an invalid colour shows no error")
	}
	typeInto(rotate.params["background"].entry, "#ff000080")
	if rotate.params["background"].errorText() != "" || c.steps[2].Params["background"] != "#ff000080" {
		t.Errorf("valid colour: error %q, params %v", rotate.params["background"].errorText(), c.steps[2].Params)
	}
}

func kindsOf(c *chainEditor) string {
	var names []string
	for _, s := range c.steps {
		names = append(names, s.Kind)
	}
	return strings.Join(names, " ")
}
