package packaging

import (
	"debug/buildinfo"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// checkLicences checks a package's THIRD-PARTY-LICENSES (written by
// packaging/licenses) against the program it ships with: every Go module
// the program was built with is listed, with its licence texts; the C
// libraries linked in are those named by libs, and no other; the LGPL
// texts are there exactly when the program contains libheif (embedded by
// gen2brain/heic, or linked in).
func checkLicences(t *testing.T, text, bin string, libs ...string) {
	t.Helper()
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	contents, _, ok := strings.Cut(text, "\n=====")
	if !ok {
		t.Fatalf("THIRD-PARTY-LICENSES holds no licence text:\n%s", text)
	}
	heic := false
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		heic = heic || d.Path == "github.com/gen2brain/heic"
		if !strings.Contains(contents, "\n    "+d.Path+" "+d.Version+"\n") {
			t.Errorf("THIRD-PARTY-LICENSES does not list %s %s, which %s was built with", d.Path, d.Version, bin)
		}
		if !strings.Contains(text, "\n"+d.Path+" "+d.Version+": ") {
			t.Errorf("THIRD-PARTY-LICENSES has no licence text of %s %s", d.Path, d.Version)
		}
	}
	if !strings.Contains(text, "(the standard library and runtime): LICENSE\n") {
		t.Error("THIRD-PARTY-LICENSES lacks Go's own licence")
	}
	// The C libraries linked in: the lines of that section.
	section := regexp.MustCompile(`(?s)\n  C libraries linked into the program\n(.*?)\n\n`).FindStringSubmatch(contents)
	var got []string
	if section != nil {
		for _, l := range strings.Split(section[1], "\n") {
			if strings.HasPrefix(l, "    ") && !strings.HasPrefix(l, "      ") {
				got = append(got, strings.Fields(l)[0])
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(libs, " ") {
		t.Errorf("THIRD-PARTY-LICENSES lists the C libraries %q as linked in, want %q", got, libs)
	}
	// libheif (LGPL) embedded in WebAssembly (github.com/gen2brain/heic) or
	// linked in (picpool_static_heif).
	heic = heic || slices.Contains(libs, "libheif")
	if lgpl := strings.Contains(text, "GNU LESSER GENERAL PUBLIC LICENSE"); lgpl != heic {
		t.Errorf("THIRD-PARTY-LICENSES has the LGPL: %v; the program contains libheif: %v", lgpl, heic)
	}
	t.Logf("THIRD-PARTY-LICENSES: %d Go modules, C libraries linked in %q, LGPL (libheif, libde265) %v, %d bytes",
		len(info.Deps), got, heic, len(text))
}
