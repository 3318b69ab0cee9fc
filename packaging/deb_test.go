package packaging

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func debField(t *testing.T, deb, field string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "-f", deb, field).Output()
	if err != nil {
		t.Fatalf("dpkg-deb -f %s %s: %v", deb, field, err)
	}
	return strings.TrimSpace(string(out))
}

// TestDebPackage checks the .deb: its control fields, its files (the same
// binary and .desktop entry as the tarball, an icon at every hicolor size,
// the copyright file), and that its Depends name the package of every
// library the binary links (found with dpkg -S, independently of the
// dpkg-shlibdeps that computed them).
func TestDebPackage(t *testing.T) {
	info := appInfo(t)
	arch := debArch(t)
	deb := artefact(t, fmt.Sprintf("picpool_%s_%s.deb", info.Version, arch), "package-linux")
	for field, want := range map[string]string{"Package": "picpool", "Version": info.Version, "Architecture": arch, "Section": "graphics"} {
		if got := debField(t, deb, field); got != want {
			t.Errorf("%s: %q, want %q", field, got, want)
		}
	}
	depends := debField(t, deb, "Depends")
	t.Logf("Depends: %s", depends)
	// lcms2 and the codec libraries, Debian's, linked dynamically.
	for _, pkg := range []string{"liblcms2-2", "libheif1", "libavif15", "libwebp7"} {
		if !regexp.MustCompile(`(^|, )` + regexp.QuoteMeta(pkg) + `( |,|$)`).MatchString(depends) {
			t.Errorf("Depends does not name %s", pkg)
		}
	}

	out, err := exec.Command("dpkg-deb", "-c", deb).Output()
	if err != nil {
		t.Fatal(err)
	}
	listing := string(out)
	// Lines of dpkg-deb -c: mode, owner, size, date, time, path.
	want := map[string]string{
		"usr/bin/picpool": "-rwxr-xr-x",
		"usr/share/applications/" + info.ID + ".desktop": "-rw-r--r--",
		"usr/share/doc/picpool/copyright":                "-rw-r--r--",
	}
	for _, n := range []int{16, 22, 24, 32, 36, 48, 64, 72, 96, 128, 192, 256, 512} {
		want[fmt.Sprintf("usr/share/icons/hicolor/%dx%d/apps/%s.png", n, n, info.ID)] = "-rw-r--r--"
	}
	for path, mode := range want {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(mode) + ` root/root +\d+ \S+ \S+ \./` + regexp.QuoteMeta(path) + `$`)
		if !re.MatchString(listing) {
			t.Errorf("the .deb has no %s %s owned by root", mode, path)
		}
	}
	if t.Failed() {
		t.Logf("dpkg-deb -c:\n%s", listing)
	}

	// The same entry as the tarball; its own program, with Debian's codec
	// libraries instead of the WebAssembly ones.
	dir := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "-x", deb, dir).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, out)
	}
	tarball := linuxTarball(t)
	p := prefix(t, tarFiles(t, tarball))
	entry := "usr/share/applications/" + info.ID + ".desktop"
	if got, err := os.ReadFile(filepath.Join(dir, entry)); err != nil || !bytes.Equal(got, tarRead(t, tarball, p+"share/applications/"+info.ID+".desktop")) {
		t.Errorf("the .deb's %s is not the tarball's (%v)", entry, err)
	}
	bin := filepath.Join(dir, "usr/bin/picpool")
	if out, err := exec.Command(bin, "--version").Output(); err != nil {
		t.Errorf("the .deb's picpool --version: %v", err)
	} else {
		t.Logf("the .deb's picpool --version: %s", strings.TrimSpace(string(out)))
		for _, want := range []string{"JPEG codec: libjpeg-turbo", "colour: lcms2 2.", "HEIC codec (read): libheif 1.15", "(cgo)\nAVIF codec: libavif 0.11", "WebP codec: libwebp 1.2.4 (cgo)"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the .deb's picpool --version does not say %q", want)
			}
		}
		if strings.Contains(string(out), "WebAssembly") {
			t.Error("the .deb's picpool runs a WebAssembly codec")
		}
	}
	copyright, _ := os.ReadFile(filepath.Join(dir, "usr/share/doc/picpool/copyright"))
	if !bytes.Contains(copyright, []byte("libjpeg-turbo")) || !bytes.Contains(copyright, []byte("Independent JPEG Group")) {
		t.Error("the copyright file lacks libjpeg-turbo's licence, which is linked in")
	}
	checkLicences(t, string(copyright), bin, "libjpeg-turbo")

	// Every library the binary needs is in a package the .deb depends on.
	f, err := elf.Open(filepath.Join(dir, "usr/bin/picpool"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, d := range strings.Split(depends, ",") {
		names[strings.Fields(d)[0]] = true
	}
	for _, lib := range libs {
		out, err := exec.Command("dpkg", "-S", "*/"+lib).Output()
		if err != nil {
			t.Errorf("%s: no Debian package has it (dpkg -S): %v", lib, err)
			continue
		}
		pkgs := strings.TrimSpace(strings.SplitN(string(out), ":", 2)[0])
		found := false
		for _, pkg := range strings.Split(pkgs, ", ") {
			found = found || names[pkg]
		}
		if !found {
			t.Errorf("the binary links %s (package %s), which Depends does not name", lib, pkgs)
		}
	}
	t.Logf("the binary links %d libraries, each from a package in Depends", len(libs))
}

func debArch(t *testing.T) string {
	out, err := exec.Command("dpkg", "--print-architecture").Output()
	if err != nil {
		t.Skipf("not a Debian system: %v", err)
	}
	return strings.TrimSpace(string(out))
}
