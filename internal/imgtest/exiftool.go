package imgtest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Metadata test files are made by exiftool (Debian: libimage-exiftool-perl,
// which the Makefile installs), from the shared photos and format samples,
// in a test's temporary folder; exiftool is also the oracle that reads
// what PicPool writes.

// Secret is in the GPS data (EXIF GPSAreaInformation and XMP
// exif:GPSAreaInformation) of the files Tagged makes: with the location
// removed, no byte of it may remain in an output.
const Secret = "PICPOOL-SECRET-PLACE"

// ICCProfile is the profile Tagged embeds (colord-data's Adobe RGB (1998)).
const ICCProfile = "/usr/share/color/icc/colord/AdobeRGB1998.icc"

// TagArgs are the exiftool assignments Tagged makes: camera, date, artist
// and copyright, GPS in EXIF and XMP, XMP and IPTC descriptions, and an ICC
// profile.
var TagArgs = []string{
	"-Make=NIKON", "-Model=COOLPIX P7000", "-DateTimeOriginal=2020:01:02 03:04:05",
	"-Artist=Ann Example", "-Copyright=(c) 2020 Ann Example", "-ImageDescription=The tower",
	"-GPSLatitude=48.858370", "-GPSLatitudeRef=N", "-GPSLongitude=2.294481", "-GPSLongitudeRef=E",
	"-GPSAltitude=35", "-GPSAreaInformation=" + Secret,
	"-XMP-dc:Creator=Ann Example", "-XMP-dc:Subject=tower", "-XMP-dc:Rights=(c) 2020 Ann Example",
	"-XMP-exif:GPSLatitude=48.858370 N", "-XMP-exif:GPSLongitude=2.294481 E", "-XMP-exif:GPSAreaInformation=" + Secret,
	"-IPTC:Keywords=paris", "-IPTC:City=Paris", "-IPTC:By-line=Ann Example",
	"-ICC_Profile<=" + ICCProfile,
}

// Exiftool runs exiftool and returns its standard output; the test fails
// when it is missing or fails.
func Exiftool(tb testing.TB, args ...string) []byte {
	tb.Helper()
	if _, err := exec.LookPath("exiftool"); err != nil {
		tb.Fatal("exiftool is missing (Debian: libimage-exiftool-perl; make test installs it)")
	}
	cmd := exec.Command("exiftool", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("exiftool %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// Tagged makes a file of the given format ("jpeg", "png", "tiff" or
// "webp") in dir with TagArgs' metadata and returns its path. The JPEG is
// the shared photo Landscape_6.jpg (EXIF orientation 6, 1800x1200 stored)
// with an EXIF thumbnail, the PNG and TIFF that photo upright at 120 px
// wide, the WebP a shared lossy sample. Each file is made once per test
// binary and copied from then on.
func Tagged(tb testing.TB, dir, format string) string {
	tb.Helper()
	tagged.Lock()
	defer tagged.Unlock()
	data, ok := tagged.files[format]
	if !ok {
		made := tagFile(tb, tb.TempDir(), format)
		var err error
		if data, err = os.ReadFile(made); err != nil {
			tb.Fatal(err)
		}
		tagged.files[format] = data
	}
	path := filepath.Join(dir, "tagged"+map[string]string{"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "webp": ".webp"}[format])
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

var tagged = struct {
	sync.Mutex
	files map[string][]byte
}{files: map[string][]byte{}}

func tagFile(tb testing.TB, dir, format string) string {
	tb.Helper()
	photo := Path(tb, "photos", "Landscape_6.jpg")
	var path string
	var extra []string
	// ImageMagick makes the derived files (quickly: decoding in Go under
	// the race detector takes seconds), stripped of the photo's metadata.
	switch format {
	case "jpeg":
		path = filepath.Join(dir, "tagged.jpg")
		copyFile(tb, photo, path)
		thumb := filepath.Join(dir, "thumb.jpg")
		convert(tb, photo, "-strip", "-resize", "160x", thumb)
		extra = append(extra, "-ThumbnailImage<="+thumb)
	case "png", "tiff":
		path = filepath.Join(dir, "tagged."+map[string]string{"png": "png", "tiff": "tif"}[format])
		convert(tb, photo, "-auto-orient", "-strip", "-resize", "120x", "-compress", "zip", path)
	case "webp":
		path = filepath.Join(dir, "tagged.webp")
		copyFile(tb, Path(tb, "formats", "x-image", "blue-purple-pink.lossy.webp"), path)
		extra = append(extra, "--IPTC") // WebP holds no IPTC
	default:
		tb.Fatalf("Tagged: no format %q", format)
	}
	Tag(tb, path, extra...)
	return path
}

// convert runs ImageMagick's convert on src with args (the last one the
// output).
func convert(tb testing.TB, src string, args ...string) {
	tb.Helper()
	if out, err := exec.Command("convert", append([]string{src}, args...)...).CombinedOutput(); err != nil {
		tb.Fatalf("convert %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Tag writes TagArgs' metadata into a file with exiftool; extra are more
// exiftool arguments ("--IPTC" leaves out the IPTC assignments).
func Tag(tb testing.TB, path string, extra ...string) {
	tb.Helper()
	args := append([]string{"-q", "-q", "-overwrite_original"}, TagArgs...)
	for _, e := range extra {
		if e == "--IPTC" {
			args = slicesWithout(args, "-IPTC:")
		} else {
			args = append(args, e)
		}
	}
	Exiftool(tb, append(args, path)...)
}

func slicesWithout(args []string, prefix string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, prefix) {
			out = append(out, a)
		}
	}
	return out
}

func copyFile(tb testing.TB, src, dst string) {
	tb.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// Tags reads every tag of the files with exiftool (-G1: the group of each
// tag, such as IFD0, ExifIFD, GPS, XMP-dc, IPTC, ICC-header; -n: values as
// numbers), one map per file from "Group:Tag" to the value.
func Tags(tb testing.TB, paths ...string) []map[string]any {
	tb.Helper()
	out := Exiftool(tb, append([]string{"-j", "-G1", "-n", "-a", "-u", "-struct"}, paths...)...)
	var tags []map[string]any
	if err := json.Unmarshal(out, &tags); err != nil {
		tb.Fatalf("exiftool -j: %v", err)
	}
	return tags
}

// containerGroups are exiftool groups that describe a file's container or
// pixels rather than metadata a photo carries.
var containerGroups = map[string]bool{
	"SourceFile": true, "ExifTool": true, "System": true, "File": true, "Composite": true, "JFIF": true,
	"PNG": true, "PNG-pHYs": true, "APP14": true, "RIFF": true, "IFD1": true, "Photoshop": true,
}

// pixelTags are IFD0 tags of a TIFF file that describe its pixels.
var pixelTags = map[string]bool{
	"ImageWidth": true, "ImageHeight": true, "BitsPerSample": true, "Compression": true,
	"PhotometricInterpretation": true, "FillOrder": true, "StripOffsets": true, "SamplesPerPixel": true,
	"RowsPerStrip": true, "StripByteCounts": true, "PlanarConfiguration": true, "Predictor": true,
	"ExtraSamples": true, "SampleFormat": true, "PageNumber": true, "YCbCrPositioning": true,
	"YCbCrSubSampling": true, "ThumbnailOffset": true, "ThumbnailLength": true,
}

// MetaTags keeps the tags of what a photo carries: EXIF (IFD0 but for the
// tags about a TIFF file's pixels, the Exif, GPS and Interop IFDs, the
// MakerNotes), XMP, IPTC and the ICC profile.
func MetaTags(tags map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range tags {
		group, name, _ := strings.Cut(k, ":")
		if containerGroups[group] || (group == "IFD0" && pixelTags[name]) {
			continue
		}
		out[k] = v
	}
	return out
}

// DiffTags lists how out differs from in ("IFD0:Artist: "Ann" -> missing"),
// leaving out the keys skip names.
func DiffTags(in, out map[string]any, skip func(key string) bool) []string {
	var diffs []string
	show := func(v any, ok bool) string {
		if !ok {
			return "missing"
		}
		b, _ := json.Marshal(v)
		if len(b) > 80 {
			b = append(b[:77], "..."...)
		}
		return string(b)
	}
	for k, v := range in {
		if skip != nil && skip(k) {
			continue
		}
		w, ok := out[k]
		if a, b := show(v, true), show(w, ok); a != b {
			diffs = append(diffs, k+": "+a+" -> "+b)
		}
	}
	for k, w := range out {
		if _, ok := in[k]; !ok && (skip == nil || !skip(k)) {
			diffs = append(diffs, k+": new "+show(w, true))
		}
	}
	slices.Sort(diffs)
	return diffs
}
