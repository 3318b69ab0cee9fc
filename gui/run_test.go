package gui

import (
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/processing"
	"github.com/picpool/picpool/samples"
)

// setUp drops the sample photos (8 small JPEGs: the race detector makes
// decoding slow), sets a chain, an output folder and the worker count.
func (h *harness) setUp(chain string, workers int) string {
	h.t.Helper()
	dir := h.t.TempDir()
	if _, err := samples.Extract(dir); err != nil {
		h.t.Fatal(err)
	}
	h.dropAndWait(len(samples.Names()), dir)
	c, err := processing.ParseChain(chain)
	if err != nil {
		h.t.Fatal(err)
	}
	h.w.chain.setChain(c)
	out := h.t.TempDir()
	h.w.output.setFolder(out)
	typeInto(h.w.run.workersCtl.entry, string(rune('0'+workers)))
	return out
}

// Start runs a real batch to 100%; the per-worker rows show the files being
// worked on (held there by Pause) and the jobs each worker did at the end;
// Resume lets the batch finish and the outputs are on disk. The workers are
// gated worker processes that start their first file only when the test
// allows it, so both hold a file when Pause comes, however fast files are.
func TestStartRunsBatchToTheEnd(t *testing.T) {
	eng := newGatedEngine(t)
	h := newEngineHarness(t, test.NewTempApp(t), eng)
	out := h.setUp("resize=240x0", 2)
	r := h.w.run

	test.Tap(r.start)
	h.waitFor("both workers to take a file", 30*time.Second, func() bool {
		taken := 0
		for _, ws := range r.view.workers {
			if ws.Current != "" {
				taken++
			}
		}
		return r.run != nil && taken == 2
	})
	test.Tap(r.pause)
	if r.pause.Text != "Resume" || !r.run.IsPaused() {
		t.Fatalf("after Pause: button %q, paused %v", r.pause.Text, r.run.IsPaused())
	}
	eng.allow(t, "all") // the files start, and stop at their first stage
	h.waitFor("paused workers holding their files", 30*time.Second, func() bool {
		busy := 0
		for _, ws := range r.view.workers {
			if ws.Current != "" && ws.State == "paused" && shows(r.view.list, filepath.Base(ws.Current)) {
				busy++
			}
		}
		return busy == 2 && shows(r.stats, "paused")
	})
	if !strings.Contains(r.view.header.Text, "busy of 2") {
		t.Errorf("workers header %q", r.view.header.Text)
	}
	test.Tap(r.pause) // Resume
	if r.pause.Text != "Pause" || r.run.IsPaused() {
		t.Fatalf("after Resume: button %q, paused %v", r.pause.Text, r.run.IsPaused())
	}
	h.waitFor("the batch to end", 60*time.Second, func() bool { return r.result != nil })
	s := *r.result
	n := len(samples.Names())
	if s.Done != n || s.Failed != 0 || s.Interrupted {
		t.Fatalf("summary %+v, want %d done", s, n)
	}
	if r.bar.Value != r.bar.Max || int(r.bar.Max) != n {
		t.Errorf("progress %v/%v, want %d/%d", r.bar.Value, r.bar.Max, n, n)
	}
	if len(r.view.workers) != 2 || r.view.list.Length() != 2 {
		t.Errorf("%d worker rows, want 2", r.view.list.Length())
	}
	jobs := 0
	for _, ws := range r.view.workers {
		jobs += ws.JobsDone
	}
	if jobs != n || !shows(r.view.list, " done") {
		t.Errorf("workers did %d jobs, rows %q", jobs, texts(r.view.list))
	}
	if !r.finished.Visible() || !strings.Contains(r.summary.Text, fmt.Sprintf("%d processed · 0 skipped · 0 failed", n)) {
		t.Errorf("summary = %q", r.summary.Text)
	}
	if r.start.Disabled() || !r.cancel.Disabled() {
		t.Errorf("after the end: start disabled %v, cancel disabled %v", r.start.Disabled(), r.cancel.Disabled())
	}
	files := outputs(t, out)
	if len(files) != n {
		t.Fatalf("%d outputs, want %d: %v", len(files), n, files)
	}
	for _, f := range files {
		img := decodeFile(t, f)
		if w := img.Bounds().Dx(); w != 240 {
			t.Errorf("%s is %d wide, want 240", f, w)
		}
	}
}

// Cancel stops a batch: files not started are reported canceled, the files
// in progress are abandoned, and no partial or temporary file is left; every
// output that exists is whole. Two gated worker processes may each do one
// file and are held at their second until the test has cancelled, so the
// batch is stopped in the middle however fast the files are.
func TestCancelLeavesNoPartialFiles(t *testing.T) {
	eng := newGatedEngine(t)
	h := newEngineHarness(t, test.NewTempApp(t), eng)
	out := h.setUp("resize=320x0,sharpen=1", 2)
	r := h.w.run

	s := eng.cancelAfterFirstFiles(h, func() {
		if !r.cancel.Disabled() || !r.pause.Disabled() {
			t.Error("Cancel and Pause stay enabled while canceling")
		}
	})
	if !s.Interrupted || s.Canceled == 0 || s.Done == 0 || s.Done > 2 {
		t.Fatalf("summary %+v, want an interrupted batch with 1 or 2 files done and the rest canceled", s)
	}
	if !strings.HasPrefix(r.summary.Text, "Canceled: ") {
		t.Errorf("summary = %q", r.summary.Text)
	}
	files := outputs(t, out)
	if len(files) != s.Done {
		t.Errorf("%d files on disk, %d done", len(files), s.Done)
	}
	for _, f := range files {
		decodeFile(t, f)
	}
}

