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
// says nothing is shown on injected readings (bench.TestBusyMachineWarning):
// no machine running the tests is reliably quiet.
//
// However fast the machine, the result is decided: the benchmark reads
// other programs' load straight through from its warm-up's start to its
// last run's end, so a 1-worker benchmark of 2 photos beside the burners
// takes well over the quarter of a second /proc/stat needs on 2 CPUs on the
// machines we know (0.6 s and more here; 3 s and more under -race). Where it
// was too short all the same, it must say so plainly, and the test measures
// 8 photos twice, six times the work, which must tell.
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
	tries := [][]string{{"-sample", "2", "-repeat", "1"}, {"-sample", "8", "-repeat", "2"}} // the second 6 times the work
	for i, size := range tries {
		stdout, stderr, doc, svg := busyBench(t, size)
		rows := doc.Rows
		if len(rows) != 1 {
			t.Fatalf("%d rows in the JSON, want 1 (1 worker)", len(rows))
		}
		switch doc.OtherLoad {
		case "measured":
			if !strings.Contains(stdout, "WARNING: These figures cannot be trusted: other programs used the CPUs") || !strings.Contains(stdout, " !") ||
				!strings.Contains(stdout, "Other programs over the whole benchmark") {
				t.Errorf("the table does not say the machine was busy:\n%s", stdout)
			}
			if doc.BusyShare == nil || *doc.BusyShare <= 0.10 || !doc.Untrusted || !strings.Contains(doc.Warning, "other programs used the CPUs") || !rows[0].Busy {
				t.Errorf("JSON: busy share %v, untrusted %v, warning %q, row busy %v", doc.BusyShare, doc.Untrusted, doc.Warning, rows[0].Busy)
			}
			if !strings.Contains(svg, "Busy machine: other programs used") || !strings.Contains(svg, "figures not trustworthy") {
				t.Error("the chart does not say the machine was busy")
			}
			if !strings.Contains(stderr, "other programs") {
				t.Errorf("the runs' lines do not show other programs' load:\n%s", stderr)
			}
			return
		case "too_short":
			// A contended one worker may say the figures cannot be trusted
			// instead; either way, not nothing.
			if !strings.Contains(stdout, "Other programs over the whole benchmark (") || !strings.Contains(stdout, "too short to tell") ||
				!strings.Contains(stdout, "WARNING: ") || rows[0].OtherLoad != "too_short" || doc.Warning == "" || doc.BusyShare != nil {
				t.Errorf("a benchmark too short to tell does not say so:\n%s\nJSON %+v", stdout, doc)
			}
			if !strings.Contains(svg, "oo short to tell whether other programs used the CPUs") && !strings.Contains(svg, "figures not trustworthy") {
				t.Error("the chart of a benchmark too short to tell says nothing")
			}
			if i == len(tries)-1 {
				t.Fatalf("%v is still too short to tell other programs' load", size)
			}
		default:
			t.Fatalf("other programs' load %q: /proc/stat not read", doc.OtherLoad)
		}
	}
}

// busyDoc is the part of bench's JSON the busy-machine test reads.
type busyDoc struct {
	Untrusted bool     `json:"untrusted"`
	Warning   string   `json:"warning"`
	OtherLoad string   `json:"other_load"`
	BusyShare *float64 `json:"busy_share"`
	Rows      []struct {
		OtherLoad string `json:"other_load"`
		Busy      bool   `json:"busy_machine"`
	} `json:"rows"`
}

// busyBench runs a 1-worker benchmark of the photos with the given size
// flags and returns its table, its progress lines, its JSON and its SVG
// chart.
func busyBench(t *testing.T, size []string) (stdout, stderr string, doc busyDoc, svg string) {
	t.Helper()
	dir := t.TempDir()
	jsonPath, svgPath := filepath.Join(dir, "b.json"), filepath.Join(dir, "b.svg")
	args := append([]string{"-workers", "1", "-filters", "resize=1200x0,blur=1", "-json", jsonPath, "-chart", svgPath}, size...)
	code, stdout, stderr := benchRun(t, append(args, benchPhotos)...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stderr, stdout)
	}
	t.Logf("%v\n%s%s", size, stderr, stdout)
	raw, err := os.ReadFile(jsonPath)
	if err == nil {
		err = json.Unmarshal(raw, &doc)
	}
	if err != nil {
		t.Fatal(err)
	}
	chart, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	return stdout, stderr, doc, string(chart)
}
