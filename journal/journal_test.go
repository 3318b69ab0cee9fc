package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/picpool/picpool/processing"
)

func TestRunsEntriesAndTornLines(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a.jpg")
	if err := os.WriteFile(out, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Begin(Header{Settings: "S1", Total: 100}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			e := Entry{Path: fmt.Sprintf("/in/%d.jpg", i), Size: int64(i), ModTime: 7, Status: "done", Output: out}
			if i%10 == 0 {
				e.Status, e.Output, e.Reason = "failed", "", "truncated"
			}
			if err := w.Add(e); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A power cut in the middle of a line.
	f, _ := os.OpenFile(filepath.Join(dir, FileName), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"event":"file","path":"/in/torn.jpg","si`)
	f.Close()
	if run, unfinished, err := Unfinished(dir); err != nil || !unfinished || run.Done != 45 || run.Failed != 5 || run.Total != 100 {
		t.Fatalf("Unfinished: %+v %v %v", run, unfinished, err)
	}

	j, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path        string
		size, mtime int64
		settings    string
		done        bool
	}{
		{"/in/1.jpg", 1, 7, "S1", true},
		{"/in/1.jpg", 2, 7, "S1", false},   // changed size
		{"/in/1.jpg", 1, 8, "S1", false},   // changed time
		{"/in/1.jpg", 1, 7, "S2", false},   // other settings
		{"/in/10.jpg", 10, 7, "S1", false}, // failed: try again
		{"/in/torn.jpg", 0, 0, "S1", false},
	} {
		if _, done := j.Done(c.path, c.size, c.mtime, c.settings); done != c.done {
			t.Errorf("Done(%+v) = %v", c, done)
		}
	}
	os.Remove(out)
	if _, done := j.Done("/in/1.jpg", 1, 7, "S1"); done {
		t.Error("done although its output is gone")
	}

	// The next run starts on a line of its own and finishes.
	w, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Begin(Header{Settings: "S2", Total: 1, Resumed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(Entry{Path: "/in/x.jpg", Status: "skipped"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	j, _ = Load(dir)
	if len(j.Runs) != 2 || !j.Runs[1].Finished || j.Runs[1].Resumed != 1 || j.Runs[1].Skipped != 1 || j.Runs[0].Finished {
		t.Errorf("runs %+v", j.Runs)
	}
	if _, unfinished, _ := Unfinished(dir); unfinished {
		t.Error("finished run reported unfinished")
	}
	data, _ := os.ReadFile(filepath.Join(dir, FileName))
	if n := strings.Count(string(data), "\n"); n != 1+50+1+1+1+1 {
		t.Errorf("%d lines:\n%s", n, data)
	}
}

func TestNoJournalIsEmpty(t *testing.T) {
	dir := t.TempDir()
	if _, unfinished, err := Unfinished(filepath.Join(dir, "nope")); unfinished || err != nil {
		t.Errorf("%v %v", unfinished, err)
	}
}

func TestRemoveTemp(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.MkdirAll(sub, 0o755)
	for _, p := range []string{filepath.Join(dir, ".picpool-1.tmp"), filepath.Join(sub, ".picpool-2.tmp"), filepath.Join(sub, "keep.jpg"), filepath.Join(dir, FileName)} {
		os.WriteFile(p, []byte("x"), 0o644)
	}
	removed, err := processing.RemoveTemp(dir, time.Time{})
	if err != nil || len(removed) != 2 {
		t.Fatalf("%v %v", removed, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(left) != 1 {
		t.Errorf("left %v", left)
	}
	if _, err := processing.RemoveTemp(filepath.Join(dir, "nope"), time.Time{}); err != nil {
		t.Errorf("missing folder: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	type s struct{ A, B string }
	if Fingerprint(s{"a", "b"}) == Fingerprint(s{"a", "c"}) || Fingerprint(s{"a", "b"}) != Fingerprint(s{"a", "b"}) {
		t.Error("fingerprints")
	}
}

// Lines per output count once per input in a run's figures: failed if one
// output failed, else done if one was made, else skipped.
func TestRunCountsInputsNotOutputs(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.Begin(Header{Settings: "s", Total: 3, Outputs: 2})
	for _, e := range []Entry{
		{Path: "/a", Status: "done"}, {Path: "/a", Out: 1, Status: "failed"},
		{Path: "/b", Status: "skipped"}, {Path: "/b", Out: 1, Status: "done"},
		{Path: "/c", Status: "skipped"}, {Path: "/c", Out: 1, Status: "skipped"},
	} {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	j, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := j.Last()
	if run.Done != 1 || run.Failed != 1 || run.Skipped != 1 {
		t.Errorf("done %d, failed %d, skipped %d; want 1 each", run.Done, run.Failed, run.Skipped)
	}
	if _, ok := j.DoneOutput("/b", 1, 0, 0, "s"); !ok {
		t.Error("output 1 of /b is not done")
	}
	if _, ok := j.DoneOutput("/a", 1, 0, 0, "s"); ok {
		t.Error("a failed output is done")
	}
}
