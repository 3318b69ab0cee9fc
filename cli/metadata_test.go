package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/internal/imgtest"
)

// TestRunMetadata: -metadata all and -keep-dates, in worker processes (the
// settings and the per-file metadata report travel as JSON): the tagged
// photo keeps its GPS and its date, the report says what was kept and
// removed; a file with unreadable EXIF is written, with a WARN line and the
// warning in its record.
func TestRunMetadata(t *testing.T) {
	in := t.TempDir()
	tagged := imgtest.Tagged(t, in, "jpeg")
	old := time.Date(2011, 3, 4, 5, 6, 7, 0, time.UTC)
	os.Chtimes(tagged, old, old)
	hostile := filepath.Join(testdata, "hostile", "exif_ifd_count_65535.jpg")
	out := t.TempDir()
	reportPath := filepath.Join(t.TempDir(), "report.json")
	code, _, stderr := run(t, "run", "-out", out, "-filters", "resize=400x0", "-metadata", "all", "-keep-dates", "-color", "keep",
		"-isolation", "process", "-workers", "2", "-report", reportPath, tagged, hostile)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "WARN   "+hostile+": EXIF dropped: IFD0 claims 65535 entries") ||
		!strings.Contains(stderr, "; 1 with warnings") {
		t.Errorf("no WARN line or count:\n%s", stderr)
	}
	rep := readReport(t, reportPath)
	data, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Warned != 1 || !bytes.Contains(data, []byte(`"with_warnings": 1`)) {
		t.Errorf("summary %+v", rep.Summary)
	}
	for _, r := range rep.Records {
		switch r.Input {
		case tagged:
			if r.Metadata == nil || !slices.Equal(r.Metadata.Kept, []string{"EXIF", "XMP", "IPTC", "ICC"}) ||
				!slices.Equal(r.Metadata.Removed, []string{"thumbnail"}) || len(r.Warnings) > 0 {
				t.Errorf("tagged: metadata %+v, warnings %q", r.Metadata, r.Warnings)
			}
			body, _ := os.ReadFile(r.Output)
			if !bytes.Contains(body, []byte(imgtest.Secret)) {
				t.Error("tagged: -metadata all lost the location")
			}
			if st, err := os.Stat(r.Output); err != nil || !st.ModTime().Equal(old) {
				t.Errorf("tagged: output dated %v, want %v (%v)", st.ModTime(), old, err)
			}
		case hostile:
			if len(r.Warnings) != 1 || r.Status != "done" || r.Metadata != nil {
				t.Errorf("hostile: status %s, metadata %+v, warnings %q", r.Status, r.Metadata, r.Warnings)
			}
		default:
			t.Errorf("record for %s", r.Input)
		}
	}
	if !bytes.Contains(data, []byte(`"metadata": {`)) || !bytes.Contains(data, []byte(`"kept": [`)) {
		t.Errorf("report lacks the metadata field:\n%s", data)
	}
	// By default the location goes.
	out = t.TempDir()
	if code, _, stderr = run(t, "run", "-out", out, "-quiet", tagged); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	body, err := os.ReadFile(filepath.Join(out, filepath.Base(tagged)))
	if err != nil || bytes.Contains(body, []byte(imgtest.Secret)) || !bytes.Contains(body, []byte("Ann Example")) {
		t.Errorf("default policy: %v; GPS kept or artist lost", err)
	}
	if code, _, stderr = run(t, "run", "-out", out, "-metadata", "some", tagged); code != ExitUsage ||
		!strings.Contains(stderr, `unknown metadata policy "some"`) {
		t.Errorf("-metadata some: exit %d\n%s", code, stderr)
	}
}
