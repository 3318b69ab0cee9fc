package gui

import (
	"path/filepath"
	"reflect"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/processing"
)

func mustChain(t *testing.T, text string) processing.Chain {
	t.Helper()
	c, err := processing.ParseChain(text)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Presets survive a save/load round trip by name, an export/import round
// trip through the JSON files the command line reads, and the last settings
// come back when the window opens again.
func TestPresetsRoundTrip(t *testing.T) {
	h := newHarness(t)
	w := h.w
	w.chain.setChain(mustChain(t, "resize=800x600:mode=fill,sharpen=1.2,grayscale"))
	w.chain.steps[2].Disabled = true
	w.output.format.SetSelected("jpeg")
	typeInto(w.output.quality.entry, "77")
	w.output.prefix.SetText("web-")
	w.output.onExists.SetSelected("rename")
	test.Tap(w.output.keepTree) // flat
	w.output.metadata.SetSelected("Strip all")
	test.Tap(w.output.dates)
	want, _ := w.current()
	if want.Metadata != "none" || !want.KeepDates {
		t.Fatalf("the output panel gives metadata %q, keep dates %v", want.Metadata, want.KeepDates)
	}

	if err := w.presets.saveAs("web"); err != nil {
		t.Fatal(err)
	}
	if w.presets.names.Selected != "web" || !reflect.DeepEqual(w.presets.names.Options, []string{"web"}) {
		t.Errorf("select shows %q of %q", w.presets.names.Selected, w.presets.names.Options)
	}

	// Change everything, then load by tapping Load.
	w.chain.setChain(nil)
	w.output.setPreset(processing.Preset{})
	test.Tap(w.presets.load)
	got, _ := w.current()
	if !reflect.DeepEqual(got, withName(want, "")) {
		t.Errorf("loaded preset\n got %+v\nwant %+v", got, want)
	}
	if w.output.quality.entry.Text != "77" || w.output.keepTree.Checked || len(w.chain.cards) != 3 || w.chain.cards[2].enabled.Checked ||
		w.output.metadata.Selected != "Strip all" || !w.output.dates.Checked {
		t.Error("the editors do not show the loaded preset")
	}

	// Export, then import into a fresh app: the same settings, saved by name.
	file := filepath.Join(t.TempDir(), "web.json")
	if err := w.presets.exportFile(file); err != nil {
		t.Fatal(err)
	}
	fromDisk, err := processing.LoadPreset(file)
	if err != nil {
		t.Fatalf("the CLI could not read the exported preset: %v", err)
	}
	if !reflect.DeepEqual(withName(fromDisk, ""), withName(want, "")) || fromDisk.Name != "web" {
		t.Errorf("exported %+v", fromDisk)
	}
	other := newHarness(t)
	if err := other.w.presets.importFile(file); err != nil {
		t.Fatal(err)
	}
	imported, _ := other.w.current()
	if !reflect.DeepEqual(imported, withName(want, "")) || !reflect.DeepEqual(other.w.presets.names.Options, []string{"web"}) {
		t.Errorf("imported %+v, presets %q", imported, other.w.presets.names.Options)
	}

	// Delete.
	other.w.presets.names.SetSelected("web")
	test.Tap(other.w.presets.del)
	if len(other.w.presets.names.Options) != 0 || !other.w.presets.load.Disabled() {
		t.Errorf("after delete: %q", other.w.presets.names.Options)
	}

	// The last settings come back in a new window of the same app.
	w.output.setFolder("/tmp/picpool-out")
	typeInto(w.run.workersCtl.entry, "3")
	again := newHarnessWithApp(t, h.app)
	restored, out := again.w.current()
	if !reflect.DeepEqual(restored, withName(want, "")) || out != "/tmp/picpool-out" || again.w.run.workers != 3 {
		t.Errorf("restored %+v in %q with %d workers", restored, out, again.w.run.workers)
	}
}

func withName(p processing.Preset, name string) processing.Preset {
	p.Name = name
	return p
}
