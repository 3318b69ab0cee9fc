package codec

import (
	"bytes"
	"os"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// BenchmarkMetadata times the metadata steps alone on a tagged camera
// photo's blocks (EXIF with GPS and a thumbnail, XMP, IPTC, an 18 kB ICC
// profile): reading them from the JPEG's segments, the default policy's
// edits, and writing them into an output's bytes.
func BenchmarkMetadata(b *testing.B) {
	data, err := os.ReadFile(imgtest.Tagged(b, b.TempDir(), "jpeg"))
	if err != nil {
		b.Fatal(err)
	}
	m, _ := readJPEGMeta(bytes.NewReader(data), int64(len(data)))
	edit := MetaEdit{RemoveLocation: true, Orientation: 1, Width: 1920, Height: 1280}
	edited, _ := m.Edit(edit)
	out := []byte("\xFF\xD8\xFF\xDB")
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			readJPEGMeta(bytes.NewReader(data), int64(len(data)))
		}
	})
	b.Run("edit", func(b *testing.B) {
		for b.Loop() {
			m.Edit(edit)
		}
	})
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			addJPEGMeta(out, &edited)
		}
	})
}
