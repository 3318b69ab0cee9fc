package processing

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTemplateExpands(t *testing.T) {
	f := &Fields{Name: "IMG_0042", Ext: "JPG", Folder: "2024-05 Lisbon", N: 6,
		Date: time.Date(2024, 5, 17, 18, 42, 7, 0, time.Local), Width: 1920, Height: 1280,
		Camera: "NIKON D750", Lens: "24-70mm f/2.8", Artist: "Ana Lima", Copyright: "© Ana Lima"}
	for text, want := range map[string]string{
		"{name}":                            "IMG_0042",
		"{date}_{n:04}":                     "2024-05-17_0007",
		"{date:2006-01-02_150405}-{name}":   "2024-05-17_184207-IMG_0042",
		"{n}":                               "7",
		"{n:3:0}":                           "006",
		"{n::100}":                          "106",
		"{folder}/{name}.{ext}":             "2024-05 Lisbon/IMG_0042.JPG",
		"{camera} {lens}":                   "NIKON D750 24-70mm f_2.8", // the lens's "/" is no folder
		"{width}x{height}":                  "1920x1280",
		"{year} {artist}":                   "2024 Ana Lima",
		"{{literal}} {NAME}":                "{literal} IMG_0042",
		"web_{name}_{date:2006/01}":         "web_IMG_0042_2024_05", // a layout's "/" is no folder either
		"plain text":                        "plain text",
		"{copyright}":                       "© Ana Lima",
		"{date:Jan 2, 2006} {n:012:999999}": "May 17, 2024 000001000005",
	} {
		tm, err := ParseTemplate(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if got := tm.Name(f); got != want {
			t.Errorf("%q gives %q, want %q", text, got, want)
		}
	}
	// Text (a watermark) keeps a value's separators.
	tm, _ := ParseTemplate("© {artist}, {lens}")
	if got := tm.Text(f); got != "© Ana Lima, 24-70mm f/2.8" {
		t.Errorf("Text: %q", got)
	}
	if u := tm.Uses(); u != UsesEXIF {
		t.Errorf("Uses %b, want EXIF only", u)
	}
}

func TestTemplateErrorsPointAtTheProblem(t *testing.T) {
	for _, c := range []struct {
		text string
		pos  int
		says string
	}{
		{"{name}_{camra}", 8, "unknown field {camra}"},
		{"{name", 1, `a "{" without its "}"`},
		{"name}", 5, `a "}" without its "{"`},
		{"a{b{c}}", 2, `a "{" without its "}"`},
		{"{n:x}", 1, "the width must be a number"},
		{"{n:4:-1}", 1, "the start must be a whole number"},
		{"{width:3}", 1, "{width} takes no argument"},
		{"{date:}", 1, "give a layout"},
		{"é{bad}", 2, "unknown field {bad}"},
	} {
		_, err := ParseTemplate(c.text)
		var te *TemplateError
		if !errors.As(err, &te) || te.Pos != c.pos || !strings.Contains(te.Msg, c.says) {
			t.Errorf("%q: %v; want at character %d: %s", c.text, err, c.pos, c.says)
		}
	}
}

// Values from inside a file never make a path: no separators, no "..",
// no control or invisible formatting characters, bounded.
func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"../../x":               "____x",
		"..":                    "_",
		"a/b\\c":                "a_b_c",
		"C:\\Windows":           "C__Windows",
		".hidden ":              "hidden",
		"tab\there\x00nul":      "tabherenul",
		"evil\u202egnp.exe":     "evilgnp.exe",
		"Canon EOS R5":          "Canon EOS R5",
		strings.Repeat("é", 40): strings.Repeat("é", 32),
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// Naming.compile refuses templates whose literal text would leave the
// output folder or give no name, before any file is read.
func TestNamingRefusesBadTemplates(t *testing.T) {
	for text, says := range map[string]string{
		"../{name}":     `".." cannot be a folder`,
		"/etc/{name}":   "cannot start with /",
		"{name}/":       "empty folder or file name",
		"a//{name}":     "empty folder or file name",
		"{{":            "",
		" ":             "the name is empty",
		"sub\\{name}":   `cannot hold \`,
		"{name}_{oops}": "unknown field",
	} {
		_, err := Naming{Template: text}.compile()
		if says == "" {
			if err != nil {
				t.Errorf("%q: %v", text, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want %q", text, err, says)
		}
	}
}

func TestNaturalOrder(t *testing.T) {
	names := []string{"img_100.jpg", "img_10.jpg", "IMG_3.jpg", "img_0.jpg", "img_1.jpg", "img_2.jpg", "img_01.jpg", "a.jpg", "img_10a.jpg", "img_10.JPG"}
	slices.SortFunc(names, func(a, b string) int {
		if NaturalLess(a, b) {
			return -1
		}
		if NaturalLess(b, a) {
			return 1
		}
		return 0
	})
	want := []string{"a.jpg", "img_0.jpg", "img_01.jpg", "img_1.jpg", "img_2.jpg", "IMG_3.jpg", "img_10.JPG", "img_10.jpg", "img_10a.jpg", "img_100.jpg"}
	if !slices.Equal(names, want) {
		t.Errorf("got  %v\nwant %v", names, want)
	}
}
