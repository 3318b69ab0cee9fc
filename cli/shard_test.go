package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/picpool/picpool/engine"
)

// shardInputs makes a batch with every kind of clash and a corrupt file:
// a/ and b/ both hold Landscape_0.jpg (one name under -flat), b/ holds
// photo.jpg and photo.png (one name as PNG), bad.jpg is truncated, and
// notes.txt is not an image (ignored).
func shardInputs(t *testing.T) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in")
	copyTo := func(src, dst string) {
		data, err := os.ReadFile(filepath.Join(testdata, src))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(in, dst)), 0o755)
		if err := os.WriteFile(filepath.Join(in, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"Landscape_0", "Landscape_1", "Portrait_3", "Landscape_4"} {
		copyTo("photos/"+name+".jpg", "a/"+name+".jpg")
	}
	copyTo("photos/Landscape_0.jpg", "b/Landscape_0.jpg")
	copyTo("photos/Portrait_2.jpg", "b/photo.jpg")
	copyTo("hostile/one_px.png", "b/photo.png")
	copyTo("hostile/trunc_50pct.jpg", "b/bad.jpg")
	copyTo("photos/README.markdown", "b/notes.txt")
	return in
}

var shardSettings = []string{"-flat", "-format", "png", "-png-compression", "fast", "-filters", "resize=160x0"}

// outputsOf hashes the files under dir but PicPool's own (journals,
// reports); temporary files count.
func outputsOf(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	tree := map[string][32]byte{}
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		n := de.Name()
		if strings.HasPrefix(n, ".picpool-journal.") || strings.HasPrefix(n, engine.ReportPrefix) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		tree[n] = sha256.Sum256(data)
	}
	return tree
}

// stable is a report with the fields that change from run to run (times,
// workers, which attempt made an output) cleared, outputs named relative to their folder, and the
// records in the order of their inputs.
func stable(r engine.Report, outDir string) engine.Report {
	r.Summary.WallMS, r.Summary.PerSecond, r.Summary.Resumed = 0, 0, 0
	r.Shards = nil
	recs := append([]engine.Record(nil), r.Records...)
	for i := range recs {
		recs[i].Worker, recs[i].StageMS, recs[i].TotalMS, recs[i].DoneBefore = 0, nil, 0, false
		if rel, err := filepath.Rel(outDir, recs[i].Output); err == nil && recs[i].Output != "" {
			recs[i].Output = rel
		}
	}
	sort.Slice(recs, func(a, b int) bool {
		if recs[a].Input != recs[b].Input {
			return recs[a].Input < recs[b].Input
		}
		return recs[a].OutputIndex < recs[b].OutputIndex
	})
	r.Records = recs
	return r
}

func writePlan(t *testing.T, out string, extra []string, inputs ...string) string {
	t.Helper()
	planFile := filepath.Join(t.TempDir(), "plan.jsonl")
	var stdout, stderr bytes.Buffer
	args := append(append(append([]string{"plan", "-out", out}, shardSettings...), extra...), inputs...)
	if code := Run(&Env{Stdout: &stdout, Stderr: &stderr}, args); code != ExitOK {
		t.Fatalf("plan: exit %d\n%s", code, stderr.String())
	}
	if err := os.WriteFile(planFile, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return planFile
}

func merge(t *testing.T, planFile string, extra ...string) (int, engine.Report, string) {
	t.Helper()
	code, stdout, stderr := run(t, append([]string{"report", "merge", "-plan", planFile}, extra...)...)
	var rep engine.Report
	if code != ExitUsage {
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("merge printed no report: %v\n%s\n%s", err, stdout, stderr)
		}
	}
	return code, rep, stderr
}

// TestShardsEqualOneRun: three shards of a plan (one with -shard K/N, two
// with -shards N and the index from the environment) make the files one
// run makes, byte for byte, clashes numbered over the whole batch; the
// merged report is that run's, but for times; the shards leave their
// reports and no journal but the one of the shard whose input failed.
func TestShardsEqualOneRun(t *testing.T) {
	in := shardInputs(t)
	ref, out := t.TempDir(), t.TempDir()
	refReport := filepath.Join(t.TempDir(), "ref.json")
	if code, _, stderr := run(t, append(append([]string{"run", "-quiet", "-out", ref, "-report", refReport}, shardSettings...), filepath.Join(in, "a"), filepath.Join(in, "b"))...); code != ExitFailures {
		t.Fatalf("one run: exit %d, want 1 (bad.jpg fails)\n%s", code, stderr)
	}
	planFile := writePlan(t, out, nil, filepath.Join(in, "a"), filepath.Join(in, "b"))
	failed := 0
	for k, args := range [][]string{{"-shard", "0/3"}, {"-shards", "3"}, {"-shards", "3"}} {
		t.Setenv("PICPOOL_SHARD_INDEX", map[int]string{1: "1", 2: "2"}[k])
		code, _, stderr := run(t, append([]string{"run", "-quiet", "-plan", planFile}, args...)...)
		switch {
		case code == ExitFailures && strings.Contains(stderr, "bad.jpg"):
			failed++
		case code != ExitOK:
			t.Fatalf("shard %d: exit %d\n%s", k, code, stderr)
		}
	}
	if failed != 1 {
		t.Errorf("%d shards failed on bad.jpg, want 1", failed)
	}
	want, got := outputsOf(t, ref), outputsOf(t, out)
	for _, name := range []string{"Landscape_0.png", "Landscape_0-1.png", "photo.png", "photo-1.png"} {
		if _, ok := want[name]; !ok {
			t.Errorf("one run made no %s: the test's clashes are gone (%d files)", name, len(want))
		}
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("the shards' files differ from one run's:\n one run %v\n shards  %v", keys(want), keys(got))
	}
	code, merged, stderr := merge(t, planFile)
	if code != ExitFailures || merged.Shards == nil || !merged.Shards.Complete() || merged.Shards.Reports != 3 {
		t.Fatalf("merge: exit %d (want 1: complete, bad.jpg failed), %+v\n%s", code, merged.Shards, stderr)
	}
	if w, g := stable(readReport(t, refReport), ref), stable(merged, out); !reflect.DeepEqual(w, g) {
		t.Errorf("merged report differs from one run's:\n one run %+v\n merged  %+v", w.Summary, g.Summary)
		for i := range min(len(w.Records), len(g.Records)) {
			if !reflect.DeepEqual(w.Records[i], g.Records[i]) {
				t.Errorf("record %d:\n one run %+v\n merged  %+v", i, w.Records[i], g.Records[i])
			}
		}
	}
	var journals []string
	des, _ := os.ReadDir(out)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".picpool-journal.") {
			journals = append(journals, de.Name())
		}
	}
	if len(journals) != 1 {
		t.Errorf("journals left: %v; want the one of the shard whose input failed", journals)
	}
}

