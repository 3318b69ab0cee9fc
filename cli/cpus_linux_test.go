package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/pool"
)

// TestRunFitsTaskset runs "picpool run -workers 0" (this test binary as
// picpool) under taskset -c 0: one allowed CPU, so one worker, whatever
// the machine's core count; every record of the report names worker 0.
func TestRunFitsTaskset(t *testing.T) {
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Skip("no taskset (util-linux)")
	}
	out := t.TempDir()
	reportPath := filepath.Join(t.TempDir(), "report.json")
	cmd := picpoolCommand([]string{"run", "-out", out, "-workers", "0", "-filters", "resize=160x0", "-report", reportPath,
		filepath.Join(testdata, "photos")}, "taskset", "-c", "0")
	stderr, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("picpool run under taskset: %v\n%s", err, stderr)
	}
	t.Logf("%s", stderr)
	want := "start  18 inputs, 1 worker"
	if pool.LogicalCores() > 1 {
		want += " (1 usable CPU of "
	}
	if !strings.Contains(string(stderr), want) {
		t.Errorf("want %q in:\n%s", want, stderr)
	}
	rep := readReport(t, reportPath)
	if rep.Summary.Done != 18 {
		t.Errorf("summary %+v", rep.Summary)
	}
	for _, r := range rep.Records {
		if r.Status == "done" && r.Worker != 0 {
			t.Errorf("%s ran on worker %d: want only worker 0", r.Input, r.Worker)
		}
	}
}
