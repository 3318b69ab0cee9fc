package version

import (
	"os"
	"strings"
	"testing"
)

func TestParseFyneAppTOML(t *testing.T) {
	data, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	info, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "PicPool" || info.ID != "io.github.picpool" || info.Icon != "Icon.png" {
		t.Errorf("got %+v", info)
	}
	if info.Build < 1 {
		t.Errorf("Build %d: want at least 1", info.Build)
	}
	// Cross-check Version with a plain text search of the file.
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Version = "); ok {
			if want := strings.Trim(v, `"`); info.Version != want {
				t.Errorf("Version %q, the file says %q", info.Version, want)
			}
		}
	}
}

func TestParse(t *testing.T) {
	// The layout `fyne package` writes back (indented, BurntSushi/toml).
	in := `Website = "https://example.org"

[Details]
  Icon = "Icon.png"
  Name = "Pic \"Pool\""
  ID = 'io.github.picpool' # literal string
  Version = "1.22.333"
  Build = 17 # bumped

[LinuxAndBSD]
  Categories = [
    "Graphics",
  ]
  Version = "9.9.9"

[Migrations]
  fyneDo = true
`
	info, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != `Pic "Pool"` || info.ID != "io.github.picpool" || info.Version != "1.22.333" || info.Build != 17 || !info.Migrations["fyneDo"] {
		t.Errorf("got %+v", info)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"[Details]\nName = \"P\"\nID = \"a.b\"\n",
		"[Details]\nName = \"P\"\nID = \"a.b\"\nVersion = \"1.0\"\n",
		"[Details]\nName = \"P\"\nID = \"a.b\"\nVersion = \"v1.0.0\"\n",
		"[Details]\nName = \"P\"\nID = \"a.b\"\nVersion = 1\n",
		"[Details]\nName = \"P\nID = \"a.b\"\nVersion = \"1.0.0\"\n",
		"[Details]\nName = \"P\"\nID = \"a.b\"\nVersion = \"1.0.0\"\nBuild = x\n",
		"[Details]\nID = \"a.b\"\nVersion = \"1.0.0\"\n",
		"Version = \"1.0.0\"\nName = \"P\"\nID = \"a.b\"\n", // not in [Details]
	} {
		if info, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", in, info)
		}
	}
}
