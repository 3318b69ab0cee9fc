package packaging

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/picpool/picpool/version"
)

// appInfo is FyneApp.toml's [Details].
func appInfo(t *testing.T) version.Info {
	t.Helper()
	data, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	info, err := version.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// artefact returns the path of build/dist/<name> when the artefacts are to
// be checked: `make package-check` sets PICPOOL_REQUIRE_ARTEFACTS=1 right
// after building them, and then a missing one fails. Otherwise (`make test`,
// a plain `go test ./...`) the test skips, saying why: an artefact left in
// build/ by an earlier packaging run may be older than the tree.
func artefact(t *testing.T, name, target string) string {
	t.Helper()
	path := filepath.Join("..", "build", "dist", name)
	_, err := os.Stat(path)
	switch {
	case os.Getenv("PICPOOL_REQUIRE_ARTEFACTS") != "" && err != nil:
		t.Fatalf("%s is missing: `make %s` should have built it", path, target)
	case os.Getenv("PICPOOL_REQUIRE_ARTEFACTS") != "":
	case err != nil:
		t.Skipf("%s is not built: `make package-check` builds and checks every artefact (or `make %s`, then PICPOOL_REQUIRE_ARTEFACTS=1 go test ./packaging/)", path, target)
	default:
		t.Skipf("%s is not checked outside `make package-check`, which rebuilds it first (PICPOOL_REQUIRE_ARTEFACTS=1 checks it as it is)", path)
	}
	return path
}

func linuxTarball(t *testing.T) string {
	return artefact(t, "PicPool-"+appInfo(t).Version+"-linux-"+runtime.GOARCH+".tar.xz", "package-linux")
}

// tarFiles lists the regular files of a .tar.xz (directories left out).
func tarFiles(t *testing.T, tarball string) []string {
	t.Helper()
	out, err := exec.Command("tar", "-tJvf", tarball).Output()
	if err != nil {
		t.Fatalf("tar -tJvf %s: %v", tarball, err)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[0][0] != '-' {
			continue // directories (and anything else not a plain file)
		}
		files = append(files, f[len(f)-1])
	}
	sort.Strings(files)
	return files
}

func tarRead(t *testing.T, tarball, name string) []byte {
	t.Helper()
	out, err := exec.Command("tar", "-xJOf", tarball, name).Output()
	if err != nil {
		t.Fatalf("tar -xJOf %s %s: %v", tarball, name, err)
	}
	return out
}

// prefix is where fyne put the files under the package's folder: usr/local
// when the building machine has /usr/local, usr otherwise.
func prefix(t *testing.T, files []string) string {
	for _, f := range files {
		if strings.HasSuffix(f, "/bin/picpool") {
			return strings.TrimSuffix(f, "bin/picpool")
		}
	}
	t.Fatalf("no bin/picpool in the tarball: %q", files)
	return ""
}

func TestLinuxTarballFiles(t *testing.T) {
	tarball := linuxTarball(t)
	info := appInfo(t)
	files := tarFiles(t, tarball)
	t.Logf("%s:\n  %s", tarball, strings.Join(files, "\n  "))
	p := prefix(t, files)
	want := []string{
		"picpool/Makefile",
		p + "bin/picpool",
		p + "share/applications/" + info.ID + ".desktop",
		p + "share/doc/picpool/THIRD-PARTY-LICENSES",
		p + "share/pixmaps/" + info.ID + ".png",
	}
	sort.Strings(want)
	if strings.Join(files, "\n") != strings.Join(want, "\n") {
		t.Fatalf("files in %s:\n%s\nwant:\n%s", tarball, strings.Join(files, "\n"), strings.Join(want, "\n"))
	}

	// The icon is Icon.png as committed.
	icon, err := os.ReadFile("../Icon.png")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tarRead(t, tarball, p+"share/pixmaps/"+info.ID+".png"), icon) {
		t.Error("the packaged icon is not Icon.png")
	}

	// The Makefile installs all four where PREFIX says, and removes them.
	mk := string(tarRead(t, tarball, "picpool/Makefile"))
	for _, s := range []string{"install:", "uninstall:", "user-install:", "$(DESTDIR)$(PREFIX)/bin/$(Exec)", `Exec := "picpool"`,
		"$(DESTDIR)$(PREFIX)/share/doc/picpool/THIRD-PARTY-LICENSES", "-rm $(DESTDIR)$(PREFIX)/share/doc/picpool/THIRD-PARTY-LICENSES"} {
		if !strings.Contains(mk, s) {
			t.Errorf("the package's Makefile lacks %q", s)
		}
	}

	// The binary: an ELF executable for this machine, and what it links.
	bin := filepath.Join(t.TempDir(), "picpool")
	if err := os.WriteFile(bin, tarRead(t, tarball, p+"bin/picpool"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("bin/picpool is not an ELF file: %v", err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		t.Errorf("bin/picpool is an ELF %v, want an executable", f.Type)
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bin/picpool links: %s", strings.Join(libs, " "))
	// libjpeg-turbo, libwebp and libheif with libde265, dav1d and aom are
	// linked in (most desktops have no libturbojpeg.so, few have libheif):
	// the tarball needs no codec library, whatever the Linux. lcms2 is
	// shared, as X11.
	for _, lib := range libs {
		for _, codec := range []string{"turbojpeg", "heif", "avif", "webp", "de265", "aom", "dav1d", "x265"} {
			if strings.Contains(lib, codec) {
				t.Errorf("bin/picpool needs %s at run time: the tarball must run where it is missing", lib)
			}
		}
	}
	if out, err := exec.Command(bin, "--version").Output(); err != nil {
		t.Errorf("bin/picpool --version: %v", err)
	} else {
		t.Logf("bin/picpool --version: %s", strings.TrimSpace(string(out)))
		// Its own libheif, not the one installed here, nor WebAssembly.
		for _, want := range []string{"JPEG codec: libjpeg-turbo", "colour: lcms2 2.", "HEIC codec (read): libheif 1.15.1 with libde265 HEVC decoder, version 1.0.11 (cgo)",
			"AVIF codec: libheif 1.15.1 with dav1d 1.0.0 to decode, aom 3.6.0 to encode (cgo)", "WebP codec: libwebp 1.2.4 (cgo)"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("bin/picpool --version does not say %q", want)
			}
		}
	}
	checkLicences(t, string(tarRead(t, tarball, p+"share/doc/picpool/THIRD-PARTY-LICENSES")), bin, "libjpeg-turbo", "libwebp", "libheif", "libde265", "dav1d", "aom")
	if st, _ := os.Stat(bin); st != nil {
		t.Logf("bin/picpool: %.1f MB", float64(st.Size())/1e6)
	}
}

// desktopEntry parses the [Desktop Entry] group of a .desktop file.
func desktopEntry(t *testing.T, data []byte) map[string]string {
	t.Helper()
	kv := map[string]string{}
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			group = line
		case group == "[Desktop Entry]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Errorf(".desktop line %q is not key=value", line)
				continue
			}
			if _, dup := kv[k]; dup {
				t.Errorf(".desktop key %s appears twice", k)
			}
			kv[k] = v
		}
	}
	return kv
}

