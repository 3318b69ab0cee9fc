package gui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/processing"
	"github.com/picpool/picpool/samples"
)

// Two outputs built in the window (a web copy and a square thumbnail,
// each with its own folder, filters, format and name) run in one batch:
// every sample comes out twice. Duplicate and Remove edit the list; a copy
// that would write the same files as its original is refused before
// Start, at the list. The preset holds both outputs.
func TestTwoOutputsFromTheWindow(t *testing.T) {
	eng := &recordingEngine{Real: NewEngine()}
	h := newEngineHarness(t, test.NewTempApp(t), eng)
	out := h.setUp("sharpen=0.5", 2)
	o := h.w.output

	web := o.cards[0]
	typeInto(web.dir, "web")
	typeInto(web.filters, "resize=200x0")
	web.format.SetSelected("jpeg")
	test.Tap(o.add)
	if len(o.cards) != 2 || o.cards[0].remove.Disabled() {
		t.Fatalf("%d cards after Add output", len(o.cards))
	}
	thumb := o.cards[1]
	typeInto(thumb.dir, "thumbs")
	typeInto(thumb.filters, "resize=64x64:mode=fill")
	thumb.format.SetSelected("png")
	typeInto(thumb.name, "{name}_t")
	h.waitFor("the thumbnail's names", 10*time.Second, func() bool { return strings.HasPrefix(thumb.names.Text, "Names: thumbs/") })

	// A duplicate writes the same files: shown at once, and Start refuses.
	test.Tap(thumb.dup)
	if len(o.cards) != 3 || o.cards[2].filters.Text != "resize=64x64:mode=fill" || o.cards[2].name.Text != "{name}_t" {
		t.Fatalf("duplicate: %d cards", len(o.cards))
	}
	h.waitFor("the clash to show", 10*time.Second, func() bool {
		return o.status.Visible() && strings.Contains(o.status.Text, "outputs 2 (thumbs) and 3 (thumbs) would write the same file")
	})
	test.Tap(h.w.run.start)
	if h.w.run.run != nil || !strings.Contains(h.w.run.stats.Text, "would write the same file") {
		t.Fatalf("started with two outputs writing the same files: %q", h.w.run.stats.Text)
	}
	test.Tap(o.cards[2].remove)
	h.waitFor("the clash to go", 10*time.Second, func() bool { return !o.status.Visible() })

	test.Tap(h.w.run.start)
	h.waitFor("the batch to end", 60*time.Second, func() bool { return h.w.run.result != nil })
	if s := *h.w.run.result; s.Done != len(samples.Names()) || s.Failed != 0 {
		t.Fatalf("summary %+v", s)
	}
	if got := eng.settings().Processing; len(got.Outputs) != 2 || got.Chain.String() != "sharpen=0.5" {
		t.Errorf("settings %+v", got)
	}
	for _, name := range samples.Names() {
		base := strings.TrimSuffix(name, filepath.Ext(name))
		for file, width := range map[string]int{filepath.Join("web", base+".jpg"): 200, filepath.Join("thumbs", base+"_t.png"): 64} {
			if img := decodeFile(t, filepath.Join(out, file)); img.Bounds().Dx() != width {
				t.Errorf("%s is %d wide, want %d", file, img.Bounds().Dx(), width)
			}
		}
	}

	// The preset holds the outputs, and loads back into two cards.
	file := filepath.Join(t.TempDir(), "web-thumbs.json")
	if err := h.w.presets.exportFile(file); err != nil {
		t.Fatal(err)
	}
	p, err := processing.LoadPreset(file)
	if err != nil || len(p.Outputs) != 2 || p.Outputs[1].Dir != "thumbs" || p.Outputs[1].NameTemplate != "{name}_t" {
		t.Fatalf("exported %+v, %v", p, err)
	}
	other := newHarness(t)
	if err := other.w.presets.importFile(file); err != nil {
		t.Fatal(err)
	}
	if oc := other.w.output.cards; len(oc) != 2 || oc[1].filters.Text != "resize=64x64:mode=fill" || oc[1].format.Selected != "png" || oc[0].dir.Text != "web" {
		t.Errorf("imported into %d cards", len(oc))
	}
}

// The input list is in natural order (img_2 before img_10); the first
// names show as the template is typed, counted in that order; a bad
// template shows where it is wrong, and Start refuses it.
func TestNamePreviewAndTemplateErrors(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	data, err := os.ReadFile(sample(t, samples.Names()[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"img_10", "img_2", "img_1", "img_100"} {
		os.WriteFile(filepath.Join(dir, n+".jpg"), data, 0o644)
	}
	h.dropAndWait(4, dir)
	var listed []string
	for _, it := range h.w.inputs.items {
		listed = append(listed, it.src.Rel)
	}
	if want := []string{"img_1.jpg", "img_2.jpg", "img_10.jpg", "img_100.jpg"}; !slices.Equal(listed, want) {
		t.Errorf("listed %v, want %v", listed, want)
	}
	h.w.output.setFolder(t.TempDir())
	card := h.w.output.cards[0]
	typeInto(card.name, "{n:03}_{name}")
	h.waitFor("the names", 10*time.Second, func() bool {
		return card.names.Text == "Names: 001_img_1.jpg, 002_img_2.jpg, 003_img_10.jpg …"
	})
	typeInto(card.name, "{name}_{camra}")
	h.waitFor("the template's error", 10*time.Second, func() bool {
		return card.names.Text == "{name}_{camra}\n       ^ unknown field {camra} (known: "+strings.Join(processing.TemplateFields, ", ")+")" &&
			card.names.Importance == widget.DangerImportance
	})
	test.Tap(h.w.run.start)
	if h.w.run.run != nil || !strings.Contains(h.w.run.stats.Text, "unknown field {camra}") {
		t.Errorf("Start with a bad template: %q", h.w.run.stats.Text)
	}
}
