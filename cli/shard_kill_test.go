//go:build unix

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/plan"
)

// photoFolder copies photos into a new folder.
func photoFolder(t *testing.T, names ...string) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in")
	os.MkdirAll(in, 0o755)
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(testdata, "photos", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(in, name), data, 0o644)
	}
	return in
}

func readPlan(t *testing.T, path string) *plan.Plan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := plan.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// shardFiles lists the files in out whose names start with prefix.
func shardFiles(t *testing.T, out, prefix string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(out, prefix+"*"))
	return m
}

// TestKilledShardResumesItsShare kills a shard (SIGKILL) after its first
// output; the shard run again with -resume does the rest of its share and
// nothing of the other shard's, its files are one run's, a finished shard
// leaves none of its attempts' journals, and with the other shard run the
// merged report is one run's: what the killed attempt made (it wrote no
// report) is done, with the facts its journal kept.
func TestKilledShardResumesItsShare(t *testing.T) {
	in := photoFolder(t, "Landscape_1.jpg", "Portrait_2.jpg", "Landscape_5.jpg", "Portrait_6.jpg", "Landscape_7.jpg", "Portrait_8.jpg")
	slow := []string{"-filters", "blur=6,resize=300x0", "-assign", "size"}
	ref, out := t.TempDir(), t.TempDir()
	refReport := filepath.Join(t.TempDir(), "ref.json")
	if code, _, stderr := run(t, append(append(append([]string{"run", "-quiet", "-out", ref, "-report", refReport}, shardSettings...), slow[:2]...), in)...); code != ExitOK {
		t.Fatalf("one run: exit %d\n%s", code, stderr)
	}
	planFile := writePlan(t, out, slow, in)
	p := readPlan(t, planFile)
	share := p.Shard(0, 2)
	if len(share) < 2 || len(share) == len(p.Inputs) {
		t.Fatalf("shard 0 of 2 has %d of %d inputs", len(share), len(p.Inputs))
	}
	cmd := picpoolCommand([]string{"run", "-quiet", "-workers", "1", "-plan", planFile, "-shard", "0/2"})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	jprefix := ".picpool-journal.shard-0-of-2."
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if js := shardFiles(t, out, jprefix); len(js) == 1 {
			if data, _ := os.ReadFile(js[0]); bytes.Contains(data, []byte(`"event":"file"`)) {
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	js := shardFiles(t, out, jprefix)
	if len(js) != 1 {
		t.Fatalf("journals of the killed attempt: %v", js)
	}
	data, _ := os.ReadFile(js[0])
	before := strings.Count(string(data), `"event":"file"`)
	if before == 0 || before >= len(share) || bytes.Contains(data, []byte(in)) {
		t.Fatalf("the killed attempt journalled %d of %d inputs (want some, not all), by path relative to the root:\n%s", before, len(share), data)
	}
	code, _, stderr := run(t, "run", "-quiet", "-workers", "1", "-plan", planFile, "-shard", "0/2", "-resume")
	if code != ExitOK {
		t.Fatalf("resumed shard: exit %d\n%s", code, stderr)
	}
	reports := shardFiles(t, out, engine.ReportPrefix)
	if len(reports) != 1 {
		t.Fatalf("reports: %v, want the resumed attempt's", reports)
	}
	rep, err := engine.ReadReport(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Summary; s.Total != len(share) || s.Skipped != 0 || s.Done != len(share) || s.Resumed != before {
		t.Errorf("resumed shard: %+v; want %d inputs done, %d of them before", rep.Summary, len(share), before)
	}
	if left := shardFiles(t, out, ".picpool-journal."); len(left) != 0 {
		t.Errorf("journals left after the shard finished: %v", left)
	}
	// A temporary file the kill left is the killed process's, named for
	// it: the resume removed it, fresh as it is (processing.TempWriterGone).
	want, got := outputsOf(t, ref), outputsOf(t, out)
	for _, i := range share {
		name := p.Inputs[i].Outputs[0]
		if got[name] != want[name] {
			t.Errorf("%s differs from one run's or is missing", name)
		}
		delete(got, name)
	}
	if len(got) != 0 {
		t.Errorf("files of the other shard made, or temporary files left: %v", keys(got))
	}
	if code, _, stderr := run(t, "run", "-quiet", "-plan", planFile, "-shard", "1/2"); code != ExitOK {
		t.Fatalf("shard 1: exit %d\n%s", code, stderr)
	}
	code, merged, stderr := merge(t, planFile)
	if code != ExitOK || merged.Summary.Resumed != before {
		t.Fatalf("merge: exit %d, %+v; want 0, %d inputs done before\n%s", code, merged.Summary, before, stderr)
	}
	if w, g := stable(readReport(t, refReport), ref), stable(merged, out); !reflect.DeepEqual(w, g) {
		t.Errorf("merged report differs from one run's:\n one run %+v\n merged  %+v", w, g)
	}
}

// TestSameShardTwiceAtOnce runs one shard in two processes at once, as an
// engine may: the files are one run's, and the merge folds the two
// attempts' reports into one record per input, as one run's report.
func TestSameShardTwiceAtOnce(t *testing.T) {
	in := photoFolder(t, "Landscape_2.jpg", "Portrait_3.jpg", "Landscape_6.jpg", "Portrait_7.jpg", "Landscape_8.jpg")
	ref, out := t.TempDir(), t.TempDir()
	refReport := filepath.Join(t.TempDir(), "ref.json")
	if code, _, stderr := run(t, append(append([]string{"run", "-quiet", "-out", ref, "-report", refReport}, shardSettings...), in)...); code != ExitOK {
		t.Fatalf("one run: exit %d\n%s", code, stderr)
	}
	planFile := writePlan(t, out, nil, in)
	var cmds []*exec.Cmd
	var logs []*bytes.Buffer
	for range 2 {
		cmd := picpoolCommand([]string{"run", "-quiet", "-workers", "1", "-plan", planFile, "-shards", "2"})
		cmd.Env = append(cmd.Env, "SLURM_ARRAY_TASK_ID=1", "PICPOOL_SHARD_INDEX=")
		var log bytes.Buffer
		cmd.Stderr = &log
		cmds, logs = append(cmds, cmd), append(logs, &log)
	}
	for _, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("attempt %d: %v\n%s", i, err, logs[i])
		}
	}
	// Each output was written once: made by one attempt, found made by the
	// other (the hard link that moves it into place never replaces).
	attempts := shardFiles(t, out, engine.ReportPrefix+"shard-1-of-2.")
	share := len(readPlan(t, planFile).Shard(1, 2))
	var done, skipped int
	for _, path := range attempts {
		rep, err := engine.ReadReport(path)
		if err != nil {
			t.Fatal(err)
		}
		done, skipped = done+rep.Summary.Done, skipped+rep.Summary.Skipped
	}
	if len(attempts) != 2 || share == 0 || done != share || skipped != share {
		t.Errorf("%d attempts' reports made %d and skipped %d of the shard's %d inputs; want each made once", len(attempts), done, skipped, share)
	}
	if code, _, stderr := run(t, "run", "-quiet", "-plan", planFile, "-shard", "0/2"); code != ExitOK {
		t.Fatalf("shard 0: exit %d\n%s", code, stderr)
	}
	if want, got := outputsOf(t, ref), outputsOf(t, out); !reflect.DeepEqual(want, got) {
		t.Errorf("files differ from one run's:\n one run %v\n shards  %v", keys(want), keys(got))
	}
	code, merged, stderr := merge(t, planFile)
	if code != ExitOK || merged.Shards.Reports != 3 {
		t.Fatalf("merge: exit %d, %+v; want 0 from 3 reports\n%s", code, merged.Shards, stderr)
	}
	if w, g := stable(readReport(t, refReport), ref), stable(merged, out); !reflect.DeepEqual(w, g) {
		t.Errorf("merged report differs from one run's:\n one run %+v\n merged  %+v", w, g)
	}
}
