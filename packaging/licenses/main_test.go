package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuild runs the command's work on a real program, the icon drawer
// (packaging/icon: one module, golang.org/x/image), with a C library's
// licence folder as packaging/thirdparty leaves it and two -embedded
// licences, one for a module the program has and one for a module it has
// not.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "icon")
	if out, err := exec.Command("go", "build", "-o", bin, "../icon").CombinedOutput(); err != nil {
		t.Fatalf("go build ../icon: %v\n%s", err, out)
	}
	lib := filepath.Join(dir, "libfoo")
	write(t, filepath.Join(lib, "COPYING"), "libfoo's own licence\n")
	write(t, filepath.Join(lib, "DEBIAN-VERSION"), "1.2-3\n")
	write(t, filepath.Join(dir, "bar.txt"), "libbar's licence\n")
	write(t, filepath.Join(dir, "baz.txt"), "libbaz's licence\n")

	text, err := build(bin, "Test", []string{"libfoo=" + lib},
		[]string{"golang.org/x/image:libbar=" + filepath.Join(dir, "bar.txt"), "github.com/gen2brain/heic:libbaz=" + filepath.Join(dir, "baz.txt")})
	if err != nil {
		t.Fatal(err)
	}
	s := string(text)
	t.Logf("%.1500s", s)
	for _, want := range []string{
		"Test: third-party software and licences\n",
		"  C libraries linked into the program\n    libfoo 1.2-3 (Debian's source package)\n",
		"    libbar\n      compiled to WebAssembly inside golang.org/x/image\n",
		"  Go modules\n    golang.org/x/image v",
		"\nlibfoo 1.2-3 (Debian's source package): COPYING\n" + rule + "\n\nlibfoo's own licence\n",
		"\nlibbar: bar.txt\n",
		" (the standard library and runtime): LICENSE\n",
		"Redistribution and use in source and binary forms", // Go's and x/image's BSD licence
		": PATENTS\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the file lacks %q", want)
		}
	}
	for _, not := range []string{"libbaz", "DEBIAN-VERSION", "GNU LESSER"} {
		if strings.Contains(s, not) {
			t.Errorf("the file has %q", not)
		}
	}
	if _, err := build(bin, "Test", []string{"libfoo=" + filepath.Join(dir, "missing")}, nil); err == nil {
		t.Error("a missing licence folder was accepted")
	}
}

// TestWasmNote reads the libraries a module compiles to WebAssembly from
// its lib/Makefile, as github.com/gen2brain's modules lay them out, and
// says when they are LGPL.
func TestWasmNote(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "lib", "Makefile"), "LIBHEIF_VERSION = v1.18.2\nLIBDE265_VERSION = v1.0.15\n\n"+
		"$(SRC):\n\tgit clone -b $(LIBHEIF_VERSION) --depth 1 --recursive --jobs `nproc` https://github.com/strukturag/libheif\n"+
		"\tgit clone -b $(LIBDE265_VERSION) --depth 1 https://github.com/strukturag/libde265\n")
	got := wasmNote(dir)
	want := "embeds libheif v1.18.2 (https://github.com/strukturag/libheif), libde265 v1.0.15 (https://github.com/strukturag/libde265)"
	if got != want {
		t.Errorf("wasmNote: %q, want %q", got, want)
	}
	if n := wasmNote(t.TempDir()); n != "" {
		t.Errorf("a module without lib/Makefile: %q", n)
	}
	c := component{name: "github.com/gen2brain/heic v0.4.5", files: []licenceFile{{"lib/LICENSE.libheif", []byte("GNU LESSER GENERAL PUBLIC LICENSE")}}}
	if n := strings.Join(strings.Fields(lgplNote([]component{c})), " "); !strings.Contains(n, "github.com/gen2brain/heic v0.4.5 (lib/LICENSE.libheif)") {
		t.Errorf("lgplNote: %q", n)
	}
	if n := lgplNote([]component{{name: "x", files: []licenceFile{{"LICENSE", []byte("MIT")}}}}); n != "" {
		t.Errorf("lgplNote of an MIT module: %q", n)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
