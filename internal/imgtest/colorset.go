package imgtest

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Colour test files, made by the tests from a shared photo with lcms2's own
// tools (Debian liblcms2-utils: jpgicc, tificc), ImageMagick and exiftool,
// and profiles from Debian's icc-profiles-free, colord-data and libgs-common
// (make test installs them all). Nothing here is checked in.

// ICCDir is where Debian installs colour profiles.
const ICCDir = "/usr/share/color/icc"

// ColorCase is a photo in some colour space, tagged with its profile, and
// lcms2's conversion of it to sRGB.
type ColorCase struct {
	Name    string
	Input   string // the tagged image
	Ref     string // lcms2's sRGB conversion (8-bit RGB TIFF, lossless)
	Profile string // what the profile is, for messages
	// Converted is false for inputs that PicPool leaves as they are (the
	// reference is then the input's own pixels, as viewers take them).
	Converted bool
}

// ColorCases makes the colour test files in a temporary folder: from one
// photo (600x400) as JPEG, through jpgicc, tificc and ImageMagick, into
// Adobe RGB (v2 and v4), ProPhoto and Wide Gamut RGB (v4), a LUT-based RGB
// profile, gray (v2 and v4), CMYK with a LUT profile (v2 YCCK JPEG written by
// jpgicc, v4 Adobe-inverted JPEG written by ImageMagick, CMYK TIFF) and an
// untagged CMYK JPEG; and for each lcms2's conversion to sRGB, relative
// colorimetric, with black-point compensation for CMYK and LUT profiles (as
// PicPool converts). A missing tool or profile fails the test: make test
// installs them.
func ColorCases(t testing.TB) []ColorCase {
	t.Helper()
	for _, tool := range []string{"jpgicc", "tificc", "convert", "exiftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (make test installs liblcms2-utils, imagemagick and libimage-exiftool-perl)", tool)
		}
	}
	dir := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	at := func(name string) string { return filepath.Join(dir, name) }
	icc := func(name string) string {
		t.Helper()
		p := filepath.Join(ICCDir, name)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("profile %s is missing (make test installs icc-profiles-free, colord-data and libgs-common)", p)
		}
		return p
	}
	lut := at("lut-adobe-like.icc")
	if err := os.WriteFile(lut, LUTProfile(), 0o644); err != nil {
		t.Fatal(err)
	}
	run("convert", Path(t, "photos", "Landscape_1.jpg"), "-resize", "600x", "-strip", "-quality", "97", at("src.jpg"))
	run("convert", at("src.jpg"), at("src.tif"))

	var cases []ColorCase
	// ref converts a tagged file to sRGB with tificc, through a lossless
	// TIFF that ImageMagick decodes the JPEG into (keeping its profile).
	ref := func(name, input, profile string, bpc bool) {
		t.Helper()
		tif := input
		if !strings.HasSuffix(input, ".tif") {
			tif = at(name + "-decoded.tif")
			run("convert", input, tif)
		}
		args := []string{"-t1"}
		if bpc {
			args = append(args, "-b")
		}
		run("tificc", append(args, tif, at(name+"-ref.tif"))...)
		cases = append(cases, ColorCase{Name: name, Input: input, Ref: at(name + "-ref.tif"), Profile: profile, Converted: true})
	}
	jpg := func(name, profile string, bpc bool) {
		t.Helper()
		args := []string{"-t1", "-q95", "-e", "-o" + icc(profile)}
		if bpc {
			args = append(args, "-b")
		}
		run("jpgicc", append(args, at("src.jpg"), at(name+".jpg"))...)
		ref(name, at(name+".jpg"), profile, bpc)
	}
	jpg("adobe-v4", "colord/AdobeRGB1998.icc", false)
	jpg("adobe-v2", "ghostscript/a98.icc", false)
	jpg("prophoto-v4", "colord/ProPhotoRGB.icc", false)
	jpg("widegamut-v4", "colord/WideGamutRGB.icc", false)
	jpg("gray-v4", "ghostscript/ps_gray.icc", false)
	jpg("gray-v2", "Gray.icc", false)
	jpg("cmyk-ycck-v2-lut", "ghostscript/default_cmyk.icc", true)

	// The LUT profile: Adobe RGB pixels tagged with a 17-point LUT of it.
	run("cp", at("adobe-v2.jpg"), at("lut-rgb.jpg"))
	run("exiftool", "-q", "-overwrite_original", "-ICC_Profile<="+lut, at("lut-rgb.jpg"))
	ref("lut-rgb", at("lut-rgb.jpg"), "LUT-based RGB (made by the test)", true)

	// Adobe-inverted CMYK written by ImageMagick, with a v4 LUT profile.
	run("convert", at("src.tif"), "-profile", icc("colord/sRGB.icc"), "-intent", "relative", "-black-point-compensation",
		"-profile", icc("ghostscript/ps_cmyk.icc"), "-quality", "95", at("cmyk-adobe-v4-lut.jpg"))
	// Adobe's way: an APP14 "Adobe" segment, which says the CMYK is stored
	// inverted (exiftool reads its colour transform from it).
	if out, err := exec.Command("exiftool", "-s3", "-APP14:ColorTransform", at("cmyk-adobe-v4-lut.jpg")).Output(); err != nil || len(out) == 0 {
		t.Fatalf("ImageMagick's CMYK JPEG has no Adobe APP14 segment (%v)", err)
	}
	ref("cmyk-adobe-v4-lut", at("cmyk-adobe-v4-lut.jpg"), "ghostscript/ps_cmyk.icc", true)

	// A CMYK TIFF (8-bit chunky, uncompressed) with its profile, by tificc.
	run("tificc", "-t1", "-b", "-e", "-o"+icc("ghostscript/default_cmyk.icc"), at("src.tif"), at("cmyk.tif"))
	ref("cmyk-tiff-v2-lut", at("cmyk.tif"), "ghostscript/default_cmyk.icc", true)

	// CMYK without a profile: browsers, ImageMagick and PicPool turn it into
	// RGB without one.
	run("convert", at("src.tif"), "-colorspace", "CMYK", "-quality", "95", at("cmyk-untagged.jpg"))
	run("convert", at("cmyk-untagged.jpg"), "-colorspace", "sRGB", at("cmyk-untagged-ref.tif"))
	cases = append(cases, ColorCase{Name: "cmyk-untagged", Input: at("cmyk-untagged.jpg"), Ref: at("cmyk-untagged-ref.tif"), Profile: "none"})
	return cases
}

