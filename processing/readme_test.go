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
