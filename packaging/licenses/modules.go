package main

import (
	"bytes"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// module is a Go module the program was built with, and where its files
// are (the module cache).
type module struct {
	Path, Version, Dir, Error string
}

// moduleDirs finds every dependency module of the program (the module that
// replaced it, where go.mod replaces one) with `go mod download -json`,
// which fetches a version missing from the cache.
func moduleDirs(info *buildinfo.BuildInfo) ([]module, error) {
	args := []string{"mod", "download", "-json"}
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		if d.Version == "" {
			return nil, fmt.Errorf("module %s has no version (a local replacement?): its licence cannot be looked up", d.Path)
		}
		args = append(args, d.Path+"@"+d.Version)
	}
	if len(args) == 3 {
		return nil, nil
	}
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go mod download: %w", err)
	}
	var mods []module
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var m module
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if m.Error != "" || m.Dir == "" {
			return nil, fmt.Errorf("go mod download %s@%s: %s", m.Path, m.Version, m.Error)
		}
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents|unlicense)([._-].*)?$`)

// moduleLicences reads a module's licence files: LICENSE, COPYING, NOTICE,
// PATENTS and their variants, at its root and in its folders (fonts, C
// code the module carries, gen2brain's lib/), but not in test data or
// examples. A file with the same text as one already read is left out.
func moduleLicences(dir string) ([]licenceFile, error) {
	var files []licenceFile
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (name == "testdata" || name == "examples" || name == "_examples" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !licenceName.MatchString(name) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if seen[string(data)] {
			return nil
		}
		seen[string(data)] = true
		rel, _ := filepath.Rel(dir, p)
		files = append(files, licenceFile{filepath.ToSlash(rel), data})
		return nil
	})
	// The root's files first, then the folders', each in name order.
	sort.SliceStable(files, func(i, j int) bool {
		a, b := strings.Count(files[i].name, "/"), strings.Count(files[j].name, "/")
		if a != b {
			return a < b
		}
		return files[i].name < files[j].name
	})
	return files, err
}

var (
	makeVersion = regexp.MustCompile(`(?m)^(\w+_VERSION)\s*=\s*(\S+)\s*$`)
	makeClone   = regexp.MustCompile(`git clone -b \$\((\w+_VERSION)\)[^\n]*?\s(https://\S+)`)
)

// wasmNote names the C libraries a module compiles to WebAssembly, from
// the `git clone -b $(X_VERSION) URL` lines of its lib/Makefile*
// (github.com/gen2brain's layout), with their versions: "libheif v1.18.2
// (https://github.com/strukturag/libheif)". Empty for other modules.
func wasmNote(dir string) string {
	makefiles, _ := filepath.Glob(filepath.Join(dir, "lib", "Makefile*"))
	var libs []string
	seen := map[string]bool{}
	for _, mf := range makefiles {
		data, err := os.ReadFile(mf)
		if err != nil {
			continue
		}
		versions := map[string]string{}
		for _, m := range makeVersion.FindAllSubmatch(data, -1) {
			versions[string(m[1])] = string(m[2])
		}
		for _, m := range makeClone.FindAllSubmatch(data, -1) {
			url := string(m[2])
			lib := fmt.Sprintf("%s %s (%s)", filepath.Base(url), versions[string(m[1])], url)
			if !seen[lib] {
				seen[lib] = true
				libs = append(libs, lib)
			}
		}
	}
	if len(libs) == 0 {
		return ""
	}
	return "embeds " + strings.Join(libs, ", ")
}

// goEnv prints one variable of `go env`.
func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}
