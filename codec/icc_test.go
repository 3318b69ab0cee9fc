package codec

import (
	"encoding/binary"
	"errors"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// TestParseICCDebianProfiles reads every profile Debian's icc-profiles-free,
// colord-data and libgs-common install, and checks what it says about the
// ones the colour tests use.
func TestParseICCDebianProfiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(imgtest.ICCDir, "*", "*.ic?"))
	top, _ := filepath.Glob(filepath.Join(imgtest.ICCDir, "*.ic?"))
	if files = append(files, top...); len(files) < 40 {
		t.Fatalf("%d profiles in %s: make test installs icc-profiles-free, colord-data and libgs-common", len(files), imgtest.ICCDir)
	}
	parsed := map[string]*ICCProfile{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParseICC(data)
		if err != nil {
			t.Logf("%s: %v", f, err) // colord's named-colour profiles have a malformed B2A0 that lcms2 refuses too
			continue
		}
		parsed[strings.TrimPrefix(f, imgtest.ICCDir+"/")] = p
	}
	for name, want := range map[string]string{
		"colord/AdobeRGB1998.icc":        `"Compatible with Adobe RGB (1998)" (RGB, v4.4, matrix/TRC)`,
		"ghostscript/a98.icc":            `"Artifex Software A98 ICC Profile" (RGB, v2.1, matrix/TRC)`,
		"colord/ProPhotoRGB.icc":         `"ProPhoto RGB" (RGB, v4.4, matrix/TRC)`,
		"ghostscript/default_cmyk.icc":   `"Artifex CMYK SWOP Profile" (CMYK, v2.1, LUT)`,
		"ghostscript/ps_cmyk.icc":        `"Artifex PS CMYK Profile" (CMYK, v4.2, LUT)`,
		"ghostscript/ps_gray.icc":        `"Artifex PS Gray Profile" (GRAY, v4.2, gray TRC)`,
		"Gray.icc":                       `"Gray" (GRAY, v2.3, gray TRC)`,
		"compatibleWithAdobeRGB1998.icc": `"Compatible with Adobe RGB (1998)" (RGB, v2.2, matrix/TRC)`,
	} {
		p := parsed[name]
		if p == nil || p.String() != want || p.SRGB {
			t.Errorf("%s: %v (sRGB %v), want %s", name, p, p != nil && p.SRGB, want)
		}
	}
	for _, name := range []string{"colord/sRGB.icc", "sRGB.icc", "ghostscript/srgb.icc", "ghostscript/default_rgb.icc"} {
		if p := parsed[name]; p == nil || !p.SRGB {
			t.Errorf("%s is sRGB, parsed as %v", name, p)
		}
	}
}

// TestSRGBProfile: the profiles PicPool embeds are small, version 2.1, and
// read back as sRGB (and sGray) in effect.
func TestSRGBProfile(t *testing.T) {
	for _, c := range []struct {
		data       []byte
		space, say string
	}{{SRGBProfile(), "RGB", "sRGB IEC61966-2.1"}, {SGrayProfile(), "GRAY", "sGray"}} {
		p, err := ParseICC(c.data)
		if err != nil {
			t.Fatal(err)
		}
		if !SRGBInEffect(c.data) || !p.SRGB || p.ColorSpace != c.space || p.Description != c.say || p.Version != "2.1" || p.Class != "mntr" || p.Size != len(c.data) || len(c.data) > 700 {
			t.Errorf("%s: %+v", c.say, p)
		}
	}
}

// iccWith builds a version 2.1 display profile with the given tags (in the
// order given).
func iccWith(space string, tags ...iccTag) []byte { return buildICC(space, tags) }

