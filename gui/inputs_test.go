package gui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Dropping the photos folder walks it off the UI goroutine and lists its 18
// images with their headers read; the two non-image files are listed as
// skipped with the reason, and stderr says how many inputs arrived.
func TestDropFolderFillsInputList(t *testing.T) {
	h := newHarness(t)
	h.dropAndWait(18, filepath.Join(testdata, "photos"))

	in := h.w.inputs
	if n := in.list.Length(); n != 18 {
		t.Fatalf("list shows %d rows, want 18", n)
	}
	if !strings.HasPrefix(in.summary.Text, "18 files · ") || !strings.Contains(in.summary.Text, "MP") {
		t.Errorf("summary = %q, want count, size and megapixels", in.summary.Text)
	}
	if len(in.skipped) != 2 || !in.skipSection.Visible() {
		t.Errorf("skipped = %v (shown %v), want LICENSE and README.markdown", in.skipped, in.skipSection.Visible())
	}
	in.skipSection.Open(0)
	if !shows(in.obj, "Landscape_0.jpg") || !shows(in.obj, "Skipped: 2 files") || !shows(in.obj, "not an image (by its extension)") {
		t.Errorf("list does not show the files and skip reasons: %q", texts(in.obj))
	}
	if !strings.Contains(h.log.String(), "picpool: inputs: 18 files (+18)") {
		t.Errorf("log = %q, want the inputs line", h.log.String())
	}
	// The first input is selected for the preview.
	if in.current() == "" {
		t.Error("no input selected")
	}

	// Dropping the same folder again adds nothing; removing and clearing work.
	h.drop(filepath.Join(testdata, "photos"))
	h.waitFor("second walk", 10*time.Second, func() bool { return in.pending == 0 })
	if len(in.items) != 18 {
		t.Fatalf("after a second drop: %d inputs, want 18", len(in.items))
	}
	in.remove(in.items[3].src.Path)
	if len(in.items) != 17 || in.list.Length() != 17 || !strings.HasPrefix(in.summary.Text, "17 files") {
		t.Errorf("after remove: %d items, summary %q", len(in.items), in.summary.Text)
	}
	in.clearAll()
	if len(in.items) != 0 || in.summary.Text != "No inputs yet." || in.skipSection.Visible() {
		t.Errorf("after clear: %d items, summary %q", len(in.items), in.summary.Text)
	}
}

// "Try samples" extracts the embedded photos and loads them.
func TestTrySamples(t *testing.T) {
	h := newHarness(t)
	h.w.inputs.samplesBtn.OnTapped()
	h.waitFor("samples", 20*time.Second, func() bool {
		return len(h.w.inputs.items) >= 6 && h.w.inputs.pending == 0
	})
	dir := filepath.Dir(h.w.inputs.items[0].src.Path)
	h.w.Close()
	if _, err := filepath.Glob(filepath.Join(dir, "*")); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.jpg")); len(m) != 0 {
		t.Errorf("samples left behind in %s after Close", dir)
	}
}
