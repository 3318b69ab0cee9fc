package codec

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// testXMP has the properties the edits touch in both forms: as attributes
// (one prefix) and as elements (another prefix for the same namespaces).
const testXMP = `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
    exif:GPSLatitude="48,51.5022N" exif:PixelXDimension="1800" tiff:Orientation="6"
    exif:GPSLongitude='2,17.6688E' exif:DateTimeOriginal="2020-01-02T03:04:05"/>
  <rdf:Description rdf:about="" xmlns:e="http://ns.adobe.com/exif/1.0/" xmlns:t="http://ns.adobe.com/tiff/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
   <e:GPSAreaInformation>SECRET</e:GPSAreaInformation>
   <e:GPSDestBearing rdf:parseType="Resource"><rdf:value>12</rdf:value></e:GPSDestBearing>
   <e:PixelYDimension>1200</e:PixelYDimension>
   <t:ImageWidth>1800</t:ImageWidth>
   <dc:creator><rdf:Seq><rdf:li>Ann Example</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`

func TestEditXMP(t *testing.T) {
	out, hadGPS, err := editXMP([]byte(testXMP), xmpEdit{RemoveGPS: true, Orientation: 1, Width: 300, Height: 200})
	if err != nil {
		t.Fatal(err)
	}
	if !hadGPS {
		t.Error("GPS not seen")
	}
	for _, gone := range []string{"GPS", "SECRET", "48,51", `"6"`, "1800", "1200"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("%q is still in:\n%s", gone, out)
		}
	}
	toks, err := tokenizeXML(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[xml.Name]string{
		{Space: nsTIFF, Local: "Orientation"}:      "1",
		{Space: nsEXIF, Local: "PixelXDimension"}:  "300",
		{Space: nsEXIF, Local: "PixelYDimension"}:  "200",
		{Space: nsTIFF, Local: "ImageWidth"}:       "300",
		{Space: nsEXIF, Local: "DateTimeOriginal"}: "2020-01-02T03:04:05",
	} {
		if got := xmpValue(toks, name); got != want {
			t.Errorf("%s = %q, want %q", name.Local, got, want)
		}
	}
	if !bytes.Contains(out, []byte("<rdf:li>Ann Example</rdf:li>")) || !bytes.HasPrefix(out, []byte("<?xpacket begin=")) {
		t.Errorf("the rest of the packet changed:\n%s", out)
	}
	// Kept location: only the orientation changes.
	kept, hadGPS, err := editXMP([]byte(testXMP), xmpEdit{Orientation: 1})
	if err != nil || !hadGPS || !bytes.Contains(kept, []byte("SECRET")) ||
		string(kept) != strings.Replace(testXMP, `tiff:Orientation="6"`, `tiff:Orientation="1"`, 1) {
		t.Errorf("keeping the location: %v\n%s", err, kept)
	}
}

// TestExtendedXMP: XMP too large for one JPEG segment goes into the
// extension; exiftool reads every property back, and so does PicPool.
func TestExtendedXMP(t *testing.T) {
	big := strings.Repeat("long text ", 9000) // 90 kB: more than a segment
	xmp := strings.Replace(testXMP, "<dc:creator>", "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"+big+"</rdf:li></rdf:Alt></dc:description><dc:creator>", 1)
	m := Metadata{XMP: []byte(xmp)}
	path := filepath.Join(t.TempDir(), "ext.jpg")
	var buf bytes.Buffer
	if err := Encode(&buf, testImage(), EncodeOptions{Format: JPEG, Meta: &m}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, buf.Bytes(), 0o644)
	tags := imgtest.Tags(t, path)[0]
	desc, _ := tags["XMP-dc:Description"].(string)
	if fmt.Sprint(tags["XMP-dc:Creator"]) != "[Ann Example]" || tags["XMP-exif:GPSAreaInformation"] != "SECRET" ||
		desc != big {
		t.Errorf("exiftool reads creator %v, GPS area %v, a description of %d bytes", tags["XMP-dc:Creator"], tags["XMP-exif:GPSAreaInformation"], len(desc))
	}
	if _, ok := tags["ExifTool:Warning"]; ok {
		t.Errorf("exiftool warns %v", tags["ExifTool:Warning"])
	}
	d, err := Decode(path, DecodeOptions{})
	if err != nil || len(d.Warnings) > 0 {
		t.Fatal(err, d.Warnings)
	}
	toks, err := tokenizeXML(d.Meta.XMP)
	if err != nil {
		t.Fatal(err)
	}
	if xmpValue(toks, xml.Name{Space: nsEXIF, Local: "DateTimeOriginal"}) == "" || !bytes.Contains(d.Meta.XMP, []byte(big)) ||
		xmpValue(toks, xml.Name{Space: nsXMPNote, Local: "HasExtendedXMP"}) != "" {
		t.Errorf("merged packet lacks properties or still points to an extension:\n%.2000s", d.Meta.XMP)
	}
	// One extension chunk missing: the standard packet alone, with a warning.
	data := bytes.Clone(buf.Bytes())
	at := bytes.LastIndex(data, []byte(xmpExtHeader))
	copy(data[at:], "http://example.com/not/xmp")
	m2, warn := readJPEGMeta(bytes.NewReader(data), int64(len(data)))
	if len(warn) != 1 || !strings.HasPrefix(warn[0], "extended XMP dropped") || m2.XMP == nil || bytes.Contains(m2.XMP, []byte("long text")) {
		t.Errorf("a chunk missing: %q, XMP of %d bytes", warn, len(m2.XMP))
	}
}

// TestJPEGICCChunks: a profile over several APP2 segments reads back whole;
// one with a chunk missing is dropped with a warning.
func TestJPEGICCChunks(t *testing.T) {
	icc, err := os.ReadFile(imgtest.ICCProfile)
	if err != nil {
		t.Fatal(err)
	}
	big := append(bytes.Clone(icc), make([]byte, 3*iccChunk)...) // four segments
	big[0], big[1], big[2], big[3] = byte(len(big)>>24), byte(len(big)>>16), byte(len(big)>>8), byte(len(big))
	var buf bytes.Buffer
	if err := Encode(&buf, testImage(), EncodeOptions{Format: JPEG, Meta: &Metadata{ICC: big}}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if n := bytes.Count(data, []byte(iccHeader)); n != 4 {
		t.Fatalf("%d ICC segments", n)
	}
	m, warn := readJPEGMeta(bytes.NewReader(data), int64(len(data)))
	if !bytes.Equal(m.ICC, big) || len(warn) > 0 {
		t.Errorf("read back %d bytes of %d, %q", len(m.ICC), len(big), warn)
	}
	// Rename the third chunk's header: the profile is incomplete.
	at := bytes.Index(data[bytes.Index(data, []byte(iccHeader))+20:], []byte(iccHeader))
	at = bytes.Index(data[at+40:], []byte(iccHeader)) + at + 40
	cut := bytes.Clone(data)
	copy(cut[at:], "XCC_PROFILE")
	m, warn = readJPEGMeta(bytes.NewReader(cut), int64(len(cut)))
	if m.ICC != nil || len(warn) != 1 || !strings.Contains(warn[0], "1 of its 4 APP2 chunks are missing") {
		t.Errorf("with a chunk missing: %d bytes, %q", len(m.ICC), warn)
	}
}

// testImage is a small opaque image to write metadata around.
func testImage() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 12))
	for i := range img.Pix {
		img.Pix[i] = byte(i*7) | 3
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}
