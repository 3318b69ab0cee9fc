package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/isolation"
	"github.com/picpool/picpool/processing"
)

const testdata = "../../shared/testdata"

// TestMain lets a test run this binary as "picpool": with PICPOOL_TEST_ARGS
// set (JSON list), it runs the command line and exits.
func TestMain(m *testing.M) {
	// A worker process of a "run -isolation process" started in this test
	// binary (its workers run os.Executable() __worker).
	if len(os.Args) == 2 && os.Args[1] == isolation.WorkerCommand {
		os.Exit(Main(os.Args[1:]))
	}
	if raw := os.Getenv("PICPOOL_TEST_ARGS"); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			panic(err)
		}
		os.Exit(Main(args))
	}
	os.Exit(m.Run())
}

// picpoolCommand is this test binary as "picpool args…" (see TestMain),
// started through wrap (taskset …) when given.
func picpoolCommand(args []string, wrap ...string) *exec.Cmd {
	raw, _ := json.Marshal(args)
	argv := append(wrap, os.Args[0], "-test.run=^$")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "PICPOOL_TEST_ARGS="+string(raw))
	return cmd
}

// readReport reads a -report file.
func readReport(t *testing.T, path string) engine.Report {
	t.Helper()
	var rep engine.Report
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(&Env{Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestRunConvertsAndReports(t *testing.T) {
	out := t.TempDir()
	reportPath := filepath.Join(out, "report.json")
	code, _, stderr := run(t, "run", "-out", out, "-filters", "resize=200x0,sharpen=0.5", "-format", "png",
		"-workers", "2", "-report", reportPath, filepath.Join(testdata, "photos"), filepath.Join(testdata, "hostile", "trunc_10pct.jpg"))
	if code != ExitFailures {
		t.Fatalf("exit %d, want %d (one failure)\n%s", code, ExitFailures, stderr)
	}
	if !strings.Contains(stderr, "FAIL   ../../shared/testdata/hostile/trunc_10pct.jpg: truncated JPEG") {
		t.Errorf("failure not printed:\n%s", stderr)
	}
	if !strings.Contains(stderr, "processed 18, skipped 0, failed 1 of 19 in ") {
		t.Errorf("summary missing:\n%s", stderr)
	}
	rep := readReport(t, reportPath)
	// The photos folder also holds a LICENSE and a README: ignored, with a record each.
	if rep.Summary.Total != 19 || rep.Summary.Done != 18 || rep.Summary.Failed != 1 || rep.Summary.Ignored != 2 || len(rep.Records) != 21 {
		t.Fatalf("summary %+v, %d records", rep.Summary, len(rep.Records))
	}
	for _, r := range rep.Records {
		switch r.Status {
		case "done":
			if _, err := os.Stat(r.Output); err != nil || filepath.Ext(r.Output) != ".png" || r.Width != 200 {
				t.Errorf("record %+v: %v", r, err)
			}
			for _, st := range []string{"decoding", "filtering", "encoding", "writing"} {
				if r.StageMS[st] <= 0 {
					t.Errorf("%s: no %s time in %v", r.Input, st, r.StageMS)
				}
			}
		case "failed":
			if r.Reason != "truncated" || r.Output != "" {
				t.Errorf("record %+v", r)
			}
		case "ignored":
			if !strings.Contains(r.Error, "not an image") {
				t.Errorf("record %+v", r)
			}
		default:
			t.Errorf("record %+v", r)
		}
	}
	// Again: everything exists, so everything is skipped, and that is success.
	code, _, stderr = run(t, "run", "-out", out, "-format", "png", "-quiet", filepath.Join(testdata, "photos"))
	if code != ExitOK || !strings.Contains(stderr, "skipped 18") {
		t.Errorf("second run: exit %d\n%s", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	out := t.TempDir()
	photos := filepath.Join(testdata, "photos")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", photos}, "-out FOLDER is required"},
		{[]string{"run", "-out", out}, "no inputs"},
		{[]string{"run", "-out", out, "-filters", "resize=10x10,blur=-3", photos}, `step 2 (blur): parameter "sigma": -3 is outside`},
		{[]string{"run", "-out", out, "-format", "heic", photos}, `unknown format "heic"`},
		{[]string{"run", "-out", out, "-on-exists", "merge", photos}, `unknown on-exists policy "merge"`},
		{[]string{"run", "-out", out, "-quality", "0", "-quality", "150", photos}, "quality 150 is outside 1..100"},
		{[]string{"run", "-out", out, "-workers", "-2", photos}, "-workers -2"},
		{[]string{"run", "-out", out, "-format", "avif", "-avif-speed", "11", photos}, "AVIF speed 11 is outside 1..10"},
		{[]string{"run", "-out", out, "-preset", filepath.Join(out, "missing.json"), photos}, "missing.json"},
		{[]string{"run", "-out", out, filepath.Join(testdata, "photos", "LICENSE.nope")}, "no image files found"},
		{[]string{"run", "-out", photos, "-on-exists", "overwrite", photos}, "would overwrite source files"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"run", "-nope"}, "flag provided but not defined"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, ExitUsage, tc.want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("usage errors wrote files: %v", entries)
	}
}

func TestPresetWithOverrides(t *testing.T) {
	dir := t.TempDir()
	chain, _ := processing.ParseChain("resize=120x0,grayscale")
	preset := filepath.Join(dir, "p.json")
	if err := processing.SavePreset(preset, processing.Preset{Name: "small", Filters: chain, Format: "png", Suffix: "_s"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	photo := filepath.Join(testdata, "photos", "Landscape_3.jpg")
	code, _, stderr := run(t, "run", "-out", out, "-preset", preset, "-format", "jpeg", photo)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The preset's chain and suffix, the flag's format.
	st, err := os.Stat(filepath.Join(out, "Landscape_3_s.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := codec.Decode(filepath.Join(out, "Landscape_3_s.jpg"), codec.DecodeOptions{})
	if err != nil || d.Info.Width != 120 || st.Size() == 0 {
		t.Fatalf("%+v %v", d, err)
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, stdout, _ := run(t, "--help")
	if code != ExitOK || !strings.Contains(stdout, "run ") {
		t.Errorf("help: %d %q", code, stdout)
	}
	code, stdout, _ = run(t, "--version")
	if code != ExitOK || !strings.HasPrefix(stdout, "picpool ") || !strings.Contains(stdout, "JPEG codec: "+codec.JPEGCodec) || !strings.Contains(stdout, "colour: lcms2 2.") && codec.ColorManaged {
		t.Errorf("version: %d %q", code, stdout)
	}
	for _, want := range []string{"HEIC codec (read): " + codec.HEIFCodec, "AVIF codec: " + codec.AVIFCodec, "WebP codec: " + codec.WebPCodec} {
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("version does not say %q: %q", want, stdout)
		}
	}
	if !IsCommand([]string{"run"}) || IsCommand([]string{"photos/"}) || IsCommand(nil) {
		t.Error("IsCommand")
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

func TestProgressLine(t *testing.T) {
	got := progressLine(5, 20, 2.5, 6*time.Second, true)
	want := "[#######.......................] 5/20  2.50 images/s  ETA 6s"
	if got != want {
		t.Errorf("%q\nwant %q", got, want)
	}
	if got := progressLine(0, 0, 0, 0, false); got != "0/0  0.00 images/s" {
		t.Errorf("%q", got)
	}
}

func TestReportCountsSkippedInputs(t *testing.T) {
	out := t.TempDir()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)
	data, _ := os.ReadFile(filepath.Join(testdata, "photos", "Portrait_1.jpg"))
	os.WriteFile(filepath.Join(dir, "p.jpg"), data, 0o644)
	reportPath := filepath.Join(out, "r.json")
	code, _, stderr := run(t, "run", "-out", out, "-filters", "resize=50x0", "-report", reportPath, dir)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "notes.txt: not an image") {
		t.Errorf("skipped input not shown:\n%s", stderr)
	}
	rep := readReport(t, reportPath)
	if rep.Summary.Total != 1 || rep.Summary.Ignored != 1 || rep.Summary.Done != 1 || len(rep.Records) != 2 {
		t.Errorf("%+v", rep.Summary)
	}
}

// Large AVIFs are grids of cells (item type "grid"), unless one frame is
// asked for: by the flag, in an -output spec, or in a preset.
func TestRunAVIFOneFrame(t *testing.T) {
	photo := filepath.Join(testdata, "photos", "Landscape_1.jpg")
	preset := filepath.Join(t.TempDir(), "one.json")
	if err := os.WriteFile(preset, []byte(`{"filters": [], "format": "avif", "avif_one_frame": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		grid bool
	}{
		{[]string{"-format", "avif"}, true},
		{[]string{"-format", "avif", "-avif-one-frame"}, false},
		{[]string{"-output", "format=avif;avif-one-frame"}, false},
		{[]string{"-avif-one-frame", "-output", "format=avif;avif-one-frame=false"}, true},
		{[]string{"-preset", preset}, false},
	} {
		out := t.TempDir()
		args := append([]string{"run", "-out", out, "-quiet", "-avif-speed", "10", "-filters", "resize=2600x1734:mode=fill"}, tc.args...)
		if code, _, stderr := run(t, append(args, photo)...); code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", tc.args, code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, "Landscape_1.avif"))
		if err != nil {
			t.Fatal(err)
		}
		info, err := codec.Probe(filepath.Join(out, "Landscape_1.avif"), codec.DecodeOptions{})
		if err != nil || info.Width != 2600 || info.Height != 1734 {
			t.Fatalf("%v: %+v, %v", tc.args, info, err)
		}
		// The grid item's type in the item information box (iinf/infe).
		if grid := bytes.Contains(data, []byte("grid")); grid != tc.grid {
			t.Errorf("%v: grid %v, want %v", tc.args, grid, tc.grid)
		}
	}
}

// WebP and AVIF outputs, lossless, every frame of an animation, and the
// same options from a preset.
func TestRunWritesWebPAndAVIF(t *testing.T) {
	photo := filepath.Join(testdata, "photos", "Landscape_1.jpg")
	anim := filepath.Join(testdata, "hostile", "animated.gif")
	preset := filepath.Join(t.TempDir(), "web.json")
	if err := os.WriteFile(preset, []byte(`{"filters": [], "format": "webp", "lossless": true, "all_frames": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args     []string
		out      string
		lossless bool
		frames   int
	}{
		{[]string{"-format", "webp", "-quality", "80"}, "Landscape_1.webp", false, 1},
		{[]string{"-format", "webp", "-lossless", "-filters", "resize=300x0"}, "Landscape_1.webp", true, 1},
		{[]string{"-format", "avif", "-avif-speed", "10", "-filters", "resize=300x0"}, "Landscape_1.avif", false, 0},
		{[]string{"-format", "webp", "-all-frames", anim}, "animated.webp", false, 3},
		{[]string{"-format", "webp", anim}, "animated.webp", false, 1},
		{[]string{"-preset", preset, anim}, "animated.webp", true, 3},
	} {
		out := t.TempDir()
		args := append([]string{"run", "-out", out, "-quiet"}, tc.args...)
		if !strings.HasSuffix(args[len(args)-1], ".gif") {
			args = append(args, photo)
		}
		if code, _, stderr := run(t, args...); code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", tc.args, code, stderr)
		}
		info, err := codec.Probe(filepath.Join(out, tc.out), codec.DecodeOptions{})
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if info.Lossless != tc.lossless || info.Frames != tc.frames {
			t.Errorf("%v: %+v, want lossless %v and %d frames", tc.args, info, tc.lossless, tc.frames)
		}
	}
}
