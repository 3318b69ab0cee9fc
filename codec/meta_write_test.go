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
// JPEG, PNG and TIFF outputs (of a small image: the pixels do not matter
// here): exiftool finds every tag of the source in each output, and
// PicPool reads the same blocks back.
func TestWriteMetadata(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var pairs [][2]int // source, output index into paths
	sources := []string{"jpeg", "png", "tiff", "webp"}
	outputs := []Format{JPEG, PNG, TIFF}
	read := map[string]Metadata{}
	for _, sf := range sources {
		src := imgtest.Tagged(t, filepath.Join(dir), sf)
		renamed := filepath.Join(dir, "src-"+filepath.Base(src))
		if err := os.Rename(src, renamed); err != nil {
			t.Fatal(err)
		}
		m, _ := readFileMeta(t, renamed)
		read[renamed] = m
		si := len(paths)
		paths = append(paths, renamed)
		for _, of := range outputs {
			var buf bytes.Buffer
			if err := Encode(&buf, testImage(), EncodeOptions{Format: of, Meta: &m}); err != nil {
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
		got2, warn := readFileMeta(t, out)
		want := read[src]
		if len(warn) > 0 {
			t.Errorf("%s: warnings %q", name, warn)
		}
		if !bytes.Equal(got2.XMP, want.XMP) || !bytes.Equal(got2.ICC, want.ICC) || !bytes.Equal(got2.IPTC, want.IPTC) {
			t.Errorf("%s: XMP, ICC or IPTC read back differ", name)
		}
		if !strings.HasSuffix(out, ".tif") && !bytes.Equal(got2.EXIF, want.EXIF) {
			t.Errorf("%s: the EXIF block read back differs (%d bytes, wrote %d)", name, len(got2.EXIF), len(want.EXIF))
		}
	}
}

// TestAddWebPMetadata: the chunk builder issue 12's WebP encoder will call,
// on simple lossy (VP8) and lossless (VP8L, with alpha) files and on an
// extended one (VP8X, from exiftool): exiftool reads the tags of the source
// photo, the file still decodes to the same size, and PicPool reads the
// same blocks back. (libwebp's webpmux and dwebp accept such files too.)
func TestAddWebPMetadata(t *testing.T) {
	dir := t.TempDir()
	src := imgtest.Tagged(t, dir, "jpeg")
	m, _ := readFileMeta(t, src)
	m.IPTC = nil // WebP holds no IPTC
	var paths []string
	for _, name := range []string{"formats/x-image/video-001.lossy.webp", "formats/x-image/gopher-doc.with-alpha.lossless.webp", "extended"} {
		in := filepath.Join(imgtest.Testdata(t), name)
		if name == "extended" {
			in = imgtest.Tagged(t, dir, "webp")
		}
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := AddWebPMetadata(data, &m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join(dir, fmt.Sprintf("out-%d.webp", len(paths)))
		os.WriteFile(path, out, 0o644)
		paths = append(paths, path)
		// Stored sizes: the tagged photo's EXIF orientation, now in the
		// WebP, turns it when decoded (as for a JPEG).
		before, err1 := Decode(in, DecodeOptions{NoOrientation: true})
		after, err2 := Decode(path, DecodeOptions{NoOrientation: true})
		if err1 != nil || err2 != nil || before.Image.Bounds() != after.Image.Bounds() {
			t.Fatalf("%s: decodes %v, %v", name, err1, err2)
		}
		if !bytes.Equal(after.Meta.EXIF, m.EXIF) || !bytes.Equal(after.Meta.XMP, m.XMP) || !bytes.Equal(after.Meta.ICC, m.ICC) || len(after.Warnings) > 0 {
			t.Errorf("%s: blocks read back differ (%q)", name, after.Warnings)
		}
	}
	tags := imgtest.Tags(t, append([]string{src}, paths...)...)
	want := imgtest.MetaTags(tags[0])
	for i, p := range paths {
		got := imgtest.MetaTags(tags[i+1])
		if diffs := imgtest.DiffTags(want, got, func(k string) bool { return strings.HasPrefix(k, "IPTC:") }); len(diffs) > 0 {
			t.Errorf("%s: %s", filepath.Base(p), strings.Join(diffs, "; "))
		}
		if w, ok := tags[i+1]["ExifTool:Warning"]; ok {
			t.Errorf("%s: exiftool warns %v", filepath.Base(p), w)
		}
	}
}