func keys(m map[string][32]byte) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// TestShardUsage: settings given again must be the plan's, the inputs
// come from the plan, the index from the environment, and a root that is
// not there is named; -root finds the inputs moved elsewhere, and the
// merge names the shard that has not run.
func TestShardUsage(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	os.MkdirAll(in, 0o755)
	for _, name := range []string{"Landscape_2.jpg", "Portrait_5.jpg", "Portrait_6.jpg"} {
		data, _ := os.ReadFile(filepath.Join(testdata, "photos", name))
		os.WriteFile(filepath.Join(in, name), data, 0o644)
	}
	out := t.TempDir()
	planFile := writePlan(t, out, []string{"-assign", "size"}, in)
	t.Setenv("PICPOOL_SHARD_INDEX", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-shard", "0/2", "-filters", "resize=200x0"}, "-filters differ from the plan's settings"},
		{[]string{"-shard", "0/2", "-format", "jpeg"}, "-format differ from the plan's settings"},
		{[]string{"-shard", "0/2", in}, "takes its inputs from the plan"},
		{[]string{"-shards", "2"}, "no shard index in the environment"},
		{[]string{"-shard", "2/2"}, "numbered from 0"},
		{[]string{"-shard", "0/2", "-root", filepath.Join(in, "gone")}, "is not here: give -root"},
	} {
		code, _, stderr := run(t, append([]string{"run", "-plan", planFile}, c.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", c.args, code, c.want, stderr)
		}
	}
	// The same settings given again are fine; the store moved is found
	// with -root, and the merge names the inputs where the plan has them.
	moved := filepath.Join(t.TempDir(), "mnt")
	if err := os.Rename(in, moved); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, append([]string{"run", "-quiet", "-plan", planFile, "-shard", "1/2", "-root", moved}, shardSettings...)...); code != ExitOK {
		t.Fatalf("shard 1 with -root: exit %d\n%s", code, stderr)
	}
	code, merged, stderr := merge(t, planFile)
	if code != ExitIncomplete || merged.Shards == nil || !reflect.DeepEqual(merged.Shards.Missing, []int{0}) || !strings.Contains(stderr, "missing shards (no report): 0") {
		t.Fatalf("merge without shard 0: exit %d, %+v, want 3 naming shard 0\n%s", code, merged.Shards, stderr)
	}
	done := 0
	for _, r := range merged.Records {
		if !strings.HasPrefix(r.Input, in+string(filepath.Separator)) {
			t.Errorf("merged input %s: want it below the plan's root %s", r.Input, in)
		}
		switch r.Status {
		case "done":
			done++
		case "canceled":
			if r.Reason != "missing" {
				t.Errorf("%s: %s (%s), want missing", r.Input, r.Status, r.Reason)
			}
		}
	}
	if done == 0 || done == 3 || merged.Summary.Done != done || merged.Summary.Canceled != 3-done {
		t.Errorf("merged: %d done of 3, summary %+v: want shard 1's alone done, the rest not processed", done, merged.Summary)
	}
}

// TestRootKeepsFolderNames: {folder} of an input directly in the plan's
// root is the root's name at plan time, also where -root mounts the store
// under another name: a shard makes the names the plan has.
func TestRootKeepsFolderNames(t *testing.T) {
	in := photoFolder(t, "Landscape_2.jpg", "Portrait_5.jpg")
	os.MkdirAll(filepath.Join(in, "sub"), 0o755)
	os.Rename(filepath.Join(in, "Portrait_5.jpg"), filepath.Join(in, "sub", "Portrait_5.jpg"))
	out := t.TempDir()
	planFile := writePlan(t, out, []string{"-name", "{folder}_{name}"}, in)
	moved := filepath.Join(t.TempDir(), "mnt")
	if err := os.Rename(in, moved); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "run", "-quiet", "-plan", planFile, "-shard", "0/1", "-root", moved); code != ExitOK {
		t.Fatalf("shard with -root: exit %d\n%s", code, stderr)
	}
	var want []string
	for _, in := range readPlan(t, planFile).Inputs {
		want = append(want, in.Outputs[0])
	}
	got := keys(outputsOf(t, out))
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) || want[0] != "in_Landscape_2.png" {
		t.Errorf("outputs %v, want the plan's %v", got, want)
	}
}