// hostileProfiles are profiles that must be refused, each with a word the
// message must contain.
func hostileProfiles() map[string]struct {
	data []byte
	says string
} {
	srgb := SRGBProfile()
	clone := func(b []byte) []byte { return append([]byte(nil), b...) }
	be := binary.BigEndian
	out := map[string]struct {
		data []byte
		says string
	}{}
	add := func(name, says string, data []byte) {
		out[name] = struct {
			data []byte
			says string
		}{data, says}
	}
	add("truncated", "truncated", srgb[:300])
	add("header only", "truncated", srgb[:100])
	b := clone(srgb)
	be.PutUint32(b, uint32(len(b)+1000))
	add("size past the end", "truncated", b)
	b = clone(srgb)
	be.PutUint32(b[132+4:], 1<<30)
	add("tag past the end", "outside", b)
	b = clone(srgb)
	be.PutUint32(b[128:], 5000)
	add("5000 tags", "tags", b)
	b = clone(srgb)
	copy(b[36:], "xxxx")
	add("no signature", "not an ICC", b)
	b = clone(srgb)
	b[8] = 5
	add("version 5", "version", b)
	b = clone(srgb)
	be.PutUint32(b, 1<<30)
	add("a gigabyte declared", "limit", b)
	// A tone curve that declares two billion entries.
	curv := []byte("curv\x00\x00\x00\x00\x7f\xff\xff\xff\x00\x00")
	add("curve of 2^31 entries", "curve", iccWith("GRAY", iccTag{"kTRC", curv}))
	// A lut16 whose 15-dimensional grid of 255 points would be ~10^36 bytes.
	lut := make([]byte, 52+2*2*15+64)
	copy(lut, "mft2")
	lut[8], lut[9], lut[10] = 15, 3, 255
	be.PutUint16(lut[48:], 2)
	be.PutUint16(lut[50:], 2)
	add("lut16 declaring gigabytes", "LUT", iccWith("RGB ", iccTag{"A2B0", lut}))
	// A lut8 of a plausible grid whose tables are missing.
	lut8 := make([]byte, 48+3*256)
	copy(lut8, "mft1")
	lut8[8], lut8[9], lut8[10] = 3, 3, 33
	add("lut8 cut short", "LUT", iccWith("RGB ", iccTag{"A2B0", lut8}))
	// An mAB whose CLUT declares 200^4 points of 2 bytes.
	mab := make([]byte, 32+20+16)
	copy(mab, "mAB ")
	mab[8], mab[9] = 4, 3
	be.PutUint32(mab[24:], 32)
	copy(mab[32:], []byte{200, 200, 200, 200})
	mab[48] = 2
	add("mAB grid declaring gigabytes", "LUT", iccWith("CMYK", iccTag{"A2B0", mab}))
	// An mAB whose curves point past the tag.
	mab = make([]byte, 32+12)
	copy(mab, "mAB ")
	mab[8], mab[9] = 3, 3
	be.PutUint32(mab[12:], 1000)
	add("mAB curves outside", "curves", iccWith("RGB ", iccTag{"A2B0", mab}))
	add("unknown parametric curve", "parametric", iccWith("GRAY", iccTag{"kTRC", []byte("para\x00\x00\x00\x00\x00\x09\x00\x00\x00\x01\x00\x00")}))
	mluc := []byte("mluc\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x0cenUS\x00\x00\x10\x00\x00\x00\x00\x1c")
	add("description past its tag", "desc", iccWith("RGB ", iccTag{"desc", mluc}))
	add("floating-point LUT", "floating-point", iccWith("RGB ", iccTag{"D2B0", []byte("mpet\x00\x00\x00\x00\x00\x03\x00\x03\x00\x00\x00\x00")}))
	return out
}

// TestParseICCRefusesHostileProfiles: truncated and absurd profiles are
// refused with a message, at once and without allocating what they declare.
func TestParseICCRefusesHostileProfiles(t *testing.T) {
	for name, c := range hostileProfiles() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p, err := ParseICC(c.data)
		runtime.ReadMemStats(&after)
		var ie *ICCError
		if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: ParseICC = %v, %v; want an ICCError saying %q", name, p, err, c.says)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: parsing allocated %d bytes", name, grew)
		}
	}
}

// TestConvertibleNeedsTheTags: profiles that parse but cannot describe an
// image's colours are refused before lcms2 sees them.
func TestConvertibleNeedsTheTags(t *testing.T) {
	d50 := xyzTag(0.9642, 1, 0.8249)
	for name, data := range map[string][]byte{
		"RGB without tone curves": iccWith("RGB ", iccTag{"rXYZ", d50}, iccTag{"gXYZ", d50}, iccTag{"bXYZ", d50}),
		"CMYK without a LUT":      iccWith("CMYK", iccTag{"wtpt", d50}),
		"Lab image profile":       iccWith("Lab ", iccTag{"wtpt", d50}),
	} {
		p, err := ParseICC(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := p.Convertible(); err == nil {
			t.Errorf("%s: convertible", name)
		}
		img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
		if out, err := NewColorConverter().ToSRGB(img, p); err == nil || out != image.Image(img) {
			t.Errorf("%s: converted (%v)", name, err)
		}
	}
}
