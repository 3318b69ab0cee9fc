package codec

import (
	"os"
	"path/filepath"
	"testing"
)

// On Windows the file opened must be a file on a disk: a device name,
// which opens a device in any folder, is refused before it is opened, and
// sameOpened refuses a handle that is not a disk file.
func TestOpenedFileIsOnADisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jpg")
	if err := os.WriteFile(path, []byte{0xFF, 0xD8, 0xFF}, 0o644); err != nil {
		t.Fatal(err)
	}
	f, st, err := openRegular(path)
	if err != nil {
		t.Fatalf("openRegular(%s): %v", path, err)
	}
	f.Close()
	if st.Size() != 3 {
		t.Errorf("size %d, want 3", st.Size())
	}

	if _, _, err := openRegular("NUL"); KindOf(err) != ErrNotRegular {
		t.Errorf("openRegular(NUL) = %v, want a refusal as not a regular file", err)
	}
	dev, err := os.Open("NUL")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if err := sameOpened(st, dev); err == nil {
		t.Error("sameOpened accepted the NUL device")
	}
}
