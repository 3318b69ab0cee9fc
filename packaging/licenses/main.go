// Command licenses writes the THIRD-PARTY-LICENSES file of one PicPool
// package: every piece of software other than PicPool's own code that the
// package's program contains, each with its licence reproduced from its own
// licence files (never retyped):
//
//	go run ./packaging/licenses -bin PROGRAM -title 'PicPool 0.1.0 for Windows (x86-64)' \
//	    -lib libjpeg-turbo=build/thirdparty/mingw64/share/licenses/libjpeg-turbo \
//	    -embedded github.com/gen2brain/avif:libyuv=build/thirdparty/mingw64/share/licenses/libyuv \
//	    -o THIRD-PARTY-LICENSES.txt
//
// What it lists comes from the program itself: the Go modules it was built
// with (its build information, as `go version -m` prints it), each with the
// licence files of that module version from the module cache (`go mod
// download`: for github.com/gen2brain's modules these include the licences
// of the C libraries they embed compiled to WebAssembly, whose versions
// their lib/Makefile names); the Go standard library and runtime (Go's
// LICENSE); and the C libraries linked in, which the caller names (-lib:
// a licence file, or a folder of them as packaging/thirdparty/build.sh
// leaves them). -embedded adds the licence of code inside a module's
// WebAssembly that the module's own files lack (libyuv in gen2brain/avif's
// encoder), only when the program contains that module.
package main

import (
	"bytes"
	"debug/buildinfo"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// listFlag is a repeatable NAME=PATH flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	bin := flag.String("bin", "", "the package's program (ELF, PE or Mach-O, built by Go)")
	title := flag.String("title", "PicPool", "what the package is, for the heading")
	out := flag.String("o", "", "where to write the file (default: standard output)")
	var libs, embedded listFlag
	flag.Var(&libs, "lib", "NAME=PATH: a C library linked into the program, PATH its licence file or a folder of them (repeatable)")
	flag.Var(&embedded, "embedded", "MODULE:NAME=PATH: the licence of NAME, compiled into MODULE's WebAssembly, when the program contains MODULE (repeatable)")
	flag.Parse()
	if *bin == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	text, err := build(*bin, *title, libs, embedded)
	if err != nil {
		log.Fatalf("licenses: %v", err)
	}
	if *out == "" {
		_, err = os.Stdout.Write(text)
	} else {
		err = os.WriteFile(*out, text, 0o644)
	}
	if err != nil {
		log.Fatalf("licenses: %v", err)
	}
}

// component is one piece of third-party software and its licence files.
type component struct {
	name, note string
	files      []licenceFile
}

type licenceFile struct {
	name string // as shown: the file's path within its module or folder
	text []byte
}

// build collects every component of the program and renders the file.
func build(bin, title string, libs, embedded []string) ([]byte, error) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	var clibs, wasm, gomods []component
	for _, l := range libs {
		name, path, ok := strings.Cut(l, "=")
		if !ok {
			return nil, fmt.Errorf("-lib %q: want NAME=PATH", l)
		}
		c, err := libComponent(name, path)
		if err != nil {
			return nil, err
		}
		clibs = append(clibs, c)
	}

	mods, err := moduleDirs(info)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, m := range mods {
		have[m.Path] = true
		files, err := moduleLicences(m.Dir)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("module %s %s has no licence file in %s", m.Path, m.Version, m.Dir)
		}
		gomods = append(gomods, component{name: m.Path + " " + m.Version, files: files, note: wasmNote(m.Dir)})
	}
	for _, e := range embedded {
		mod, rest, ok1 := strings.Cut(e, ":")
		name, path, ok2 := strings.Cut(rest, "=")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("-embedded %q: want MODULE:NAME=PATH", e)
		}
		if !have[mod] {
			continue // not in this program
		}
		c, err := libComponent(name, path)
		if err != nil {
			return nil, err
		}
		c.note = "compiled to WebAssembly inside " + mod
		wasm = append(wasm, c)
	}

	goroot, err := goEnv("GOROOT")
	if err != nil {
		return nil, err
	}
	golicence, err := os.ReadFile(filepath.Join(goroot, "LICENSE"))
	if err != nil {
		return nil, err
	}
	std := component{name: "Go " + strings.TrimPrefix(info.GoVersion, "go") + " (the standard library and runtime)",
		files: []licenceFile{{"LICENSE", golicence}}}
	return render(title, clibs, wasm, std, gomods), nil
}

