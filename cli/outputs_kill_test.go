//go:build unix

package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picpool/picpool/journal"
)

// TestKillBetweenOutputsRedoesOnlyTheSecond kills "picpool run" (this test
// binary) with SIGKILL after the first input's web copy was written and
// journalled and while its thumbnail (a slow chain) is being made; the
// resumed run makes that thumbnail and leaves the web copy alone (the same
// file, not rewritten), and the outputs end as an uninterrupted run's.
func TestKillBetweenOutputsRedoesOnlyTheSecond(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{"Landscape_1.jpg", "Portrait_2.jpg", "Landscape_5.jpg"} {
		data, err := os.ReadFile(filepath.Join(testdata, "photos", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, name), data, 0o644)
	}
	args := func(out string, extra ...string) []string {
		return append(append([]string{"run", "-out", out, "-workers", "1", "-quiet", "-filters", "resize=900x0",
			"-output", "dir=web;format=jpeg",
			"-output", "dir=thumbs;filters=blur=10,blur=10,resize=64x64:mode=fill;name={name}_t"}, extra...), src)
	}
	ref, out, cmd := startToKill(t, args)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	jpath := filepath.Join(out, journal.FileName)
	deadline := time.Now().Add(2 * time.Minute)
	for journalFiles(out) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before, _ := os.ReadFile(jpath)
	lines := fileLines(before)
	if len(lines) != 1 || strings.Contains(lines[0], `"out":1`) || !strings.Contains(lines[0], "Landscape_1.jpg") {
		t.Fatalf("the kill should land during the first thumbnail; the journal has %d output lines:\n%s", len(lines), before)
	}
	web := filepath.Join(out, "web", "Landscape_1.jpg")
	webBefore, err := os.Stat(web)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "thumbs", "Landscape_1_t.jpg")); err == nil {
		t.Fatal("the first thumbnail is there: the kill came too late")
	}

	reportPath := filepath.Join(t.TempDir(), "r.json")
	var stderr bytes.Buffer
	if code := Run(&Env{Stdout: io.Discard, Stderr: &stderr}, args(out, "-resume", "-keep-journal", "-report", reportPath)); code != ExitOK {
		t.Fatalf("resumed run: exit %d\n%s", code, stderr.String())
	}
	after, _ := os.ReadFile(jpath)
	resumed := fileLines(after[len(before):])
	for _, l := range resumed {
		if strings.Contains(l, "Landscape_1.jpg") && !strings.Contains(l, `"out":1`) {
			t.Errorf("the resumed run made the first web copy again: %s", l)
		}
	}
	if len(resumed) != 5 { // the first thumbnail, then both outputs of the two others
		t.Errorf("%d output lines from the resumed run, want 5:\n%s", len(resumed), strings.Join(resumed, ""))
	}
	webAfter, _ := os.Stat(web)
	if !os.SameFile(webBefore, webAfter) || !webAfter.ModTime().Equal(webBefore.ModTime()) {
		t.Error("the first web copy was written again")
	}
	for _, r := range readReport(t, reportPath).Records {
		if strings.HasSuffix(r.Input, "Landscape_1.jpg") {
			// Both made; the web copy by the killed run, as its journal told.
			if want := r.OutputName == "web"; r.Status != "done" || r.DoneBefore != want || r.Width == 0 || r.BytesOut == 0 {
				t.Errorf("%s of the first input: %s (%s), done before %v, %dx%d, %d bytes; want done, done before %v, its size and bytes",
					r.OutputName, r.Status, r.Reason, r.DoneBefore, r.Width, r.Height, r.BytesOut, want)
			}
		}
	}
	want, got := outputTree(t, ref), outputTree(t, out)
	if len(want) != 6 || len(got) != len(want) {
		t.Errorf("%d outputs after resume, %d uninterrupted, want 6", len(got), len(want))
	}
	for rel, h := range want {
		if got[rel] != h {
			t.Errorf("%s differs from the uninterrupted run's (or is missing)", rel)
		}
	}
}

// fileLines returns the "file" lines of journal text.
func fileLines(data []byte) []string {
	var lines []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if strings.Contains(l, `"event":"file"`) {
			lines = append(lines, l)
		}
	}
	return lines
}
