package packaging

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fyneInfoPlist is what `fyne package -os darwin` (fyne.io/tools v1.7.4,
// its Info.plist template) writes for PicPool.
const fyneInfoPlist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleName</key><string>PicPool</string>
	<key>CFBundleExecutable</key><string>picpool</string>
	<key>CFBundleIdentifier</key><string>io.github.picpool</string>
	<key>CFBundleIconFile</key><string>icon.icns</string>
	<key>CFBundleShortVersionString</key><string>VERSION</string>
	<key>CFBundleSupportedPlatforms</key><array><string>MacOSX</string></array>
	<key>CFBundleVersion</key><string>2</string>
	<key>NSHighResolutionCapable</key><true/>
	<key>NSSupportsAutomaticGraphicsSwitching</key><true/>
	<key>CFBundleInfoDictionaryVersion</key><string>6.0</string>
	<key>CFBundlePackageType</key><string>APPL</string>
	<key>LSApplicationCategoryType</key><string>public.app-category.</string>
	<key>LSMinimumSystemVersion</key><string>10.11</string>
</dict>
</plist>
`

// fakeLicences is the start of a THIRD-PARTY-LICENSES.txt as
// packaging/licenses writes it for the macOS app.
const fakeLicences = `Contents

  C libraries linked into the program
    libjpeg-turbo 1:2.1.5-2 (Debian's source package)
    lcms2 2.14-2+deb12u1 (Debian's source package)
    libwebp 1.2.4-0.2+deb12u1 (Debian's source package)

  C libraries compiled to WebAssembly inside the program (run by github.com/tetratelabs/wazero)
    github.com/gen2brain/avif v0.4.4
    github.com/gen2brain/heic v0.4.5

  Go modules
    github.com/tetratelabs/wazero v1.9.0

                   GNU LESSER GENERAL PUBLIC LICENSE
`

// fakeApp lays out a PicPool.app as package.sh darwin leaves it, with a
// shell script for the executable.
func fakeApp(t *testing.T, version string) string {
	t.Helper()
	app := filepath.Join(t.TempDir(), "PicPool.app")
	icns := make([]byte, 64)
	copy(icns, "icns")
	binary.BigEndian.PutUint32(icns[4:], uint32(len(icns)))
	for name, data := range map[string]string{
		"Info.plist":                         strings.Replace(fyneInfoPlist, "VERSION", version, 1),
		"MacOS/picpool":                      "#!/bin/sh\necho picpool " + version + "\n",
		"Resources/icon.icns":                string(icns),
		"Resources/THIRD-PARTY-LICENSES.txt": fakeLicences,
	} {
		p := filepath.Join(app, "Contents", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

func runScript(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// TestMacAppChecks runs the macOS bundle's fix and check scripts (what the
// release workflow runs on its Mac runners) on a bundle laid out as fyne
// does: fyne's Info.plist fails the check, the fixed one passes, and a
// wrong version, missing licences (those of the codecs the build tags
// chose) or a broken icon fails again. The checks that need Apple's
// tools say they were skipped.
func TestMacAppChecks(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	version := appInfo(t).Version
	app := fakeApp(t, version)
	check := func(v string) (string, error) {
		return runScript(t, "bash", "macos/check-app.sh", app, v, "io.github.picpool", "arm64")
	}
	if out, err := check(version); err == nil || !strings.Contains(out, "LSMinimumSystemVersion is '10.11', want '12.0'") {
		t.Fatalf("fyne's own Info.plist passed the check (%v):\n%s", err, out)
	}
	if out, err := runScript(t, "python3", "macos/info-plist.py", "fix", app); err != nil {
		t.Fatalf("info-plist.py fix: %v\n%s", err, out)
	}
	out, err := check(version)
	if err != nil {
		t.Fatalf("check-app.sh on the fixed bundle: %v\n%s", err, out)
	}
	t.Logf("check-app.sh:\n%s", out)
	for _, s := range []string{"io.github.picpool " + version, "(skipped)", "check-app: OK"} {
		if !strings.Contains(out, s) {
			t.Errorf("check-app.sh did not say %q", s)
		}
	}
	if out, err := check("9.9.9"); err == nil || !strings.Contains(out, "CFBundleShortVersionString") {
		t.Errorf("a wrong version passed (%v):\n%s", err, out)
	}
	lic := filepath.Join(app, "Contents/Resources/THIRD-PARTY-LICENSES.txt")
	if err := os.WriteFile(lic, []byte(strings.Replace(fakeLicences, "    libwebp", "    libpng", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := check(version); err == nil || !strings.Contains(out, "does not list libwebp") {
		t.Errorf("licences without libwebp passed (%v):\n%s", err, out)
	}
	// Built with libheif linked in (the release job's DARWIN_TAGS when the
	// libraries built on its runner): those must be listed instead.
	t.Setenv("DARWIN_TAGS", "picpool_static_turbo,picpool_static_webp,picpool_wasmcodecs,nodynamic,picpool_static_heif")
	if err := os.WriteFile(lic, []byte(fakeLicences), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := check(version); err == nil || !strings.Contains(out, "does not list libheif") {
		t.Errorf("a libheif build with the WebAssembly modules' licences passed (%v):\n%s", err, out)
	}
	native := strings.Replace(fakeLicences, "    libwebp 1.2.4-0.2+deb12u1 (Debian's source package)\n",
		"    libwebp 1.2.4-0.2+deb12u1 (Debian's source package)\n    libheif 1.15.1-1+deb12u1 (Debian's source package)\n"+
			"    libde265 1.0.11-1+deb12u2 (Debian's source package)\n    dav1d 1.0.0-2+deb12u1 (Debian's source package)\n"+
			"    aom 3.6.0-1+deb12u3 (Debian's source package)\n", 1)
	if err := os.WriteFile(lic, []byte(native), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := check(version); err != nil || !strings.Contains(out, "HEIC and AVIF: libheif libde265 dav1d aom") {
		t.Errorf("a libheif build with its licences failed (%v):\n%s", err, out)
	}
	os.Unsetenv("DARWIN_TAGS")
	if err := os.WriteFile(lic, []byte(fakeLicences), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "Contents/Resources/icon.icns"), []byte("PNG"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := check(version); err == nil || !strings.Contains(out, "not an icns file") {
		t.Errorf("a broken icon passed (%v):\n%s", err, out)
	}
}
