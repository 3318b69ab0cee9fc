package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/journal"
)

// folderNames lists a folder's entries.
func folderNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestFinishedRunLeavesOnlyOutputs: a run that finished every input leaves
// its outputs (and the report asked for) and no bookkeeping; -keep-journal
// keeps the journal; a run with a failed input keeps it, says so, and
// -resume then redoes only the failed input.
func TestFinishedRunLeavesOnlyOutputs(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{"Portrait_1.jpg", "Landscape_2.jpg"} {
		data, err := os.ReadFile(filepath.Join(testdata, "photos", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, name), data, 0o644)
	}
	args := func(out string, extra ...string) []string {
		return append(append([]string{"run", "-out", out, "-filters", "resize=120x0", "-quiet"}, extra...), src)
	}

	out := t.TempDir()
	code, _, stderr := run(t, args(out, "-report", filepath.Join(out, "report.json"))...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := folderNames(t, out); !slices.Equal(got, []string{"Landscape_2.jpg", "Portrait_1.jpg", "report.json"}) {
		t.Errorf("output folder holds %v, want the outputs and the report", got)
	}
	if strings.Contains(stderr, "journal") {
		t.Errorf("a finished run talks about its journal:\n%s", stderr)
	}

	kept := t.TempDir()
	if code, _, stderr := run(t, args(kept, "-keep-journal")...); code != ExitOK {
		t.Fatalf("-keep-journal: exit %d\n%s", code, stderr)
	}
	j, err := journal.Load(kept)
	if last, ok := j.Last(); err != nil || !ok || !last.Finished || last.Done != 2 {
		t.Errorf("-keep-journal: journal %+v, %v", j.Runs, err)
	}

	// A truncated JPEG among the inputs: it fails, and the journal stays.
	bad, _ := os.ReadFile(filepath.Join(testdata, "hostile", "trunc_10pct.jpg"))
	os.WriteFile(filepath.Join(src, "bad.jpg"), bad, 0o644)
	failed := t.TempDir()
	code, _, stderr = run(t, args(failed)...)
	if code != ExitFailures || !slices.Contains(folderNames(t, failed), journal.FileName) {
		t.Fatalf("exit %d, folder %v\n%s", code, folderNames(t, failed), stderr)
	}
	if !strings.Contains(stderr, "journal: "+filepath.Join(failed, journal.FileName)+" stays while inputs failed; the same command with -resume retries only those") {
		t.Errorf("no word of the journal:\n%s", stderr)
	}
	// Mended, the input is done by a resumed run, which alone redoes it;
	// that run finishes everything, and the journal goes.
	good, _ := os.ReadFile(filepath.Join(testdata, "photos", "Portrait_0.jpg"))
	os.WriteFile(filepath.Join(src, "bad.jpg"), good, 0o644)
	code, _, stderr = run(t, args(failed, "-resume")...)
	if code != ExitOK || !strings.Contains(stderr, "resumed: 2 of the skipped inputs were done by an earlier run") {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	if got := folderNames(t, failed); !slices.Equal(got, []string{"Landscape_2.jpg", "Portrait_1.jpg", "bad.jpg"}) {
		t.Errorf("after the resumed run the folder holds %v", got)
	}
	if _, unfinished := engine.Unfinished(failed); unfinished {
		t.Error("unfinished after the resumed run")
	}
}
