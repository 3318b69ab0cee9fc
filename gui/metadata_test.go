package gui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// TestWindowDefaultsKeepPhotoMetadataNotLocation: a camera photo with EXIF
// (orientation 6), GPS in EXIF and XMP, IPTC and an Adobe RGB profile,
// processed by the window with its defaults, comes out upright with its
// camera, date and copyright and without its location; a photo whose EXIF
// cannot be read is written too, and listed with its warning beside the
// failures.
func TestWindowDefaultsKeepPhotoMetadataNotLocation(t *testing.T) {
	h := newHarness(t)
	tagged := imgtest.Tagged(t, t.TempDir(), "jpeg")
	hostile := filepath.Join(testdata, "hostile", "exif_ifd_count_65535.jpg")
	h.dropAndWait(2, tagged, hostile)
	if h.w.output.metadata.Selected != "Keep all but location" || h.w.output.dates.Checked {
		t.Errorf("defaults: metadata %q, keep dates %v", h.w.output.metadata.Selected, h.w.output.dates.Checked)
	}
	out := t.TempDir()
	h.w.output.setFolder(out)
	test.Tap(h.w.run.start)
	h.waitFor("the batch to end", 60*time.Second, func() bool { return h.w.run.result != nil })
	if !strings.Contains(h.w.run.summary.Text, "2 processed") {
		t.Fatalf("summary = %q", h.w.run.summary.Text)
	}

	written := filepath.Join(out, filepath.Base(tagged))
	tags := imgtest.Tags(t, written)[0]
	want := map[string]any{
		"File:ImageWidth": 1800.0, "File:ImageHeight": 1200.0, // upright: stored 1200x1800, orientation 6
		"IFD0:Orientation": 1.0,
		"IFD0:Make":        "NIKON", "IFD0:Model": "COOLPIX P7000",
		"ExifIFD:DateTimeOriginal": "2020:01:02 03:04:05",
		"IFD0:Copyright":           "(c) 2020 Ann Example", "IFD0:Artist": "Ann Example",
		"XMP-dc:Rights": "(c) 2020 Ann Example", "IPTC:City": "Paris",
	}
	for k, v := range want {
		if tags[k] != v {
			t.Errorf("%s = %v, want %v", k, tags[k], v)
		}
	}
	// In sRGB: converted from its Adobe RGB and tagged as such (the pixels:
	// TestWindowDefaultsConvertToSRGB).
	if d := tags["ICC_Profile:ProfileDescription"]; codec.ColorManaged && d != "sRGB IEC61966-2.1" {
		t.Errorf("the output's profile is %v, want sRGB IEC61966-2.1", d)
	}
	for k := range tags {
		if strings.HasPrefix(k, "GPS:") || strings.HasPrefix(k, "XMP-exif:GPS") || strings.HasPrefix(k, "IFD1:") {
			t.Errorf("%s = %v is left", k, tags[k])
		}
	}
	if data, err := os.ReadFile(written); err != nil || bytes.Contains(data, []byte(imgtest.Secret)) {
		t.Errorf("the GPS data are in the output (%v)", err)
	}

	f := h.w.run.fails
	if f.header.Text != "Failures: none · warnings: 1" || !shows(f.list, "exif_ifd_count_65535.jpg") ||
		!shows(f.list, "warning: EXIF dropped: IFD0 claims 65535 entries") {
		t.Errorf("failure list shows %q", texts(f.obj))
	}
}

// TestFormatsWithoutMetadataAreNamed: choosing GIF or BMP says, next to the
// format, that their outputs hold no metadata.
func TestFormatsWithoutMetadataAreNamed(t *testing.T) {
	h := newHarness(t)
	o := h.w.output
	for _, c := range []struct {
		format string
		note   bool
	}{{"same", false}, {"gif", true}, {"jpeg", false}, {"bmp", true}, {"tiff", false}} {
		o.format.SetSelected(c.format)
		if o.noMeta.Visible() != c.note {
			t.Errorf("%s: the no-metadata note shown %v", c.format, o.noMeta.Visible())
		}
	}
	if !strings.Contains(o.noMeta.Text, "GIF and BMP cannot hold metadata") {
		t.Errorf("note %q", o.noMeta.Text)
	}
}
