package imgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// WithTags copies src into a temporary folder (as name) and writes EXIF
// tags into the copy with exiftool (Debian's libimage-exiftool-perl, which
// make test installs), e.g. "-Model=../../x". It returns the copy's path.
func WithTags(t testing.TB, src, name string, tags ...string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	Exiftool(t, append(append([]string{"-q", "-overwrite_original"}, tags...), dst)...)
	return dst
}

// Exiftool runs exiftool with args and returns its standard output; a
// missing exiftool fails the test (make test installs it).
func Exiftool(t testing.TB, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("exiftool")
	if err != nil {
		t.Fatal("exiftool is missing: install libimage-exiftool-perl (make test does)")
	}
	out, err := exec.Command(path, args...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("exiftool %v: %v\n%s", args, err, msg)
	}
	return string(out)
}
