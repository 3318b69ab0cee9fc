package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font/sfnt"

	"github.com/picpool/picpool/processing"
)

// bundledFonts are the fonts the window draws its text with whatever the
// system has: the theme's regular and bold fonts, then Fyne's emoji font.
// A character none of them has needs a system font, and a system without
// one (Windows, a bare Linux, Xvfb) shows "�" in its place.
func bundledFonts(t *testing.T) (text []*sfnt.Font, emoji *sfnt.Font) {
	t.Helper()
	parse := func(r fyne.Resource) *sfnt.Font {
		f, err := sfnt.Parse(r.Content())
		if err != nil {
			t.Fatalf("%s: %v", r.Name(), err)
		}
		return f
	}
	return []*sfnt.Font{parse(theme.DefaultTextFont()), parse(theme.DefaultTextBoldFont())}, parse(theme.DefaultEmojiFont())
}

// missingGlyphs lists the characters of the texts that the bundled fonts
// cannot draw, each with a text that has it.
func missingGlyphs(t *testing.T, texts []string) map[rune]string {
	t.Helper()
	text, emoji := bundledFonts(t)
	var buf sfnt.Buffer
	has := func(f *sfnt.Font, r rune) bool {
		i, err := f.GlyphIndex(&buf, r)
		return err == nil && i != 0
	}
	missing := map[rune]string{}
	for _, s := range texts {
		for _, r := range s {
			if r < ' ' || has(emoji, r) {
				continue
			}
			for _, f := range text {
				if !has(f, r) {
					missing[r] = s
				}
			}
		}
	}
	return missing
}

// TestShownTextHasGlyphs: every character the window shows, on both tabs
// with their figures filled in, on every filter's card and in the About
// dialog, is in the fonts it bundles.
func TestShownTextHasGlyphs(t *testing.T) {
	if m := missingGlyphs(t, []string{"a → b"}); m['→'] == "" || len(m) != 1 {
		t.Fatalf("the check misses the arrow the theme's font lacks: %q", m)
	}
	h := newHarness(t)
	h.dropAndWait(1, sample(t, "sunset-lake.jpg"))
	card := h.addStep("Resize")
	typeInto(card.params["width"].entry, "100")
	p := h.w.preview
	h.waitFor("a preview", 20*time.Second, func() bool { return p.shown == p.latest && p.after.Image != nil })
	h.w.bench.showReport(measuredReport(0.4)) // a verdict, a warning and the table
	var shown []string
	for i, tab := range h.w.tabs.Items {
		h.w.tabs.SelectIndex(i) // texts sees only what is visible
		shown = append(shown, tab.Text)
		shown = append(shown, texts(tab.Content)...)
	}
	// The cards of every filter (adding them all is slow under -race):
	// titles, labels, help and choices.
	for _, k := range processing.Kinds() {
		shown = append(shown, k.Title, k.Help)
		for _, p := range k.Params {
			shown = append(shown, p.Label, p.Help)
			shown = append(shown, p.Choices...)
		}
	}
	test.Tap(h.w.about)
	if o := h.w.win.Canvas().Overlays().Top(); o != nil {
		shown = append(shown, texts(o)...)
	}
	all := strings.Join(shown, "\n")
	for _, want := range []string{"sunset-lake.jpg · 800×600", "These figures cannot be trusted", "Speed-up", "Batch image processing", "Angle (°, clockwise)"} {
		if !strings.Contains(all, want) {
			t.Fatalf("the texts checked lack %q: %q", want, shown)
		}
	}
	for r, s := range missingGlyphs(t, shown) {
		t.Errorf("%q (U+%04X) is in no bundled font: %q", r, r, s)
	}
}
