//go:build unix

package isolation_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
)

// The colour setting travels to worker processes with the settings, and what
// each worker did to the colours comes back in the records: an Adobe RGB
// photo is converted by default and kept with -color keep, in processes as
// in goroutines.
func TestColorSettingReachesWorkerProcesses(t *testing.T) {
	if !codec.ColorManaged {
		t.Skip("this build has no colour management")
	}
	in := t.TempDir()
	adobe := filepath.Join(in, "adobe.jpg")
	if msg, err := exec.Command("jpgicc", "-t1", "-e", "-o/usr/share/color/icc/colord/AdobeRGB1998.icc",
		filepath.Join(testdata, "photos", "Portrait_3.jpg"), adobe).CombinedOutput(); err != nil {
		t.Fatalf("jpgicc (make test installs liblcms2-utils and colord-data): %v\n%s", err, msg)
	}
	for mode, want := range map[codec.ColorMode]string{"": "converted from", codec.ColorKeep: "kept the profile"} {
		s := processSettings(t, t.TempDir(), "resize=300x0", 1)
		s.Processing.Color = mode
		r := start(t, []string{adobe}, s)
		if sum := r.Wait(); sum.Done != 1 {
			t.Fatalf("%q: %+v", mode, sum)
		}
		if rec := r.Records(0)[0]; !strings.HasPrefix(rec.Color, want) || len(rec.Warnings) != 0 {
			t.Errorf("%q: record says %q, warnings %q; want %q", mode, rec.Color, rec.Warnings, want)
		}
	}
}
