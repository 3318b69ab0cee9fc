package gui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/samples"
)

// A batch cancelled halfway leaves an unfinished journal in its output
// folder: the next Start asks about it (Cancel starts nothing), and Resume
// processes only the files the first batch did not finish. The first batch
// runs on one gated worker process that may process one file only: it is
// held there, with one file done, until it is paused and cancelled, however
// fast the files are.
func TestStartOffersToResumeAnUnfinishedBatch(t *testing.T) {
	eng := newGatedEngine(t)
	h := newEngineHarness(t, test.NewTempApp(t), eng)
	out := h.setUp("resize=320x0", 1)
	r := h.w.run
	n := len(samples.Names())

	first := eng.cancelAfterFirstFiles(h, nil)
	if !first.Interrupted || first.Done != 1 {
		t.Fatalf("first batch %+v, want an interrupted batch with 1 file done", first)
	}

	overlays := h.w.win.Canvas().Overlays()
	ask := func() {
		t.Helper()
		test.Tap(r.start)
		h.waitFor("the resume question", 10*time.Second, func() bool { return overlays.Top() != nil })
		want := fmt.Sprintf("An unfinished batch was found in this folder (%d of %d done)", first.Done, n)
		if !shows(overlays.Top(), want) {
			t.Fatalf("dialog says %q, want %q", texts(overlays.Top()), want)
		}
	}
	ask()
	test.Tap(findButton(overlays.Top(), "Cancel"))
	h.q.pump()
	if r.run != nil || r.starting || overlays.Top() != nil || r.start.Disabled() {
		t.Fatal("Cancel in the resume question started a batch or left Start disabled")
	}

	ask()
	test.Tap(findButton(overlays.Top(), "Resume it"))
	h.waitFor("the resumed batch to end", 60*time.Second, func() bool { return r.result != nil && !r.result.Interrupted })
	second := *r.result
	if second.Resumed != first.Done || second.Done != n-first.Done || second.Failed != 0 {
		t.Fatalf("resumed batch %+v, want %d resumed and %d done", second, first.Done, n-first.Done)
	}
	if want := fmt.Sprintf("Finished: %d already done (resumed) · %d processed · 0 skipped", first.Done, n-first.Done); !strings.HasPrefix(r.summary.Text, want) {
		t.Errorf("summary %q, want it to start with %q", r.summary.Text, want)
	}
	if files := outputs(t, out); len(files) != n {
		t.Errorf("%d outputs, want %d", len(files), n)
	}
}

// Start refuses to run a batch beside a running benchmark, and says why.
func TestStartRefusedWhileTheBenchmarkRuns(t *testing.T) {
	h := newHarness(t)
	h.w.bench.busy = true
	test.Tap(h.w.run.start)
	h.q.pump()
	if h.w.run.run != nil || h.w.run.starting {
		t.Fatal("a batch started beside the benchmark")
	}
	if !strings.Contains(h.w.run.stats.Text, "the benchmark is running on the Benchmark tab") {
		t.Errorf("stats say %q", h.w.run.stats.Text)
	}
}
