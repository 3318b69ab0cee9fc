package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/pool"
)

// TestBenchSaysWhenTheMachineIsBusy runs "picpool bench" beside CPU burners
// (shell loops, one per CPU this process may use): the table, the JSON and
// the chart must say that the figures cannot be trusted. That a quiet run
// says nothing is shown on measured samples (bench.TestBusyMachineWarning):
// no machine running the tests is reliably quiet.
func TestBenchSaysWhenTheMachineIsBusy(t *testing.T) {
	var burners []*exec.Cmd
	for range pool.UsableCPUs().N {
		cmd := exec.Command("sh", "-c", "while :; do :; done")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		burners = append(burners, cmd)
	}
	defer func() {
		for _, b := range burners {
			b.Process.Kill()
			b.Wait()
		}
	}()
	dir := t.TempDir()
	jsonPath, svgPath := filepath.Join(dir, "b.json"), filepath.Join(dir, "b.svg")
	// One count (1 worker) after the warm-up, on 2 photos: each run long
	// enough for /proc/stat to tell (a quarter of a second), and the test
	// short under the race detector.
	code, stdout, stderr := benchRun(t, "-workers", "1", "-repeat", "1", "-sample", "2", "-filters", "resize=1200x0,blur=1",
		"-json", jsonPath, "-chart", svgPath, benchPhotos)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stderr, stdout)
	}
	t.Logf("\n%s%s", stderr, stdout)
	if !strings.Contains(stdout, "WARNING: These figures cannot be trusted: other programs used the CPUs") || !strings.Contains(stdout, "% !") || strings.Contains(stdout, "–  ") {
		t.Errorf("the table does not say the machine was busy:\n%s", stdout)
	}
	if !strings.Contains(stderr, "other programs") {
		t.Errorf("the runs' lines do not show other programs' load:\n%s", stderr)
	}
	var doc struct {
		Untrusted bool   `json:"untrusted"`
		Warning   string `json:"warning"`
	}
	raw, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(raw, &doc); err != nil || !doc.Untrusted || doc.Warning == "" {
		t.Errorf("JSON (%v): untrusted %v, warning %q", err, doc.Untrusted, doc.Warning)
	}
	svg, _ := os.ReadFile(svgPath)
	if !strings.Contains(string(svg), "figures not trustworthy") {
		t.Error("the chart does not say the machine was busy")
	}
}