func TestLinuxDesktopEntry(t *testing.T) {
	tarball := linuxTarball(t)
	info := appInfo(t)
	files := tarFiles(t, tarball)
	name := prefix(t, files) + "share/applications/" + info.ID + ".desktop"
	data := tarRead(t, tarball, name)
	t.Logf("%s:\n%s", name, data)
	e := desktopEntry(t, data)
	for k, want := range map[string]string{
		"Type":           "Application",
		"Name":           info.Name,
		"Exec":           "picpool %F", // files and folders given to the window
		"Icon":           info.ID,      // share/pixmaps/<ID>.png
		"StartupWMClass": info.Name,
	} {
		if e[k] != want {
			t.Errorf("%s=%q, want %q", k, e[k], want)
		}
	}
	for k, parts := range map[string][]string{
		"Categories": {"Graphics;"},
		"MimeType":   {"image/jpeg;", "image/png;", "image/webp;", "image/heic;", "image/heif;", "image/avif;", "inode/directory"},
		"Keywords":   {"photo;", "batch;"},
	} {
		for _, p := range parts {
			if !strings.Contains(e[k], p) {
				t.Errorf("%s=%q lacks %q", k, e[k], p)
			}
		}
	}
	for _, k := range []string{"GenericName", "Comment"} {
		if e[k] == "" {
			t.Errorf("no %s", k)
		}
	}
	// Debian's validator, where it is installed (make package-check installs it).
	if v, err := exec.LookPath("desktop-file-validate"); err == nil {
		f := filepath.Join(t.TempDir(), info.ID+".desktop")
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(v, f).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("desktop-file-validate: %v\n%s", err, out)
		}
	} else {
		t.Log("desktop-file-validate is not installed: skipped")
	}
}
