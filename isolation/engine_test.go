//go:build unix

package isolation_test

// Batches through the engine with worker processes: the children are this
// test binary, which TestMain (main_test.go) turns into a worker.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/isolation"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

const testdata = "../../shared/testdata"

func processSettings(t *testing.T, out, chain string, workers int) engine.Settings {
	t.Helper()
	c, err := processing.ParseChain(chain)
	if err != nil {
		t.Fatal(err)
	}
	return engine.Settings{
		Processing:    processing.Settings{Chain: c, Naming: processing.Naming{Dir: out}, Quality: 90},
		Workers:       workers,
		Isolation:     engine.Processes,
		WorkerCommand: []string{os.Args[0]},
	}
}

func start(t *testing.T, inputs []string, s engine.Settings) *engine.Run {
	t.Helper()
	b := engine.Collect(context.Background(), inputs, s.Processing.Naming.Dir)
	r, err := engine.Start(context.Background(), b, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Cancel(); r.Wait() })
	return r
}

// checkOutputs checks that every done record's output exists and decodes,
// and that no temporary file is left.
func checkOutputs(t *testing.T, out string, records []engine.Record) {
	t.Helper()
	for _, r := range records {
		if r.Status != "done" {
			continue
		}
		if _, err := codec.Probe(r.Output, codec.DecodeOptions{}); err != nil {
			t.Errorf("%s: output %s: %v", r.Input, r.Output, err)
		}
	}
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && processing.IsTemp(d.Name()) {
			t.Errorf("temporary file left: %s", path)
		}
		return nil
	})
}

