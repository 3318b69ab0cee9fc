package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/picpool/picpool/cli"
	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/startlocale"
	"github.com/picpool/picpool/processing"
)

// TestMain lets a test run the real main() in a child process: the test
// binary re-executes itself with PICPOOL_TEST_MAIN set to the arguments.
func TestMain(m *testing.M) {
	if _, ok := os.LookupEnv("PICPOOL_TEST_LOCALE"); ok {
		// What the window gets: main's first step, then the locale variable
		// and a word as the toolkit translates it.
		startlocale.Restore()
		fmt.Printf("LANG=%s LC_ALL=%s %s\n", os.Getenv("LANG"), os.Getenv("LC_ALL"), lang.L("Cancel"))
		os.Exit(0)
	}
	if args, ok := os.LookupEnv("PICPOOL_TEST_MAIN"); ok {
		os.Args = append([]string{"picpool"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fileVersion reads Version from FyneApp.toml with a plain regexp,
// independently of the version package.
func fileVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no Version in FyneApp.toml")
	}
	return string(m[1])
}

func TestVersionPrintsFyneAppVersion(t *testing.T) {
	want := "picpool " + fileVersion(t) + "\n" +
		"JPEG codec: " + codec.JPEGCodec + "; filter kernels: " + processing.Kernels + "; colour: " + codec.ColorEngine() + "\n" +
		strings.Join(codec.Codecs()[1:], "\n") + "\n"
	for _, arg := range []string{"--version", "-version", "version"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "PICPOOL_TEST_MAIN="+arg, "LANG=C.UTF-8")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("picpool %s: %v", arg, err)
		}
		if string(out) != want {
			t.Errorf("picpool %s printed %q, want %q", arg, out, want)
		}
	}
}

func TestSetMetadata(t *testing.T) {
	old := cli.Version
	defer func() { cli.Version = old }()
	setMetadata()
	if v := fileVersion(t); cli.Version != v {
		t.Errorf("cli.Version = %q, FyneApp.toml says %q", cli.Version, v)
	}
	if !strings.HasPrefix(string(iconPNG), "\x89PNG\r\n\x1a\n") {
		t.Error("the embedded Icon.png is not a PNG")
	}
}

// localeEnv is this process's environment without the locale variables,
// plus those given.
func localeEnv(vars ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, vars...)
}

// TestCommandLineHasNoToolkitNoise runs the real program's "run" under the
// locales of containers, cron and cluster jobs: it prints its own lines
// and nothing from the GUI toolkit (which printed "Fyne error: Error
// parsing user locale C" at every start under C.UTF-8).
func TestCommandLineHasNoToolkitNoise(t *testing.T) {
	photo := filepath.Join("..", "shared", "testdata", "photos", "Portrait_1.jpg")
	for _, loc := range [][]string{{"LANG=C.UTF-8"}, {"LANG=C"}, nil, {"LC_ALL=C.UTF-8", "LANG=fr_FR.UTF-8"}, {"LANG=POSIX"}} {
		out := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = localeEnv(append(loc, "PICPOOL_TEST_MAIN=run -workers 1 -out "+out+" "+photo)...)
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", loc, err, got)
		}
		lines := strings.Split(strings.TrimSpace(string(got)), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "start  1 input, 1 worker") || !strings.HasPrefix(lines[1], "processed 1, skipped 0, failed 0 of 1") {
			t.Errorf("%v printed:\n%s", loc, got)
		}
	}
}

// TestWindowKeepsItsLocale: quieting the toolkit changes nothing that the
// window, or a program PicPool starts, sees: the variable is the user's
// again once main runs, and a French locale still gives French words.
func TestWindowKeepsItsLocale(t *testing.T) {
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"LANG=C.UTF-8"}, "LANG=C.UTF-8 LC_ALL= Cancel"},
		{[]string{"LC_ALL=C.UTF-8", "LANG=de_DE.UTF-8"}, "LANG=de_DE.UTF-8 LC_ALL=C.UTF-8 Cancel"},
		{[]string{"LANG=fr_FR.UTF-8"}, "LANG=fr_FR.UTF-8 LC_ALL= Annuler"},
		{[]string{"LANG=de_DE.UTF-8"}, "LANG=de_DE.UTF-8 LC_ALL= Abbrechen"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = localeEnv(append(c.env, "PICPOOL_TEST_LOCALE=1")...)
		got, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(got)) != c.want {
			t.Errorf("%v: %v %q, want %q", c.env, err, got, c.want)
		}
	}
}

// Without a display the window is not tried: a plain message naming the
// command line, exit 2, no toolkit panic.
func TestNoDisplaySaysSo(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PICPOOL_TEST_MAIN= ", "DISPLAY=", "WAYLAND_DISPLAY=", "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("exit %v, want status 2; output:\n%s", err, out)
	}
	if !strings.Contains(string(out), "no display to open the window on") || !strings.Contains(string(out), "picpool run") {
		t.Errorf("the message does not say why or what to run:\n%s", out)
	}
	if strings.Contains(string(out), "panic") || strings.Contains(string(out), "GLFW") {
		t.Errorf("the toolkit was started:\n%s", out)
	}
}
