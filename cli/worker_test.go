//go:build unix

package cli

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/processing"
)

// TestKilledRunResumesToTheSameOutputs kills "picpool run" (this test
// binary as picpool, see TestMain) with SIGKILL halfway through a batch of
// real photos, resumes it with -resume, and compares the outputs with those
// of an uninterrupted run: same names, same bytes, nothing left over.
func TestKilledRunResumesToTheSameOutputs(t *testing.T) {
	src := t.TempDir()
	photos, _ := filepath.Glob(filepath.Join(testdata, "photos", "*.jpg"))
	for _, p := range photos {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// A sub-folder too: outputs keep it, and so must the sweep of leftovers.
		dir := src
		if strings.HasPrefix(filepath.Base(p), "Portrait") {
			dir = filepath.Join(src, "portrait")
			os.MkdirAll(dir, 0o755)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	total := len(photos)
	args := func(out string, extra ...string) []string {
		return append(append([]string{"run", "-out", out, "-filters", "resize=400x0,blur=3", "-workers", "2", "-quiet"}, extra...), src)
	}

	ref := t.TempDir()
	var stderr bytes.Buffer
	if code := Run(&Env{Stdout: io.Discard, Stderr: &stderr}, args(ref)); code != ExitOK {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, stderr.String())
	}

	out := t.TempDir()
	cmd := picpoolCommand(args(out))
	var killedErr bytes.Buffer
	cmd.Stderr = &killedErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	finished := 0
	deadline := time.Now().Add(3 * time.Minute)
	for finished < total/2 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
		finished = journalFiles(out)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	finished = journalFiles(out)
	if finished == 0 || finished >= total {
		t.Fatalf("killed after %d of %d files: want it halfway\n%s", finished, total, killedErr.String())
	}
	left, _ := tempFiles(out)
	if _, unfinished := engine.Unfinished(out); !unfinished {
		t.Error("the killed run is not reported unfinished")
	}
	// A leftover in a sub-folder, as a kill while writing there leaves.
	stale := filepath.Join(out, "portrait", ".picpool-123456.tmp")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("half a JPEG"), 0o644)

	stderr.Reset()
	if code := Run(&Env{Stdout: io.Discard, Stderr: &stderr}, args(out, "-resume")); code != ExitOK {
		t.Fatalf("resumed run: exit %d\n%s", code, stderr.String())
	}
	t.Logf("killed after %d of %d files (%d temporary files left by the kill); resume said:\n%s", finished, total, len(left), stderr.String())
	if !strings.Contains(stderr.String(), fmt.Sprintf("resumed: %d of the skipped inputs were done by an earlier run", finished)) {
		t.Errorf("resume did not skip the %d finished files:\n%s", finished, stderr.String())
	}
	want, got := outputTree(t, ref), outputTree(t, out)
	if len(got) != total || len(want) != total {
		t.Errorf("%d outputs after resume, %d uninterrupted, want %d", len(got), len(want), total)
	}
	for rel, h := range want {
		if got[rel] != h {
			t.Errorf("%s differs from the uninterrupted run's (or is missing)", rel)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("extra file %s", rel)
		}
	}
	if _, unfinished := engine.Unfinished(out); unfinished {
		t.Error("the resumed run is still reported unfinished")
	}
}

// journalFiles counts the file lines of out's journal.
func journalFiles(out string) int {
	data, _ := os.ReadFile(filepath.Join(out, journal.FileName))
	return strings.Count(string(data), `"event":"file"`)
}

func tempFiles(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && processing.IsTemp(d.Name()) {
			found = append(found, path)
		}
		return err
	})
	return found, err
}

// outputTree hashes every file under dir but the journal; temporary files
// count, so a leftover shows up as an extra file.
func outputTree(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	tree := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == journal.FileName {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		tree[rel] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2G": 2 << 30, "300mb": 300 << 20, "1048576": 1 << 20, "1.5GiB": 3 << 29, "64k": 64 << 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-1G", "1X"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) worked", in)
		}
	}
}

func TestIsolationFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"-timeout", "1m"}, "-timeout and -worker-memory need -isolation process"},
		{[]string{"-isolation", "threads"}, `unknown isolation "threads"`},
		{[]string{"-memory-budget", "plenty"}, `-memory-budget "plenty"`},
		{[]string{"-isolation", "process", "-worker-memory", "-5"}, `-worker-memory "-5"`},
	} {
		code, _, stderr := run(t, append(append([]string{"run", "-out", t.TempDir()}, c.args...), filepath.Join(testdata, "photos"))...)
		if code != ExitUsage || !strings.Contains(stderr, c.says) {
			t.Errorf("%v: exit %d, %q; want usage error %q", c.args, code, stderr, c.says)
		}
	}
	// The worker command is hidden and refuses arguments.
	if code, stdout, _ := run(t, "help"); code != ExitOK || strings.Contains(stdout, "__worker") {
		t.Errorf("help shows the worker command:\n%s", stdout)
	}
	if code, _, _ := run(t, "__worker", "x"); code != ExitUsage {
		t.Errorf("__worker with an argument: exit %d", code)
	}
}

// TestResumeWithRenameFindsUnjournalledOutputs: a kill can land after an
// output was moved into place and before its journal line. With -on-exists
// rename, the resumed run must find that output again, not write name-1
// beside it. The window is made exactly: a finished run's journal is cut
// back to its first files, as if the kill had come right after the others'
// outputs were written.
func TestResumeWithRenameFindsUnjournalledOutputs(t *testing.T) {
	for _, iso := range []string{"goroutine", "process"} {
		t.Run(iso, func(t *testing.T) { resumeWithRename(t, iso) })
	}
}

func resumeWithRename(t *testing.T, isolation string) {
	src := filepath.Join(testdata, "photos")
	args := func(out string, extra ...string) []string {
		return append(append([]string{"run", "-out", out, "-filters", "resize=300x0", "-on-exists", "rename", "-isolation", isolation, "-quiet"}, extra...), src)
	}
	ref, out := t.TempDir(), t.TempDir()
	for _, dir := range []string{ref, out} {
		var stderr bytes.Buffer
		// -keep-journal: the finished run's journal is what gets cut below.
		if code := Run(&Env{Stdout: io.Discard, Stderr: &stderr}, args(dir, "-keep-journal")); code != ExitOK {
			t.Fatalf("run: exit %d\n%s", code, stderr.String())
		}
	}
	// Keep the start line and the first 5 file lines: no end line, so the
	// run is unfinished, and every later output is on disk but unjournalled.
	path := filepath.Join(out, journal.FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	files := 0
	for _, l := range strings.SplitAfter(string(data), "\n") {
		switch {
		case strings.Contains(l, `"event":"start"`):
			kept = append(kept, l)
		case strings.Contains(l, `"event":"file"`) && files < 5:
			kept = append(kept, l)
			files++
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, unfinished := engine.Unfinished(out); !unfinished {
		t.Fatal("the cut journal is not unfinished")
	}
	var stderr bytes.Buffer
	if code := Run(&Env{Stdout: io.Discard, Stderr: &stderr}, args(out, "-resume")); code != ExitOK {
		t.Fatalf("resumed run: exit %d\n%s", code, stderr.String())
	}
	want, got := outputTree(t, ref), outputTree(t, out)
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("extra file %s: the resumed run wrote an output again under a new name", rel)
		}
	}
	for rel, h := range want {
		if got[rel] != h {
			t.Errorf("%s differs from the uninterrupted run's (or is missing)", rel)
		}
	}
}