// LUTProfile is a version 2 RGB display profile whose only conversion is a
// 17-point lut16 (mft2) to CIELAB: Adobe RGB (1998) sampled, so that lcms2
// takes the LUT path rather than matrix/TRC.
func LUTProfile() []byte {
	const grid = 17
	// Adobe RGB's gamma and D50 colourants (as in Ghostscript's a98.icc).
	m := [3][3]float64{{0.60974, 0.20528, 0.14919}, {0.31111, 0.62567, 0.06322}, {0.01947, 0.06087, 0.74457}}
	white := [3]float64{0.9642, 1, 0.8249}
	be := binary.BigEndian
	lut := make([]byte, 52, 52+2*(3*256+grid*grid*grid*3+3*256))
	copy(lut, "mft2")
	lut[8], lut[9], lut[10] = 3, 3, grid
	for i := range 3 {
		be.PutUint32(lut[12+16*i:], 0x10000) // identity matrix
	}
	be.PutUint16(lut[48:], 256)
	be.PutUint16(lut[50:], 256)
	identity := func() {
		for c := 0; c < 3; c++ {
			for i := 0; i < 256; i++ {
				lut = be.AppendUint16(lut, uint16(i*257))
			}
		}
	}
	identity()
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	for r := 0; r < grid; r++ {
		for g := 0; g < grid; g++ {
			for b := 0; b < grid; b++ {
				lin := [3]float64{}
				for i, v := range []int{r, g, b} {
					lin[i] = math.Pow(float64(v)/(grid-1), 563.0/256)
				}
				var fxyz [3]float64
				for i := range 3 {
					fxyz[i] = f((m[i][0]*lin[0] + m[i][1]*lin[1] + m[i][2]*lin[2]) / white[i])
				}
				l, a, bb := 116*fxyz[1]-16, 500*(fxyz[0]-fxyz[1]), 200*(fxyz[1]-fxyz[2])
				// Version 2 16-bit Lab: L 0..100 as 0..0xFF00, a and b
				// -128..127.996 as 0..0xFFFF.
				enc := func(v, scale, off float64) uint16 {
					return uint16(math.Max(0, math.Min(65535, math.Round((v+off)*scale))))
				}
				lut = be.AppendUint16(lut, enc(l, 652.8, 0))
				lut = be.AppendUint16(lut, enc(a, 256, 128))
				lut = be.AppendUint16(lut, enc(bb, 256, 128))
			}
		}
	}
	identity()
	text := func(sig, s string) []byte {
		b := []byte(sig + "\x00\x00\x00\x00")
		if sig == "desc" {
			b = be.AppendUint32(b, uint32(len(s)+1))
			return append(append(b, s...), make([]byte, 1+79)...)
		}
		return append(append(b, s...), 0)
	}
	xyz := []byte("XYZ \x00\x00\x00\x00")
	for _, v := range white {
		xyz = be.AppendUint32(xyz, uint32(int32(math.Round(v*65536))))
	}
	tags := []struct {
		sig  string
		data []byte
	}{{"desc", text("desc", "Adobe RGB-like LUT (PicPool test)")}, {"cprt", text("text", "No copyright")}, {"wtpt", xyz}, {"A2B0", lut}}
	p := make([]byte, 132+12*len(tags))
	for i, tg := range tags {
		for len(p)%4 != 0 {
			p = append(p, 0)
		}
		e := p[132+12*i:]
		copy(e, tg.sig)
		be.PutUint32(e[4:], uint32(len(p)))
		be.PutUint32(e[8:], uint32(len(tg.data)))
		p = append(p, tg.data...)
	}
	be.PutUint32(p, uint32(len(p)))
	be.PutUint32(p[8:], 0x02100000)
	copy(p[12:], "mntrRGB Lab ")
	copy(p[36:], "acsp")
	copy(p[68:], xyz[8:])
	be.PutUint32(p[128:], uint32(len(tags)))
	return p
}
