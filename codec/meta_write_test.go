package codec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// TestWriteMetadata writes the blocks read from exiftool-tagged files into
// JPEG, PNG and TIFF outputs: exiftool finds every tag of the source in
// each output, and PicPool reads the same blocks back.
func TestWriteMetadata(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var pairs [][2]int // source, output index into paths
	sources := []string{"jpeg", "png", "tiff", "webp"}
	outputs := []Format{JPEG, PNG, TIFF}
	decoded := map[string]*Decoded{}
	for _, sf := range sources {
		src := imgtest.Tagged(t, filepath.Join(dir), sf)
		renamed := filepath.Join(dir, "src-"+filepath.Base(src))
		if err := os.Rename(src, renamed); err != nil {
			t.Fatal(err)
		}
		d, err := Decode(renamed, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		decoded[renamed] = d
		si := len(paths)
		paths = append(paths, renamed)
		for _, of := range outputs {
			var buf bytes.Buffer
			if err := Encode(&buf, d.Image, EncodeOptions{Format: of, Meta: &d.Meta}); err != nil {
				t.Fatalf("%s as %s: %v", sf, of, err)
			}
			out := filepath.Join(dir, fmt.Sprintf("%s-to%s", sf, of.Ext()))
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, [2]int{si, len(paths)})
			paths = append(paths, out)
		}
	}
	tags := imgtest.Tags(t, paths...)
	for _, p := range pairs {
		src, out := paths[p[0]], paths[p[1]]
		name := filepath.Base(out)
		in := imgtest.MetaTags(tags[p[0]])
		got := imgtest.MetaTags(tags[p[1]])
		if len(in) < 30 {
			t.Fatalf("%s: exiftool sees only %d tags in the source", name, len(in))
		}
		if diffs := imgtest.DiffTags(in, got, nil); len(diffs) > 0 {
			t.Errorf("%s: tags differ from the source's:\n  %s", name, strings.Join(diffs, "\n  "))
		}
		if w, ok := tags[p[1]]["ExifTool:Warning"]; ok {
			t.Errorf("%s: exiftool warns %v", name, w)
		}
		d, err := Decode(out, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := decoded[src].Meta
		if len(d.Warnings) > 0 {
			t.Errorf("%s: warnings %q", name, d.Warnings)
		}
		if !bytes.Equal(d.Meta.XMP, want.XMP) || !bytes.Equal(d.Meta.ICC, want.ICC) || !bytes.Equal(d.Meta.IPTC, want.IPTC) {
			t.Errorf("%s: XMP, ICC or IPTC read back differ", name)
		}
		if !strings.HasSuffix(out, ".tif") && !bytes.Equal(d.Meta.EXIF, want.EXIF) {
			t.Errorf("%s: the EXIF block read back differs (%d bytes, wrote %d)", name, len(d.Meta.EXIF), len(want.EXIF))
		}
	}
}