// TestWorkerKilledMidFile kills a worker process with SIGKILL while it
// filters a photo: that file fails as a crash, the others convert.
func TestWorkerKilledMidFile(t *testing.T) {
	src := t.TempDir()
	for i := range 4 {
		data, err := os.ReadFile(filepath.Join(testdata, "photos", fmt.Sprintf("Landscape_%d.jpg", i)))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, fmt.Sprintf("p%d.jpg", i)), data, 0o644)
	}
	out := t.TempDir()
	r := start(t, []string{src}, processSettings(t, out, "resize=900x0,blur=3", 2))

	var victim string
	var pid int
	deadline := time.Now().Add(2 * time.Minute)
	for victim == "" && time.Now().Before(deadline) {
		snap, procs := r.Snapshot(), r.Processes()
		for i, w := range snap.Workers {
			if w.State == processing.StageFiltering && procs[i].PID != 0 {
				victim, pid = w.Current, procs[i].PID
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if victim == "" {
		t.Fatal("no worker reached the filtering stage")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	sum := r.Wait()
	records := r.Records(0)
	if sum.Done != 3 || sum.Failed != 1 || len(records) != 4 {
		t.Fatalf("summary %+v, records %+v", sum, records)
	}
	for _, rec := range records {
		if rec.Status == "failed" {
			t.Logf("%s: %s: %s", filepath.Base(rec.Input), rec.Reason, rec.Error)
			if rec.Input != victim || rec.Reason != isolation.ReasonCrash || !strings.Contains(rec.Error, "killed") {
				t.Errorf("failed record %+v, want %s failed as a crash (killed)", rec, victim)
			}
		}
	}
	checkOutputs(t, out, records)
	lost := 0
	for _, p := range r.Processes() {
		lost += p.Lost
		if p.PID != 0 {
			t.Errorf("worker %d still has process %d after the batch", p.Worker, p.PID)
		}
	}
	if lost != 1 {
		t.Errorf("%d processes lost, want 1: %+v", lost, r.Processes())
	}
}

// TestResumeInProcesses cancels a batch with the journal on, finds it
// unfinished, and resumes it: the files done are not redone, and the
// outputs are those of one whole run.
func TestResumeInProcesses(t *testing.T) {
	inputs := []string{filepath.Join(testdata, "photos")}
	const chain = "resize=120x0"
	ref := t.TempDir()
	s := processSettings(t, ref, chain, 2)
	if sum := start(t, inputs, s).Wait(); sum.Done != 18 {
		t.Fatalf("reference %+v", sum)
	}

	out := t.TempDir()
	s = processSettings(t, out, chain, 2)
	s.Journal = true
	r := start(t, inputs, s)
	for len(r.Records(0)) < 4 {
		time.Sleep(2 * time.Millisecond)
	}
	r.Cancel()
	first := r.Wait()
	if !first.Interrupted || first.Done == 0 || first.Done >= 18 {
		t.Fatalf("first run %+v: want it cut short", first)
	}
	if run, unfinished := engine.Unfinished(out); !unfinished || run.Done != first.Done || run.Total != 18 {
		t.Fatalf("Unfinished = %+v, %v after %+v", run, unfinished, first)
	}
	other := processSettings(t, out, "resize=121x0", 2)
	other.Journal, other.Resume = true, true
	b := engine.Collect(context.Background(), inputs, out)
	if _, err := engine.Start(context.Background(), b, other); !errors.Is(err, engine.ErrResumeSettings) {
		t.Errorf("resume with other settings: %v", err)
	}

	s.Resume = true
	second := start(t, inputs, s).Wait()
	if second.Resumed != first.Done || second.Done != 18-first.Done || second.Failed != 0 {
		t.Errorf("resumed %+v after %+v", second, first)
	}
	if _, unfinished := engine.Unfinished(out); unfinished {
		t.Error("still unfinished after the resume")
	}
	want, got := tree(t, ref), tree(t, out)
	if len(got) != 18 || len(want) != 18 {
		t.Fatalf("%d outputs, want 18 (reference %d)", len(got), len(want))
	}
	for rel, h := range want {
		if got[rel] != h {
			t.Errorf("%s differs", rel)
		}
	}
}

// tree hashes the files under dir, the journal left out.
func tree(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == journal.FileName {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = sha256.Sum256(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJobExhaustsItsMemoryLimit gives a 144 MP image to workers limited to
// 128 MiB: that file fails with "out of memory", the others convert.
func TestJobExhaustsItsMemoryLimit(t *testing.T) {
	out := t.TempDir()
	inputs := []string{
		filepath.Join(testdata, "photos", "Landscape_5.jpg"),
		filepath.Join(testdata, "hostile", "valid_144mpx_white.jpg"),
		filepath.Join(testdata, "photos", "Portrait_2.jpg"),
		filepath.Join(testdata, "hostile", "one_px.png"),
	}
	// grayscale first: the whole image is decoded (no shrink-on-load) and
	// turned into a 576 MB NRGBA.
	s := processSettings(t, out, "grayscale,resize=64x0", 2)
	s.WorkerMemory = 128 << 20
	r := start(t, inputs, s)
	sum := r.Wait()
	records := r.Records(0)
	if sum.Done != 3 || sum.Failed != 1 {
		t.Fatalf("summary %+v, records %+v", sum, records)
	}
	for _, rec := range records {
		if rec.Status == "failed" {
			t.Logf("%s: %s: %s", filepath.Base(rec.Input), rec.Reason, rec.Error)
			if filepath.Base(rec.Input) != "valid_144mpx_white.jpg" || rec.Reason != isolation.ReasonOutOfMemory {
				t.Errorf("failed record %+v, want the 144 MP image out of memory", rec)
			}
		}
	}
	checkOutputs(t, out, records)
}

// TestHostileFolderUnderMemoryBudgetInProcesses runs the real photos and
// the hostile files with 4 workers per core, as processes, under a 512 MiB
// budget: the same files convert and fail as with goroutines, and the whole
// process tree stays under the budget plus each process's idle footprint.
func TestHostileFolderUnderMemoryBudgetInProcesses(t *testing.T) {
	if isolation.RaceEnabled {
		t.Skip("decodes a 144 MP image twice: minutes under -race; make test runs it without -race")
	}
	inputs := []string{filepath.Join(testdata, "photos"), filepath.Join(testdata, "hostile")}
	const chain = "resize=320x0,sharpen=0.5"
	const budget = 512 << 20

	out := t.TempDir()
	workers := 4 * pool.LogicalCores()
	s := processSettings(t, out, chain, workers)
	s.MemoryBudget = budget
	parentIdle := idleSelf(t)
	r := start(t, inputs, s)
	var childIdle uint64 // each child once all have started
	for _, p := range r.Processes() {
		childIdle = max(childIdle, p.RSS)
	}
	sampled := sampleTree(t, r) // the tree's resident memory, every 20 ms
	sum := r.Wait()
	records := r.Records(0)
	got := outcomes(records)
	parentPeak := statusBytes(t, "self", "VmHWM")

	// Reference: goroutines, no budget.
	ref := processSettings(t, t.TempDir(), chain, 2)
	ref.Isolation = engine.Goroutines
	rr := start(t, inputs, ref)
	refSum := rr.Wait()
	want := outcomes(rr.Records(0))

	if sum.Total != refSum.Total || sum.Done != refSum.Done || sum.Failed != refSum.Failed || sum.Canceled != 0 {
		t.Errorf("processes %+v\ngoroutines %+v", sum, refSum)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("outcomes differ:\nprocesses:\n%s\ngoroutines:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, rec := range records {
		switch rec.Reason {
		case isolation.ReasonCrash, isolation.ReasonTimeout, isolation.ReasonOutOfMemory, "over budget":
			t.Errorf("%s: %s: %s", rec.Input, rec.Reason, rec.Error)
		}
	}
	checkOutputs(t, out, records)

	// Peak of the tree: the sum of every process's high-water mark (they
	// did not all peak at once, so this bounds the real peak from above).
	var childPeaks uint64
	for _, p := range r.Processes() {
		childPeaks += p.PeakRSS
	}
	overhead := parentIdle + uint64(workers)*childIdle + 64<<20
	t.Logf("%d workers, budget %d MiB: %d done, %d failed; tree peak %d MiB sampled every 20 ms, %d MiB as the sum of high-water marks (this process %d MiB, children %d MiB); idle: this process %d MiB, a child %d MiB; allowed %d MiB",
		workers, budget>>20, sum.Done, sum.Failed, sampled>>20, (parentPeak+childPeaks)>>20, parentPeak>>20, childPeaks>>20, parentIdle>>20, childIdle>>20, (budget+overhead)>>20)
	if parentPeak+childPeaks > budget+overhead {
		t.Errorf("tree peak %d MiB is over the %d MiB budget plus %d MiB of idle processes and slack", (parentPeak+childPeaks)>>20, budget>>20, overhead>>20)
	}
}

// TestMemoryBudgetHoldsBackBigImages runs six 12 MP photos on six worker
// processes twice: without a budget all decode at once; with one
// that fits a single image, they take turns, and the process tree stays
// under the budget plus the idle processes.
func TestMemoryBudgetHoldsBackBigImages(t *testing.T) {
	if isolation.RaceEnabled {
		t.Skip("12 MP images: slow under -race; make test runs it without -race")
	}
	src := t.TempDir()
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("big%d.jpg", i)), buf.Bytes(), 0o644)
	}
	// grayscale first: each image is decoded whole (no shrink-on-load).
	const chain = "grayscale,resize=64x0"
	const budget = 160 << 20
	parentIdle := idleSelf(t)
	peaks := map[int64]uint64{}
	for _, b := range []int64{0, budget} {
		s := processSettings(t, t.TempDir(), chain, 6)
		s.MemoryBudget = b
		r := start(t, []string{src}, s)
		var idle uint64
		for _, p := range r.Processes() {
			idle += p.RSS
		}
		peak := sampleTree(t, r)
		sum := r.Wait()
		if sum.Done != 6 {
			t.Fatalf("budget %d MiB: %+v %+v", b>>20, sum, r.Records(0))
		}
		peaks[b] = peak
		t.Logf("budget %4d MiB: tree peak %4d MiB (children idle %d MiB), %v", b>>20, peak>>20, idle>>20, sum.Wall.Round(time.Millisecond))
		if b > 0 {
			if allowed := uint64(b) + parentIdle + idle + 64<<20; peak > allowed {
				t.Errorf("tree peak %d MiB over the %d MiB budget plus idle processes and slack (%d MiB)", peak>>20, b>>20, allowed>>20)
			}
		}
	}
	if peaks[budget] >= peaks[0] {
		t.Errorf("the budget did not lower the peak: %d MiB with, %d MiB without", peaks[budget]>>20, peaks[0]>>20)
	}
}

// sampleTree samples the resident memory of this process and the run's
// worker processes every 20 ms until the run ends, and returns the highest.
func sampleTree(t *testing.T, r *engine.Run) uint64 {
	var peak uint64
	for {
		select {
		case <-r.Done():
			return peak
		case <-time.After(20 * time.Millisecond):
		}
		tree := statusBytes(t, "self", "VmRSS")
		for _, p := range r.Processes() {
			tree += p.RSS
		}
		peak = max(peak, tree)
	}
}

// outcomes lists "name: status reason" sorted.
func outcomes(records []engine.Record) []string {
	var out []string
	for _, r := range records {
		out = append(out, fmt.Sprintf("%s: %s %s", r.Input, r.Status, r.Reason))
	}
	sort.Strings(out)
	return out
}

// idleSelf returns this process's resident memory once the memory earlier
// tests left is handed back, and resets its high-water mark (VmHWM) to it.
func idleSelf(t *testing.T) uint64 {
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak memory figure: %v", err)
	}
	return statusBytes(t, "self", "VmRSS")
}

// statusBytes reads a kB field of /proc/<pid>/status.
func statusBytes(t *testing.T, pid, field string) uint64 {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skipf("no %s in /proc/%s/status", field, pid)
	return 0
}
