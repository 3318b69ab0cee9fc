package codec

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

const testSecret = "SECRET-GPS-BYTES"

// nikonMakerNote is a MakerNote with its own TIFF header and a directory
// whose offsets count from that header (Nikon type 3): it must come out
// byte for byte where it was.
var nikonMakerNote = []byte("Nikon\x00\x02\x10\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x00\x01\x00\x07\x00\x00\x00\x04\x30\x32\x31\x30\x00\x00\x00\x00")

func ascii(tag uint16, s string) outEntry {
	return outEntry{tag: tag, typ: tASCII, count: uint32(len(s) + 1), val: []byte(s + "\x00")}
}

func short(bo binary.ByteOrder, tag uint16, v uint16) outEntry {
	val := make([]byte, 2)
	bo.PutUint16(val, v)
	return outEntry{tag: tag, typ: tShort, count: 1, val: val}
}

// testEXIF makes an EXIF block as cameras write them: IFD0 (Make,
// Orientation 6), an Exif IFD (pixel dimensions, a MakerNote), a GPS IFD
// (a latitude and testSecret) and IFD1 with a JPEG thumbnail at the end.
func testEXIF(t *testing.T, bo binary.ByteOrder) []byte {
	t.Helper()
	lat := make([]byte, 24)
	for i, v := range []uint32{48, 1, 51, 1, 3013, 100} {
		bo.PutUint32(lat[4*i:], v)
	}
	exif := &ifdNode{}
	exif.set(short(bo, tagPixelX, 1800))
	exif.set(short(bo, tagPixelY, 1200))
	exif.set(outEntry{tag: tagMakerNote, typ: tUndefined, count: uint32(len(nikonMakerNote)), val: nikonMakerNote})
	gps := &ifdNode{}
	gps.set(ascii(0x0001, "N"))
	gps.set(outEntry{tag: 0x0002, typ: tRational, count: 3, val: lat})
	gps.set(outEntry{tag: 0x001C, typ: tUndefined, count: uint32(8 + len(testSecret)), val: []byte("ASCII\x00\x00\x00" + testSecret)})
	root := &ifdNode{}
	root.set(ascii(0x010F, "NIKON"))
	root.set(ascii(0x8298, "(c) Ann"))
	root.set(short(bo, tagOrientation, 6))
	root.set(short(bo, tagImageWidth, 1800))
	root.set(outEntry{tag: tagExifIFD, sub: exif})
	root.set(outEntry{tag: tagGPSIFD, sub: gps})
	b := layoutTIFF(root, bo)
	if len(b)%2 == 1 {
		b = append(b, 0)
	}
	// IFD1: two entries, then the thumbnail right after it.
	thumb := []byte("\xFF\xD8\xFF\xDBthumbnail-bytes\xFF\xD9")
	ifd1 := int64(len(b))
	thumbAt := ifd1 + 2 + 2*12 + 4
	long := func(v int64) []byte { x := make([]byte, 4); bo.PutUint32(x, uint32(v)); return x }
	one := &ifdNode{}
	one.set(outEntry{tag: tagThumbOffset, typ: tLong, count: 1, val: long(thumbAt)})
	one.set(outEntry{tag: tagThumbLength, typ: tLong, count: 1, val: long(int64(len(thumb)))})
	b, _ = one.appendTo(b, 0, bo)
	b = append(b, thumb...)
	ifd0 := int64(bo.Uint32(b[4:]))
	n := int64(bo.Uint16(b[ifd0:]))
	bo.PutUint32(b[ifd0+2+12*n:], uint32(ifd1))
	if _, err := parseEXIF(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEditEXIF(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		src := testEXIF(t, bo)
		mn := bytes.Index(src, nikonMakerNote)
		out, done, err := editEXIF(src, exifEdit{RemoveGPS: true, Orientation: 1, Width: 70000, Height: 600})
		if err != nil {
			t.Fatal(err)
		}
		if !done.GPS || !done.Thumbnail {
			t.Errorf("%v: removed %+v, want GPS and thumbnail", bo, done)
		}
		lat := make([]byte, 24) // the latitude's three rationals, as stored
		for i, v := range []uint32{48, 1, 51, 1, 3013, 100} {
			bo.PutUint32(lat[4*i:], v)
		}
		if !bytes.Contains(src, lat) {
			t.Fatal("the test block holds no latitude")
		}
		for _, gone := range []string{testSecret, "thumbnail-bytes", string(lat)} {
			if bytes.Contains(out, []byte(gone)) {
				t.Errorf("%v: %q is still in the block", bo, gone)
			}
		}
		if got := bytes.Index(out, nikonMakerNote); got != mn {
			t.Errorf("%v: MakerNote at %d, was at %d", bo, got, mn)
		}
		if len(out) >= len(src)-len("thumbnail-bytes") {
			t.Errorf("%v: %d bytes, from %d: the thumbnail at the end was not cut off", bo, len(out), len(src))
		}
		tr, err := parseEXIF(out)
		if err != nil {
			t.Fatal(err)
		}
		if tr.gps != nil || tr.ifd0.find(tagGPSIFD) != nil || tr.ifd1 != nil || tr.ifd0.Next != 0 {
			t.Errorf("%v: GPS or IFD1 still linked", bo)
		}
		if o, _ := tr.ifd0.find(tagOrientation).uint(bo, 0); o != 1 {
			t.Errorf("%v: orientation %d", bo, o)
		}
		w, _ := tr.exif.find(tagPixelX).uint(bo, 0)
		h, _ := tr.exif.find(tagPixelY).uint(bo, 0)
		iw, _ := tr.ifd0.find(tagImageWidth).uint(bo, 0)
		if w != 70000 || h != 600 || iw != 70000 {
			t.Errorf("%v: pixel dimensions %dx%d, IFD0 width %d", bo, w, h, iw)
		}
		// Keeping the location keeps every GPS byte.
		kept, done, err := editEXIF(src, exifEdit{Orientation: 1})
		if err != nil || done.GPS || !bytes.Contains(kept, []byte(testSecret)) {
			t.Errorf("%v: without RemoveGPS: %v, %+v", bo, err, done)
		}
	}
	// exiftool reads the edited block: the camera and copyright, no GPS,
	// no thumbnail, the new orientation and size, the MakerNote.
	out, _, _ := editEXIF(testEXIF(t, binary.BigEndian), exifEdit{RemoveGPS: true, Orientation: 1, Width: 70000, Height: 600})
	path := filepath.Join(t.TempDir(), "edited.tif")
	os.WriteFile(path, out, 0o644)
	tags := imgtest.Tags(t, path)[0]
	want := map[string]any{"IFD0:Make": "NIKON", "IFD0:Copyright": "(c) Ann", "IFD0:Orientation": 1.0,
		"ExifIFD:ExifImageWidth": 70000.0, "ExifIFD:ExifImageHeight": 600.0}
	for k, v := range want {
		if tags[k] != v {
			t.Errorf("exiftool: %s = %v, want %v", k, tags[k], v)
		}
	}
	for k := range tags {
		if strings.HasPrefix(k, "GPS:") || strings.HasPrefix(k, "IFD1:") {
			t.Errorf("exiftool still finds %s", k)
		}
	}
}

// TestHostileEXIF: malformed blocks are refused with a reason, never
// followed into a loop or past their end.
func TestHostileEXIF(t *testing.T) {
	bo := binary.BigEndian
	good := testEXIF(t, bo)
	ifd0 := int(bo.Uint32(good[4:]))
	entry := func(b []byte, tag uint16) int {
		n := int(bo.Uint16(b[ifd0:]))
		for i := 0; i < n; i++ {
			if p := ifd0 + 2 + 12*i; bo.Uint16(b[p:]) == tag {
				return p
			}
		}
		t.Fatalf("no tag 0x%04X", tag)
		return 0
	}
	mutate := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	cases := map[string]struct {
		block []byte
		want  string
	}{
		"Exif IFD loops to IFD0": {mutate(func(b []byte) { bo.PutUint32(b[entry(b, tagExifIFD)+8:], uint32(ifd0)) }), "loop"},
		"GPS IFD past the end":   {mutate(func(b []byte) { bo.PutUint32(b[entry(b, tagGPSIFD)+8:], 1<<30) }), "past the end"},
		"absurd count": {mutate(func(b []byte) {
			p := entry(b, 0x010F)
			bo.PutUint32(b[p+4:], 0x3FFFFFFF)
		}), "past the end"},
		"IFD0 claims 65535 entries": {mutate(func(b []byte) { bo.PutUint16(b[ifd0:], 65535) }), "65535 entries"},
		"value offset past the end": {mutate(func(b []byte) { bo.PutUint32(b[entry(b, 0x8298)+8:], uint32(len(b))) }), "past the end"},
		"truncated in IFD0":         {good[:ifd0+20], "past the end"},
		"not TIFF":                  {[]byte("XX*\x00\x00\x00\x00\x08"), "no TIFF header"},
	}
	for name, c := range cases {
		var m Metadata
		w := m.Set(BlockEXIF, c.block)
		if !strings.HasPrefix(w, "EXIF dropped: ") || !strings.Contains(w, c.want) || m.EXIF != nil {
			t.Errorf("%s: %q, EXIF kept: %v", name, w, m.EXIF != nil)
		}
	}
	// IFD1 looping back is not a reason to drop the block: IFD1 goes anyway.
	loop := mutate(func(b []byte) {
		n := int(bo.Uint16(b[ifd0:]))
		bo.PutUint32(b[ifd0+2+12*n:], uint32(ifd0))
	})
	out, done, err := editEXIF(loop, exifEdit{})
	if err != nil || !done.Thumbnail {
		t.Fatalf("IFD1 loop: %v, %+v", err, done)
	}
	if tr, _ := parseEXIF(out); tr == nil || tr.ifd0.Next != 0 {
		t.Error("IFD1 loop: still linked")
	}
}

func TestHostileBlocks(t *testing.T) {
	icc, err := os.ReadFile(imgtest.ICCProfile)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		kind  Block
		data  []byte
		wants string
	}{
		{"XMP that is not XML", BlockXMP, []byte("<x:xmpmeta><rdf:RDF>unclosed"), "not well-formed XML"},
		{"XMP that is text", BlockXMP, []byte("just some words"), "no XML element"},
		{"truncated ICC", BlockICC, icc[:len(icc)/2], "truncated"},
		{"ICC without its signature", BlockICC, append(make([]byte, 4), icc[4:36]...), "too short"},
		{"IPTC that is not IIM", BlockIPTC, []byte("8BIM\x04\x04junk"), "not IPTC-IIM"},
		{"IPTC dataset past the end", BlockIPTC, []byte("\x1c\x02\x19\x7f\xffpar"), "past the end"},
		{"EXIF over the limit", BlockEXIF, make([]byte, MaxEXIF+1), "over the 4 MiB"},
	}
	for _, c := range cases {
		var m Metadata
		if w := m.Set(c.kind, c.data); !strings.Contains(w, c.wants) || *m.slot(c.kind) != nil {
			t.Errorf("%s: %q", c.name, w)
		}
	}
}
