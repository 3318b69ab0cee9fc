package processing

import (
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// withICC returns a JPEG with an APP2 ICC_PROFILE segment holding icc
// (one chunk) right after its SOI marker.
func withICC(t *testing.T, jpeg, icc []byte) []byte {
	t.Helper()
	if len(icc) > 65000 {
		t.Fatal("profile too large for one chunk")
	}
	seg := []byte{0xFF, 0xE2, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+14+len(icc)))
	seg = append(append(seg, "ICC_PROFILE\x00\x01\x01"...), icc...)
	return append(append(append([]byte(nil), jpeg[:2]...), seg...), jpeg[2:]...)
}

// TestColorPlanOnBadAndPlainProfiles: a profile that cannot be used leaves
// the pixels as they are with a warning naming the reason, and the image is
// still written; an sRGB profile is nothing to convert; keep into GIF says
// the profile is lost.
func TestColorPlanOnBadAndPlainProfiles(t *testing.T) {
	photo, err := os.ReadFile(imgtest.Path(t, "photos", "Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := processTo(t, imgtest.Path(t, "photos", "Landscape_1.jpg"), "resize=300x0", "")
	cmykProfile := make([]byte, 0)
	if data, err := os.ReadFile(filepath.Join(imgtest.ICCDir, "ghostscript/ps_cmyk.icc")); err == nil {
		cmykProfile = data
	}
	srgb := codec.SRGBProfile()
	cut := srgb[:len(srgb)/2]
	huge := append([]byte(nil), srgb...)
	binary.BigEndian.PutUint32(huge[132+4:], 1<<30) // a tag a gigabyte away
	dir := t.TempDir()
	for _, c := range []struct {
		name, warn, color string
		icc               []byte
	}{
		{"truncated", "truncated", "", cut},
		{"absurd", "lies outside the profile", "", huge},
		{"cmyk-on-rgb", "does not fit", "", cmykProfile},
		{"srgb", "", "", srgb},
	} {
		path := filepath.Join(dir, c.name+".jpg")
		if err := os.WriteFile(path, withICC(t, photo, c.icc), 0o644); err != nil {
			t.Fatal(err)
		}
		out, res := processTo(t, path, "resize=300x0", "")
		if c.warn == "" && len(res.Warnings) != 0 || c.warn != "" && (len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], c.warn)) {
			t.Errorf("%s: warnings %q, want one saying %q", c.name, res.Warnings, c.warn)
		}
		if res.Color != c.color {
			t.Errorf("%s: colour note %q", c.name, res.Color)
		}
		if d := imgtest.MeanDiff(t, out, plain); d > 0.01 {
			t.Errorf("%s: pixels changed by %.2f", c.name, d)
		}
	}
	// Keep, into a format that cannot hold the profile.
	path := filepath.Join(dir, "adobe.jpg")
	a98, err := os.ReadFile(filepath.Join(imgtest.ICCDir, "ghostscript/a98.icc"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, withICC(t, photo, a98), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=200x0"), Format: codec.GIF, Naming: Naming{Dir: t.TempDir()}, Color: codec.ColorKeep})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(t.Context(), Source{Path: path, Rel: "adobe.jpg"}, nil)
	if err != nil || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "gif cannot hold a colour profile") {
		t.Errorf("keep into GIF: %v, warnings %q", err, res.Warnings)
	}
}

// TestWhereColorIsConverted: after the filters only when every step treats
// colours alike and the output is no larger than the decoded image, and
// only for RGB profiles.
func TestWhereColorIsConverted(t *testing.T) {
	a98, err := os.ReadFile(filepath.Join(imgtest.ICCDir, "ghostscript/a98.icc"))
	if err != nil {
		t.Fatal(err)
	}
	gray, err := os.ReadFile(filepath.Join(imgtest.ICCDir, "Gray.icc"))
	if err != nil {
		t.Fatal(err)
	}
	rgb := &codec.Decoded{Image: image.NewNRGBA(image.Rect(0, 0, 400, 300)), Info: codec.Info{Width: 400, Height: 300}, Meta: codec.Metadata{ICC: a98}}
	g := &codec.Decoded{Image: image.NewGray(image.Rect(0, 0, 400, 300)), Info: codec.Info{Width: 400, Height: 300}, Meta: codec.Metadata{ICC: gray}}
	for _, c := range []struct {
		chain string
		dec   *codec.Decoded
		after bool
	}{
		{"", rgb, true},
		{"resize=200x0,sharpen=0.8,crop=100x100,flip=h,rotate=270,blur=1", rgb, true},
		{"resize=800x0", rgb, false}, // larger: convert the smaller image
		{"resize=200x0,saturation=20", rgb, false},
		{"rotate=10", rgb, false},
		{"grayscale", rgb, false},
		{"resize=200x0", g, false}, // gray: a table lookup, before
	} {
		p, err := NewProcessor(Settings{Chain: mustChain(t, c.chain)})
		if err != nil {
			t.Fatal(err)
		}
		_, plan := p.planColor(c.dec)
		if plan.pending != c.after {
			t.Errorf("%q on %T: after the filters %v, want %v", c.chain, c.dec.Image, plan.pending, c.after)
		}
		if img, _ := plan.finish(c.dec.Image, codec.JPEG); codec.ColorManaged && !plan.srgb {
			t.Errorf("%q on %T: the output (%T) is not sRGB", c.chain, c.dec.Image, img)
		}
	}
}

// TestOutputsTaggedSRGB: a converted photo is tagged sRGB where its format
// can say it (exiftool reads what was written): the compact sRGB profile in
// JPEG and TIFF, PNG's sRGB chunk (no iCCP), nothing in GIF; with keep, the
// source's profile comes out as it went in.
func TestOutputsTaggedSRGB(t *testing.T) {
	if !codec.ColorManaged {
		t.Skip("this build has no colour management")
	}
	photo, err := os.ReadFile(imgtest.Path(t, "photos", "Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	a98, err := os.ReadFile(filepath.Join(imgtest.ICCDir, "ghostscript/a98.icc"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "adobe.jpg")
	if err := os.WriteFile(src, withICC(t, photo, a98), 0o644); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, c := range []struct {
		format codec.Format
		mode   codec.ColorMode
	}{{codec.JPEG, ""}, {codec.PNG, ""}, {codec.TIFF, ""}, {codec.GIF, ""}, {codec.JPEG, codec.ColorKeep}, {codec.PNG, codec.ColorKeep}} {
		p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=200x0"), Format: c.format, Naming: Naming{Dir: t.TempDir()}, Color: c.mode})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(t.Context(), Source{Path: src, Rel: "adobe.jpg"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, res.Output)
	}
	tags := imgtest.Tags(t, paths...)
	desc := func(i int) string {
		if d, ok := tags[i]["ICC_Profile:ProfileDescription"]; ok {
			return strings.TrimSpace(fmt.Sprint(d))
		}
		return "none"
	}
	for i, want := range []string{"sRGB IEC61966-2.1", "none", "sRGB IEC61966-2.1", "none", "Artifex Software A98 ICC Profile", "Artifex Software A98 ICC Profile"} {
		if desc(i) != want {
			t.Errorf("%s: profile %v, want %v", filepath.Base(paths[i]), desc(i), want)
		}
	}
	if tags[1]["PNG:SRGBRendering"] == nil {
		t.Errorf("PNG: no sRGB chunk (%v)", imgtest.MetaTags(tags[1]))
	}
	if tags[5]["PNG:SRGBRendering"] != nil {
		t.Error("PNG with its Adobe RGB profile kept also says sRGB")
	}
}
