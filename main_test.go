package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/picpool/picpool/cli"
	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// TestMain lets a test run the real main() in a child process: the test
// binary re-executes itself with PICPOOL_TEST_MAIN set to the arguments.
func TestMain(m *testing.M) {
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
		"JPEG codec: " + codec.JPEGCodec + "; filter kernels: " + processing.Kernels + "\n" +
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
