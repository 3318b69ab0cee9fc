package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

const testdata = "../../shared/testdata"

func settings(t testing.TB, out, chain string, workers int) Settings {
	t.Helper()
	c, err := processing.ParseChain(chain)
	if err != nil {
		t.Fatal(err)
	}
	return Settings{
		Processing: processing.Settings{Chain: c, Naming: processing.Naming{Dir: out}, Quality: 90},
		Workers:    workers,
	}
}

func runBatch(t testing.TB, inputs []string, s Settings) (Summary, []Record) {
	t.Helper()
	b := Collect(context.Background(), inputs, s.Processing.Naming.Dir)
	r, err := Start(context.Background(), b, s)
	if err != nil {
		t.Fatal(err)
	}
	sum := r.Wait()
	return sum, r.Records(0)
}

// files lists every file under dir (relative path -> sha256).
func files(t testing.TB, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPhotosBatchIsUpright(t *testing.T) {
	out := t.TempDir()
	sum, records := runBatch(t, []string{filepath.Join(testdata, "photos")}, settings(t, out, "resize=300x0", 2))
	if sum.Done != 18 || sum.Failed != 0 || sum.Total != 18 {
		t.Fatalf("summary %+v", sum)
	}
	if len(records) != 18 {
		t.Fatalf("%d records", len(records))
	}
	for _, r := range records {
		if r.Status != "done" || r.StageMS["decoding"] <= 0 || r.StageMS["encoding"] <= 0 || r.StageMS["writing"] <= 0 {
			t.Errorf("record %+v", r)
		}
	}
	for _, shape := range []string{"Landscape", "Portrait"} {
		ref := open(t, filepath.Join(out, shape+"_1.jpg"))
		for n := 0; n <= 8; n++ {
			img := open(t, filepath.Join(out, fmt.Sprintf("%s_%d.jpg", shape, n)))
			if img.Bounds().Size() != ref.Bounds().Size() {
				t.Errorf("%s_%d is %v, %s_1 is %v", shape, n, img.Bounds().Size(), shape, ref.Bounds().Size())
				continue
			}
			if d := meanDiff(ref, img); d > 6 {
				t.Errorf("%s_%d differs from %s_1 by %.1f per channel: not upright", shape, n, shape, d)
			}
		}
	}
}

func open(t testing.TB, path string) image.Image {
	t.Helper()
	img, err := imaging.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func meanDiff(a, b image.Image) float64 {
	sa, sb := imaging.Resize(a, 60, 0, imaging.Box), imaging.Resize(b, 60, 0, imaging.Box)
	var sum float64
	for i := range sa.Pix {
		d := int(sa.Pix[i]) - int(sb.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += float64(d)
	}
	return sum / float64(len(sa.Pix))
}

func TestCancelLeavesNoPartialFilesAndSourcesUntouched(t *testing.T) {
	// Sources in a folder of their own, hashed before and after.
	src := t.TempDir()
	photos, _ := filepath.Glob(filepath.Join(testdata, "photos", "*.jpg"))
	for _, p := range photos {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("%d-%s", i, filepath.Base(p))), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := files(t, src)
	out := filepath.Join(src, "out") // inside the input folder, to check it is excluded
	s := settings(t, out, "blur=4,sharpen=1", 2)
	b := Collect(context.Background(), []string{src}, out)
	r, err := Start(context.Background(), b, s)
	if err != nil {
		t.Fatal(err)
	}
	// Cancel while files are in every stage: as soon as one is finished.
	deadline := time.Now().Add(2 * time.Minute)
	for len(r.Records(0)) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	r.Cancel()
	sum := r.Wait()
	if !sum.Interrupted || sum.Canceled == 0 || sum.Done == 0 {
		t.Fatalf("summary %+v: want some done, some canceled", sum)
	}
	if sum.Done+sum.Canceled+sum.Failed+sum.Skipped != len(photos)*2 {
		t.Errorf("summary %+v does not add up to %d", sum, len(photos)*2)
	}
	got := files(t, out)
	for rel := range got {
		if processing.IsTemp(rel) {
			t.Errorf("temporary file left: %s", rel)
			continue
		}
		if _, err := imaging.Open(filepath.Join(out, rel)); err != nil {
			t.Errorf("partial output %s: %v", rel, err)
		}
	}
	if len(got) != sum.Done {
		t.Errorf("%d outputs for %d done", len(got), sum.Done)
	}
	after := files(t, src)
	for rel, h := range before {
		if after[rel] != h {
			t.Errorf("source %s changed", rel)
		}
	}
	for _, rec := range r.Records(0) {
		if rec.Status == "canceled" && rec.Output != "" {
			t.Errorf("canceled record with output: %+v", rec)
		}
	}
}

// TestOneAndManyWorkersGiveIdenticalOutputs runs over the whole shared test
// folder, hostile files included.
func TestOneAndManyWorkersGiveIdenticalOutputs(t *testing.T) {
	if raceEnabled {
		t.Skip("decodes a 144 MP image twice: minutes under -race; make test runs it without -race")
	}
	root := t.TempDir()
	var sums []Summary
	var trees []map[string][32]byte
	var fails [][]string
	for _, n := range []int{1, 4} {
		out := filepath.Join(root, fmt.Sprint(n))
		s := settings(t, out, "resize=160x160,grayscale", n)
		s.Processing.OnExists = processing.Rename
		s.Processing.Format = codec.PNG
		sum, records := runBatch(t, []string{testdata}, s)
		sums = append(sums, sum)
		trees = append(trees, files(t, out))
		var failed []string
		for _, r := range records {
			if r.Status == "failed" {
				failed = append(failed, r.Input+": "+r.Error)
			}
		}
		sort.Strings(failed)
		fails = append(fails, failed)
	}
	if sums[0].Done < 120 {
		t.Errorf("only %d files converted: %+v", sums[0].Done, sums[0])
	}
	if sums[0].Done != sums[1].Done || sums[0].Failed != sums[1].Failed || sums[0].Skipped != sums[1].Skipped {
		t.Errorf("1 worker: %+v\n4 workers: %+v", sums[0], sums[1])
	}
	if strings.Join(fails[0], "\n") != strings.Join(fails[1], "\n") {
		t.Errorf("failures differ:\n%s\n---\n%s", strings.Join(fails[0], "\n"), strings.Join(fails[1], "\n"))
	}
	// With rename, which of two inputs mapping to one name gets the plain
	// name depends on timing; compare the sets of contents per folder.
	if len(trees[0]) != len(trees[1]) {
		t.Fatalf("%d files vs %d", len(trees[0]), len(trees[1]))
	}
	for rel, h := range trees[0] {
		if other, ok := trees[1][rel]; !ok || other != h {
			if !strings.Contains(filepath.Base(rel), "-1.") && !hasContent(trees[1], filepath.Dir(rel), h) {
				t.Errorf("%s differs between 1 and 4 workers", rel)
			}
		}
	}
}

func hasContent(tree map[string][32]byte, dir string, h [32]byte) bool {
	for rel, other := range tree {
		if filepath.Dir(rel) == dir && other == h {
			return true
		}
	}
	return false
}

func TestRefusesToOverwriteSources(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(testdata, "photos", "Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "a.jpg")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := settings(t, dir, "grayscale", 1)
	s.Processing.OnExists = processing.Overwrite
	b := Collect(context.Background(), []string{dir}, "")
	if _, err := Start(context.Background(), b, s); !errors.Is(err, ErrOverwritesSources) {
		t.Fatalf("Start = %v, want ErrOverwritesSources", err)
	}
	// Asked for explicitly, it replaces the source atomically.
	s.AllowSourceOverwrite = true
	r, err := Start(context.Background(), b, s)
	if err != nil {
		t.Fatal(err)
	}
	if sum := r.Wait(); sum.Done != 1 {
		t.Fatalf("%+v %+v", sum, r.Records(0))
	}
	after, _ := os.ReadFile(src)
	if bytes.Equal(after, data) {
		t.Error("source was not replaced")
	}
	// With the default policy (skip), the same folder is harmless: skipped.
	s = settings(t, dir, "grayscale", 1)
	r, err = Start(context.Background(), b, s)
	if err != nil {
		t.Fatal(err)
	}
	if sum := r.Wait(); sum.Skipped != 1 {
		t.Errorf("%+v", sum)
	}
}

func TestFailuresAreRecordedAndBatchGoesOn(t *testing.T) {
	out := t.TempDir()
	inputs := []string{
		filepath.Join(testdata, "hostile", "trunc_50pct.jpg"),
		filepath.Join(testdata, "photos", "Portrait_3.jpg"),
		filepath.Join(testdata, "hostile", "bomb_png_100000x100000_tiny_idat.png"),
		filepath.Join(testdata, "hostile", "text.png"),
		filepath.Join(testdata, "nope.jpg"),
	}
	sum, records := runBatch(t, inputs, settings(t, out, "resize=100x0", 2))
	if sum.Done != 1 || sum.Failed != 3 {
		t.Fatalf("%+v", sum)
	}
	reasons := map[string]string{}
	for _, r := range records {
		reasons[filepath.Base(r.Input)] = r.Reason + ": " + r.Error
	}
	for name, want := range map[string]string{
		"trunc_50pct.jpg": "truncated: truncated JPEG", "text.png": "not an image",
		"bomb_png_100000x100000_tiny_idat.png": "too large: 100000x100000 exceeds the 179 MP limit",
	} {
		if !strings.HasPrefix(reasons[name], want) {
			t.Errorf("%s: %q, want %q", name, reasons[name], want)
		}
	}
}

func TestSameOutputNameInOneBatchLosesNothing(t *testing.T) {
	out := t.TempDir()
	inputs := []string{filepath.Join(testdata, "hostile", "one_px.jpg"), filepath.Join(testdata, "hostile", "one_px.png")}
	s := settings(t, out, "", 2)
	s.Processing.Format = codec.PNG
	sum, _ := runBatch(t, inputs, s)
	if sum.Done != 2 {
		t.Fatalf("%+v", sum)
	}
	for _, name := range []string{"one_px.png", "one_px-1.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	// A second run plans the same names and skips both.
	if sum, _ := runBatch(t, inputs, s); sum.Skipped != 2 {
		t.Errorf("second run: %+v", sum)
	}
}

// Batch.Without leaves out what Collect leaves out of a fresh walk (the
// output folder inside an input folder), for a list of sources collected
// before the output folder was known; a file given by itself stays.
func TestBatchWithoutTheOutputFolder(t *testing.T) {
	photo, err := os.ReadFile(filepath.Join(testdata, "photos", "Landscape_0.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	out := filepath.Join(in, "out")
	for _, rel := range []string{"a.jpg", "sub/b.jpg", "out/a.jpg", "out/deeper/b.jpg"} {
		p := filepath.Join(in, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, photo, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	given := filepath.Join(out, "a.jpg") // an earlier output, dropped by itself
	names := func(b Batch) []string {
		var n []string
		for _, s := range b.Sources {
			rel, _ := filepath.Rel(in, s.Path)
			n = append(n, filepath.ToSlash(rel))
		}
		sort.Strings(n)
		return n
	}
	all := Collect(context.Background(), []string{in}, "")
	if got := names(all); len(got) != 4 {
		t.Fatalf("collected %v, want 4 sources", got)
	}
	fresh := names(Collect(context.Background(), []string{in}, out))
	if got := names(all.Without(out)); !slices.Equal(got, fresh) || !slices.Equal(got, []string{"a.jpg", "sub/b.jpg"}) {
		t.Errorf("Without(out) = %v, a fresh walk gives %v; want a.jpg and sub/b.jpg", got, fresh)
	}
	if got := names(Collect(context.Background(), []string{given}, "").Without(out)); !slices.Equal(got, []string{"out/a.jpg"}) {
		t.Errorf("a file given by itself: Without(out) = %v, want it kept", got)
	}
	if got := names(all.Without(t.TempDir())); len(got) != 4 {
		t.Errorf("an output folder elsewhere left out files: %v", got)
	}
	if got := names(all.Without("")); len(got) != 4 {
		t.Errorf("no output folder left out files: %v", got)
	}
}

// The journal's fingerprint tells metadata policies and file dates apart
// (a resume must not mix outputs with and without GPS), and takes the
// default policy however it is spelled.
func TestFingerprintHasMetadataSettings(t *testing.T) {
	base := processing.Settings{Naming: processing.Naming{Dir: "out"}}
	with := func(f func(*processing.Settings)) string {
		s := base
		f(&s)
		return settingsFingerprint(s)
	}
	def := with(func(s *processing.Settings) {})
	if with(func(s *processing.Settings) { s.Metadata = processing.KeepNoLocation }) != def {
		t.Error(`"" and no-location fingerprint differently`)
	}
	for name, f := range map[string]func(*processing.Settings){
		"all":        func(s *processing.Settings) { s.Metadata = processing.KeepAll },
		"none":       func(s *processing.Settings) { s.Metadata = processing.StripAll },
		"keep dates": func(s *processing.Settings) { s.KeepDates = true },
	} {
		if with(f) == def {
			t.Errorf("%s fingerprints as the default", name)
		}
	}
}