// libComponent reads a C library's licence files: PATH itself, or every
// file in the folder PATH (DEBIAN-VERSION, which packaging/thirdparty
// writes, gives the version instead).
func libComponent(name, path string) (component, error) {
	c := component{name: name}
	st, err := os.Stat(path)
	if err != nil {
		return c, fmt.Errorf("licence of %s: %w", name, err)
	}
	paths := []string{path}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return c, err
		}
		paths = paths[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				paths = append(paths, filepath.Join(path, e.Name()))
			}
		}
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return c, err
		}
		if filepath.Base(p) == "DEBIAN-VERSION" {
			c.name += " " + strings.TrimSpace(string(data)) + " (Debian's source package)"
			continue
		}
		c.files = append(c.files, licenceFile{filepath.Base(p), data})
	}
	if len(c.files) == 0 {
		return c, fmt.Errorf("licence of %s: no file in %s", name, path)
	}
	return c, nil
}

const rule = "========================================================================"

func render(title string, clibs, wasm []component, std component, gomods []component) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: third-party software and licences\n\n", title)
	b.WriteString(wrap("This file lists the software other than PicPool's own code that this package's program contains, " +
		"and reproduces the licence of each from its own licence files: for Go modules, the files of that module version; " +
		"for C libraries, those of their source and Debian's copyright file. It was made from the program itself " +
		"(packaging/licenses reads the Go modules it was built with)."))
	b.WriteString("\nContents\n")
	section := func(head string, cs []component) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n  %s\n", head)
		for _, c := range cs {
			fmt.Fprintf(&b, "    %s\n", c.name)
			if c.note != "" {
				fmt.Fprintf(&b, "      %s\n", c.note)
			}
		}
	}
	section("C libraries linked into the program", clibs)
	var mods []component
	for _, m := range gomods {
		if m.note != "" {
			wasm = append(wasm, m)
		} else {
			mods = append(mods, m)
		}
	}
	section("C libraries compiled to WebAssembly inside the program (run by github.com/tetratelabs/wazero)", wasm)
	section("Go", []component{std})
	section("Go modules", mods)
	if lgpl := lgplNote(wasm); lgpl != "" {
		b.WriteString("\n" + lgpl)
	}
	all := append(append(append(clibs, wasm...), std), mods...)
	for _, c := range all {
		for _, f := range c.files {
			fmt.Fprintf(&b, "\n\n%s\n%s: %s\n%s\n\n", rule, c.name, f.name, rule)
			b.Write(bytes.TrimRight(f.text, "\n"))
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// lgplNote says, when the program embeds LGPL code, which code that is and
// where its source is; the licence texts themselves follow in the file.
func lgplNote(wasm []component) string {
	var lines []string
	for _, c := range wasm {
		var files []string
		for _, f := range c.files {
			if bytes.Contains(f.text, []byte("GNU LESSER GENERAL PUBLIC LICENSE")) {
				files = append(files, f.name)
			}
		}
		if len(files) > 0 {
			lines = append(lines, fmt.Sprintf("%s (%s)", c.name, strings.Join(files, ", ")))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	sort.Strings(lines)
	return wrap("Under the GNU Lesser General Public License, version 3: the libraries named in these licence files of "+
		strings.Join(lines, "; ")+". Their source is at the addresses above, at the versions named; the module's lib/ "+
		"folder holds how they were compiled to WebAssembly. The texts of the LGPL and of the GNU GPL it builds on are in "+
		"those files, below.") + "\n"
}

// wrap breaks a paragraph at 76 columns.
func wrap(s string) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		if n > 0 && n+1+len(w) > 76 {
			b.WriteString("\n")
			n = 0
		} else if n > 0 {
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String() + "\n"
}
