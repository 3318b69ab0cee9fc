package processing

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeDocumentsEveryKind keeps the README's grammar table in step
// with the kinds table.
func TestReadmeDocumentsEveryKind(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, k := range Kinds() {
		if !strings.Contains(readme, "`"+k.Name+"`") {
			t.Errorf("README does not document the %s filter", k.Name)
		}
		for _, p := range k.Params {
			if !strings.Contains(readme, "`"+p.Name+"`") {
				t.Errorf("README does not document %s's %s parameter", k.Name, p.Name)
			}
		}
	}
}

// TestReadmePresetsParse reads every JSON block of the README as a preset:
// the examples work as written.
func TestReadmePresetsParse(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(data), "```json\n")[1:]
	if len(blocks) == 0 {
		t.Fatal("no JSON example in the README")
	}
	for _, b := range blocks {
		text, _, _ := strings.Cut(b, "```")
		if _, err := ParsePreset([]byte(text)); err != nil {
			t.Errorf("%v\n%s", err, text)
		}
	}
}
