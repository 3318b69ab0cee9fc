// Package samples holds a few small sample photos embedded in the binary, so
// that "Try samples" in the window works without any files of one's own.
// They are drawn by ./gen (gradients, shapes and noise), not photographed:
//
//	go run ./samples/gen
package samples

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

//go:embed *.jpg
var files embed.FS

// Names lists the sample files, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Extract writes the samples into dir (which must exist) and returns their
// paths.
func Extract(dir string) ([]string, error) {
	var paths []string
	for _, name := range Names() {
		data, err := files.ReadFile(name)
		if err != nil {
			return paths, err
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
