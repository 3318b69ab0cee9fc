package codec

import (
	"encoding/binary"
	"math"
	"sync"
)

// The profiles PicPool writes into what it converted: a compact sRGB
// profile for colour images and a gray one with sRGB's tone curve for gray
// images. Both are ICC version 2.1 (every reader understands it, where some
// older ones refuse version 4), matrix/TRC, with the three tone curves
// sharing one 'curv' table of srgbCurvePoints entries, and are built here
// rather than shipped as files.
//
// Why a compact profile of our own: the common sRGB profile of 3 KB (HP's
// 1998 one) is a large share of a thumbnail, and libvips' and lcms2's are
// version 4. 2.4 KB would buy nothing: with 64 points, interpolated as
// readers do, every 8-bit value decodes to within 0.05 of a step of sRGB's
// exact curve (TestSRGBProfile checks it, and that lcms2 reads the profile as
// sRGB).

// srgbCurvePoints is the size of the tone curve table.
const srgbCurvePoints = 64

var (
	srgbOnce          sync.Once
	srgbICC, sgrayICC []byte
)

// SRGBProfile returns the sRGB profile (description "sRGB IEC61966-2.1")
// that PicPool embeds in colour images it converted. Do not modify it.
func SRGBProfile() []byte {
	srgbOnce.Do(buildSRGB)
	return srgbICC
}

// SGrayProfile returns the gray profile with sRGB's tone curve (description
// "sGray") that PicPool embeds in gray images it converted. Do not modify it.
func SGrayProfile() []byte {
	srgbOnce.Do(buildSRGB)
	return sgrayICC
}

func buildSRGB() {
	curve := make([]byte, 12+2*srgbCurvePoints)
	copy(curve, "curv")
	binary.BigEndian.PutUint32(curve[8:], srgbCurvePoints)
	for i := range srgbCurvePoints {
		v := srgbToLinear(float64(i) / (srgbCurvePoints - 1))
		binary.BigEndian.PutUint16(curve[12+2*i:], uint16(math.Round(v*65535)))
	}
	d50 := xyzTag(0.9642, 1.0, 0.8249)
	cprt := textTag("No copyright, use freely")
	srgbICC = buildICC("RGB ", []iccTag{
		{"desc", descTag("sRGB IEC61966-2.1")}, {"cprt", cprt}, {"wtpt", d50},
		{"rXYZ", xyzTag(srgbColorants[0][0], srgbColorants[0][1], srgbColorants[0][2])},
		{"gXYZ", xyzTag(srgbColorants[1][0], srgbColorants[1][1], srgbColorants[1][2])},
		{"bXYZ", xyzTag(srgbColorants[2][0], srgbColorants[2][1], srgbColorants[2][2])},
		{"rTRC", curve}, {"gTRC", curve}, {"bTRC", curve},
	})
	sgrayICC = buildICC("GRAY", []iccTag{
		{"desc", descTag("sGray")}, {"cprt", cprt}, {"wtpt", d50}, {"kTRC", curve},
	})
}

type iccTag struct {
	sig  string
	data []byte
}

// buildICC writes a version 2.1 display profile; tags with the same data
// (the same slice) share one copy.
func buildICC(space string, tags []iccTag) []byte {
	head := 132 + 12*len(tags)
	b := make([]byte, head, head+1024)
	offsets := map[*byte]int{}
	for i, t := range tags {
		off, ok := offsets[&t.data[0]]
		if !ok {
			off = len(b)
			offsets[&t.data[0]] = off
			b = append(b, t.data...)
			for len(b)%4 != 0 {
				b = append(b, 0)
			}
		}
		e := b[132+12*i:]
		copy(e, t.sig)
		binary.BigEndian.PutUint32(e[4:], uint32(off))
		binary.BigEndian.PutUint32(e[8:], uint32(len(t.data)))
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	binary.BigEndian.PutUint32(b[8:], 0x02100000)
	copy(b[12:], "mntr")
	copy(b[16:], space)
	copy(b[20:], "XYZ ")
	// Date: 2024-01-01 00:00:00.
	for i, v := range []uint16{2024, 1, 1, 0, 0, 0} {
		binary.BigEndian.PutUint16(b[24+2*i:], v)
	}
	copy(b[36:], "acsp")
	copy(b[68:], xyzTag(0.9642, 1.0, 0.8249)[8:]) // the PCS illuminant, D50
	binary.BigEndian.PutUint32(b[128:], uint32(len(tags)))
	return b
}

func s15(v float64) uint32 { return uint32(int32(math.Round(v * 65536))) }

func xyzTag(x, y, z float64) []byte {
	b := make([]byte, 20)
	copy(b, "XYZ ")
	binary.BigEndian.PutUint32(b[8:], s15(x))
	binary.BigEndian.PutUint32(b[12:], s15(y))
	binary.BigEndian.PutUint32(b[16:], s15(z))
	return b
}

func textTag(s string) []byte {
	b := make([]byte, 8, 9+len(s))
	copy(b, "text")
	return append(append(b, s...), 0)
}

// descTag is a version 2 textDescriptionType: ASCII, no Unicode or
// ScriptCode text.
func descTag(s string) []byte {
	b := make([]byte, 12, 12+len(s)+1+79)
	copy(b, "desc")
	binary.BigEndian.PutUint32(b[8:], uint32(len(s)+1))
	b = append(append(b, s...), 0)
	return append(b, make([]byte, 4+4+2+1+67)...)
}
