package processing

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// With adopt (what a resumed batch sets), Rename takes an existing file as
// the output only when it holds exactly the bytes just made; anything else
// (other bytes of the same length, a link to the same bytes) gets the next
// free name, as without adopt. No temporary file is left either way.
func TestWriteAtomicAdoptsOnlyIdenticalFiles(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "a.jpg")
	if err := os.WriteFile(dst, []byte("the output"), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(content string, adopt bool) string {
		t.Helper()
		got, err := writeAtomic(context.Background(), dst, Rename, adopt, time.Time{}, func(w io.Writer) error {
			_, err := io.WriteString(w, content)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(got); string(data) != content {
			t.Fatalf("%s holds %q, want %q", got, data, content)
		}
		return filepath.Base(got)
	}
	for _, c := range []struct {
		content string
		adopt   bool
		want    string
	}{
		{"the output", true, "a.jpg"},    // the same bytes: found again
		{"the output", false, "a-1.jpg"}, // without adopt: a new name
		{"other byte", true, "a-2.jpg"},  // same length, other bytes
		{"longer output", true, "a-3.jpg"},
	} {
		if got := write(c.content, c.adopt); got != c.want {
			t.Errorf("%q (adopt %v) went to %s, want %s", c.content, c.adopt, got, c.want)
		}
	}
	// A symbolic link to identical bytes is not an output of ours.
	elsewhere := filepath.Join(t.TempDir(), "elsewhere.jpg")
	if err := os.WriteFile(elsewhere, []byte("linked bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(dst)
	if err := os.Symlink(elsewhere, dst); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if got := write("linked bytes", true); got != "a-4.jpg" {
		t.Errorf("through a link: went to %s, want a-4.jpg", got)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if IsTemp(e.Name()) {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if len(entries) != 5 {
		t.Errorf("%d files, want a.jpg (the link) and a-1 to a-4", len(entries))
	}
}
