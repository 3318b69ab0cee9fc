//go:build unix

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/processing"
)

// stopMidBatch runs "picpool run" (this test binary as picpool, see
// TestMain) on the total photos in src, sends it sig once its first output
// is on disk, and checks what it leaves: exit 130, the message, no
// temporary file, no partial output. It returns the output folder, stderr,
// and how many outputs were on disk when the signal went.
func stopMidBatch(t *testing.T, sig syscall.Signal, src string, total int) (out, stderr string, atSignal int) {
	t.Helper()
	out = t.TempDir()
	cmd := picpoolCommand(append(signalRunArgs(out), src))
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	outputs := func() []string {
		m, _ := filepath.Glob(filepath.Join(out, "*.jpg"))
		return m
	}
	deadline := time.Now().Add(2 * time.Minute)
	for len(outputs()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	atSignal = len(outputs())
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != ExitCanceled {
		t.Fatalf("%v: exit %v, want %d\n%s", sig, err, ExitCanceled, errb.String())
	}
	stderr = errb.String()
	if !strings.Contains(stderr, "canceled: finished files are complete") {
		t.Errorf("%v: no cancel message:\n%s", sig, stderr)
	}
	entries, _ := os.ReadDir(out)
	entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return e.Name() == journal.FileName })
	if len(entries) == 0 || len(entries) >= total {
		t.Errorf("%v: %d outputs: the signal should land mid-batch", sig, len(entries))
	}
	for _, e := range entries {
		if processing.IsTemp(e.Name()) {
			t.Errorf("%v: temporary file left: %s", sig, e.Name())
			continue
		}
		if _, err := codec.Decode(filepath.Join(out, e.Name()), codec.DecodeOptions{}); err != nil {
			t.Errorf("%v: partial output %s: %v", sig, e.Name(), err)
		}
	}
	return out, stderr, atSignal
}

// signalRunArgs are the run the signal tests stop: slow filters, so that
// a signal lands mid-batch.
func signalRunArgs(out string) []string {
	return []string{"run", "-out", out, "-workers", "2", "-filters", "blur=6,sharpen=2"}
}

// TestInterruptLeavesNoPartialFiles: Ctrl-C in the middle of a batch.
func TestInterruptLeavesNoPartialFiles(t *testing.T) {
	stopMidBatch(t, syscall.SIGINT, filepath.Join(testdata, "photos"), 18)
}

// TestSIGTERMStopsCleanlyAndResumes: SIGTERM, which batch systems send
// before they stop or preempt a job, mid-batch: the run stops taking files
// (at most the files already in progress finish), leaves no partial file,
// flushes its journal with a line for every output on disk and stays
// unfinished; -resume then does only the rest.
func TestSIGTERMStopsCleanlyAndResumes(t *testing.T) {
	// 6 photos: the resumed run is in this process, and costs 10 times as
	// much under the race detector.
	src := t.TempDir()
	photos, _ := filepath.Glob(filepath.Join(testdata, "photos", "*.jpg"))
	for _, p := range photos[:6] {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, filepath.Base(p)), data, 0o644)
	}
	out, stderr, atSignal := stopMidBatch(t, syscall.SIGTERM, src, 6)
	done, _ := filepath.Glob(filepath.Join(out, "*.jpg"))
	if len(done) > atSignal+2 {
		t.Errorf("%d outputs at SIGTERM, %d after: it went on taking files", atSignal, len(done))
	}
	if !strings.Contains(stderr, "journal: "+filepath.Join(out, journal.FileName)+" records what is done; the same command with -resume finishes the rest") {
		t.Errorf("no word of the journal:\n%s", stderr)
	}
	if run, unfinished := engine.Unfinished(out); !unfinished || run.Done != len(done) {
		t.Errorf("journal: unfinished %v, %d done; %d outputs on disk", unfinished, run.Done, len(done))
	}
	code, _, resumed := run(t, append(signalRunArgs(out), "-resume", src)...)
	if code != ExitOK || !strings.Contains(resumed, "resumed: "+strconv.Itoa(len(done))+" of the skipped inputs were done by an earlier run") {
		t.Fatalf("resume: exit %d\n%s", code, resumed)
	}
	if all, _ := filepath.Glob(filepath.Join(out, "*.jpg")); len(all) != 6 {
		t.Errorf("%d outputs after resuming, want 6", len(all))
	}
	if names := folderNames(t, out); slices.Contains(names, journal.FileName) {
		t.Errorf("the finished resume left its journal: %v", names)
	}
}
