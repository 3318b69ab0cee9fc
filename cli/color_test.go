package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/internal/imgtest"
)

// -color srgb (the default) converts a photo tagged Adobe RGB and says so in
// the report; -color keep, or a preset saying "keep", leaves it; a bad value
// is a usage error naming the choices.
func TestColorFlag(t *testing.T) {
	dir := t.TempDir()
	adobe := filepath.Join(dir, "adobe.jpg")
	if msg, err := exec.Command("jpgicc", "-t1", "-e", "-o"+filepath.Join(imgtest.ICCDir, "colord/AdobeRGB1998.icc"),
		filepath.Join(testdata, "photos", "Landscape_2.jpg"), adobe).CombinedOutput(); err != nil {
		t.Fatalf("jpgicc (make test installs liblcms2-utils and colord-data): %v\n%s", err, msg)
	}
	preset := filepath.Join(dir, "keep.json")
	if err := os.WriteFile(preset, []byte(`{"filters": [], "color": "keep"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	converted := `converted from "Compatible with Adobe RGB (1998)" (RGB, v4.4, matrix/TRC) to sRGB`
	if !codec.ColorManaged {
		converted = ""
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, converted},
		{[]string{"-color", "SRGB"}, converted},
		{[]string{"-color", "keep"}, `kept the profile "Compatible with Adobe RGB (1998)" (RGB, v4.4, matrix/TRC)`},
		{[]string{"-preset", preset}, `kept the profile`},
		{[]string{"-preset", preset, "-color", "srgb"}, converted},
	} {
		out := t.TempDir()
		rep := filepath.Join(out, "report.json")
		args := append(append([]string{"run", "-out", out, "-report", rep, "-quiet"}, c.args...), adobe)
		code, _, stderr := run(t, args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", c.args, code, stderr)
		}
		data, _ := os.ReadFile(rep)
		var r engine.Report
		if err := json.Unmarshal(data, &r); err != nil || len(r.Records) != 1 {
			t.Fatalf("%v: %v %s", c.args, err, data)
		}
		if got := r.Records[0].Color; !strings.HasPrefix(got, c.want) || (c.want == "") != (got == "") {
			t.Errorf("%v: report says %q, want %q", c.args, got, c.want)
		}
	}
	code, _, stderr := run(t, "run", "-out", t.TempDir(), "-color", "p3", adobe)
	if code != ExitUsage || !strings.Contains(stderr, "srgb or keep") {
		t.Errorf("-color p3: exit %d\n%s", code, stderr)
	}
}
