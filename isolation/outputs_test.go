//go:build unix

package isolation_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/processing"
)

// Several outputs in worker processes: each output comes back with its own
// outcome (an error travels beside the result), and is journalled as the
// child finishes it.
func TestOutputsInWorkerProcesses(t *testing.T) {
	out := t.TempDir()
	s := processSettings(t, out, "resize=200x0", 2)
	s.Journal = true
	thumb, _ := processing.ParseChain("resize=32x32:mode=fill")
	s.Processing.Outputs = []processing.Output{
		{Label: "web", Format: codec.JPEG, Naming: processing.Naming{Dir: "web"}},
		{Label: "thumb", Chain: thumb, Format: codec.PNG, Naming: processing.Naming{Dir: "thumbs", Template: "{name}_t"}},
		// No camera in these photos' EXIF: an empty name, this output fails alone.
		{Label: "camera", Format: codec.PNG, Naming: processing.Naming{Dir: "cam", Template: "{camera}"}},
	}
	photos := []string{filepath.Join(testdata, "photos", "Landscape_1.jpg"), filepath.Join(testdata, "photos", "Portrait_5.jpg")}
	r := start(t, photos, s)
	sum := r.Wait()
	recs := r.Records(0)
	if sum.Failed != 2 || len(recs) != 6 {
		t.Fatalf("%+v, %d records", sum, len(recs))
	}
	for _, rec := range recs {
		switch rec.OutputName {
		case "web", "thumb":
			if rec.Status != "done" {
				t.Errorf("%+v", rec)
			}
		case "camera":
			if rec.Status != "failed" || !strings.Contains(rec.Error, "empty name") {
				t.Errorf("%+v", rec)
			}
		}
	}
	checkOutputs(t, out, recs)
	data, _ := os.ReadFile(filepath.Join(out, journal.FileName))
	if n := strings.Count(string(data), `"event":"file"`); n != 6 {
		t.Errorf("%d journal lines, want one per output:\n%s", n, data)
	}
}
