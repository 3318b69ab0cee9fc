//go:build unix

package processing

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

func TestSpecialFilesAreRefusedNotHung(t *testing.T) {
	imgtest.Testdata(t)
	dir := t.TempDir()
	photo := filepath.Join(imgtest.Dir, "photos", "Landscape_1.jpg")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(syscall.Mkfifo(filepath.Join(dir, "pipe.jpg"), 0o644))
	must(os.Symlink("loop-b.jpg", filepath.Join(dir, "loop-a.jpg")))
	must(os.Symlink("loop-a.jpg", filepath.Join(dir, "loop-b.jpg")))
	must(os.Symlink("nowhere.jpg", filepath.Join(dir, "dangling.jpg")))
	must(os.Mkdir(filepath.Join(dir, "x.jpg"), 0o755))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(os.Symlink("..", filepath.Join(dir, "sub", "up"))) // a folder loop
	data, err := os.ReadFile(photo)
	must(err)
	badUTF8 := "caf\xe9-\xff.jpg"
	long := strings.Repeat("n", 246) + ".jpg" // 250 bytes
	must(os.WriteFile(filepath.Join(dir, badUTF8), data, 0o644))
	must(os.WriteFile(filepath.Join(dir, long), data, 0o644))
	must(os.WriteFile(filepath.Join(dir, "sub", "ok.jpg"), data, 0o644))

	sources, skipped := Collect(context.Background(), []string{dir}, CollectOptions{})
	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[filepath.Base(s.Path)] = s.Reason
	}
	for name, want := range map[string]string{
		"pipe.jpg": "named pipe", "loop-a.jpg": "symbolic link loop", "dangling.jpg": "broken link", "up": "loops back",
	} {
		if !strings.Contains(reasons[name], want) {
			t.Errorf("%s skipped with %q, want %q", name, reasons[name], want)
		}
	}
	got := map[string]bool{}
	for _, s := range sources {
		got[s.Rel] = true
	}
	for _, want := range []string{badUTF8, long, filepath.Join("sub", "ok.jpg")} {
		if !got[want] {
			t.Errorf("%q not collected (got %v)", want, got)
		}
	}
	if len(sources) != 3 {
		t.Errorf("collected %d sources: %v", len(sources), got)
	}

	// Given directly, each special file fails with a clear error, at once.
	for name, want := range map[string]ErrorKind{
		"pipe.jpg": ErrNotRegular, "x.jpg": ErrNotRegular, "dangling.jpg": ErrNotFound, "loop-a.jpg": ErrNotFound,
	} {
		_, err := codec.Decode(filepath.Join(dir, name), codec.DecodeOptions{})
		if KindOf(err) != want {
			t.Errorf("%s: %v (%v), want %v", name, err, KindOf(err), want)
		}
	}
	// Odd names convert; a suffix that makes the name too long fails clearly.
	out := t.TempDir()
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=100x0"), Naming: Naming{Dir: out}})
	must(err)
	for _, s := range sources {
		if _, err := p.Process(context.Background(), s, nil); err != nil {
			t.Errorf("%q: %v", s.Rel, err)
		}
	}
	p, err = NewProcessor(Settings{Chain: mustChain(t, "resize=100x0"), Naming: Naming{Dir: out, Suffix: "-with-a-suffix"}})
	must(err)
	_, err = p.Process(context.Background(), Source{Path: filepath.Join(dir, long), Rel: long}, nil)
	if KindOf(err) != ErrNameTooLong || !strings.Contains(err.Error(), "file name too long") {
		t.Errorf("long name with suffix: %v", err)
	}
	assertNoTemp(t, out)
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "secret.jpg")
	if err := os.WriteFile(f, []byte{0xFF, 0xD8}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := codec.Decode(f, codec.DecodeOptions{}); KindOf(err) != ErrPermission || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("got %v", err)
	}
}

// A logo or a font that is a named pipe is refused without being opened
// (opening one would block the chain's check forever).
func TestStepFilesThatArePipesAreRefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"overlay=" + Quote(fifo), "watermark=hi:font=" + Quote(fifo)} {
		_, err := ParseChain(spec)
		if err == nil || !strings.Contains(err.Error(), fifo+": is a named pipe") {
			t.Errorf("ParseChain(%q) = %v", spec, err)
		}
	}
}