// Broken inputs show in the failure list, with the file and the reason, as
// they fail.
func TestHostileInputsAreListedAsFailures(t *testing.T) {
	h := newHarness(t)
	hostile := filepath.Join(testdata, "hostile")
	h.dropAndWait(3, filepath.Join(hostile, "trunc_50pct.jpg"), filepath.Join(hostile, "text.png"), sample(t, "lighthouse.jpg"))
	if !shows(h.w.inputs.list, "unreadable") {
		t.Errorf("the input list does not flag text.png: %q", texts(h.w.inputs.list))
	}
	// The truncated JPEG has a good header; the preview finds it broken,
	// flags it, and moves on to the first input that reads.
	h.waitFor("the preview to move to a readable input", 20*time.Second, func() bool {
		return filepath.Base(h.w.inputs.current()) == "lighthouse.jpg" && h.w.inputs.items[0].err != ""
	})
	out := t.TempDir()
	h.w.output.setFolder(out)
	test.Tap(h.w.run.start)
	h.waitFor("the batch to end", 30*time.Second, func() bool { return h.w.run.result != nil })

	f := h.w.run.fails
	if len(f.failed) != 2 {
		t.Fatalf("%d failures, want 2: %+v", len(f.failed), f.failed)
	}
	reasons := map[string]string{}
	for _, rec := range f.failed {
		reasons[filepath.Base(rec.Input)] = failureText(rec)
	}
	if !strings.HasPrefix(reasons["trunc_50pct.jpg"], "truncated: ") || !strings.HasPrefix(reasons["text.png"], "not an image: ") {
		t.Errorf("reasons = %q", reasons)
	}
	if f.header.Text != "Failures: 2" || !shows(f.list, "trunc_50pct.jpg") || !shows(f.list, "truncated: ") || !shows(f.list, "text.png") {
		t.Errorf("failure list shows %q", texts(f.obj))
	}
	if !strings.Contains(h.w.run.summary.Text, "1 processed · 0 skipped · 2 failed") {
		t.Errorf("summary = %q", h.w.run.summary.Text)
	}
	if n := len(outputs(t, out)); n != 1 {
		t.Errorf("%d outputs, want 1", n)
	}
}

// Writing outputs over their own sources needs an explicit confirmation.
func TestOverwritingSourcesAsksFirst(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	if _, err := samples.Extract(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range samples.Names()[2:] {
		os.Remove(filepath.Join(dir, name))
	}
	first := filepath.Join(dir, samples.Names()[0])
	h.dropAndWait(2, dir)
	h.w.chain.setChain(processing.Chain{{Kind: "grayscale"}})
	h.w.output.setFolder(dir)
	h.w.output.onExists.SetSelected("overwrite")
	r := h.w.run
	before, _ := os.Stat(first)

	test.Tap(r.start)
	overlays := h.w.win.Canvas().Overlays()
	h.waitFor("the confirmation", 10*time.Second, func() bool { return overlays.Top() != nil })
	if !shows(overlays.Top(), "would overwrite source files") {
		t.Errorf("dialog says %q", texts(overlays.Top()))
	}
	test.Tap(findButton(overlays.Top(), "Cancel"))
	h.q.pump()
	if r.run != nil || r.starting {
		t.Fatal("a batch started although the overwrite was not confirmed")
	}
	if after, _ := os.Stat(first); !after.ModTime().Equal(before.ModTime()) {
		t.Fatal("a source changed")
	}

	test.Tap(r.start)
	h.waitFor("the confirmation", 10*time.Second, func() bool { return overlays.Top() != nil })
	test.Tap(findButton(overlays.Top(), "Replace sources"))
	h.waitFor("the batch to end", 30*time.Second, func() bool { return r.result != nil })
	if r.result.Done != 2 {
		t.Fatalf("summary %+v, want 2 done", *r.result)
	}
	img := decodeFile(t, first)
	b := img.Bounds()
	for _, p := range []image.Point{b.Min, {b.Dx() / 2, b.Dy() / 2}, {b.Dx() / 3, b.Dy() / 4}} {
		r, g, bl, _ := img.At(p.X, p.Y).RGBA()
		if absDiff(r, g) > 0x600 || absDiff(g, bl) > 0x600 {
			t.Errorf("source not replaced by its grayscale version: pixel %v is %d,%d,%d", p, r>>8, g>>8, bl>>8)
		}
	}
}

// outputs lists the files under dir but the resume journal, failing on
// any temporary file.
func outputs(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == journal.FileName {
			return err
		}
		if processing.IsTemp(path) || strings.HasSuffix(path, ".tmp") || strings.HasPrefix(d.Name(), ".picpool-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		files = append(files, path)
		return nil
	})
	return files
}

func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s does not decode: %v", path, err)
	}
	return img
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
