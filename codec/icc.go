package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf16"
)

// ICC profiles: a parser of our own checks a profile and says what it is
// before any colour engine sees it. Every offset and count is checked against
// the bytes present, and every table a tag declares (curves, LUT grids) must
// fit inside its tag, so a profile that is truncated or declares gigabytes
// is refused here with a message, and lcms2 (see color_lcms.go) only ever
// opens profiles whose structure is sound.

// maxICCTags is lcms2's own limit (MAX_TABLE_TAG): it refuses more.
const maxICCTags = 100

// ICCProfile is what a colour profile says about itself.
type ICCProfile struct {
	Size        int    // bytes, as the header declares
	Version     string // "2.1", "4.3"
	Major       int    // 2 or 4
	Class       string // "mntr", "scnr", "prtr", "spac", "link", "abst", "nmcl"
	ColorSpace  string // "RGB", "GRAY", "CMYK", "Lab", …
	PCS         string // "XYZ" or "Lab"
	Description string // the profile's own name ("Adobe RGB (1998)"), "" when it has none
	// LUT is true when conversions from the profile go through a lookup
	// table (A2B0/A2B1), false for matrix/TRC and gray TRC profiles.
	LUT bool
	// SRGB is true when the profile is sRGB in effect: an RGB matrix/TRC
	// profile with sRGB's primaries and tone curve, or a gray profile with
	// sRGB's tone curve, so that converting would move no 8-bit value by
	// as much as half a step.
	SRGB bool

	data []byte // the profile (Size bytes)
	tags map[string][]byte
}

// SRGBInEffect reports whether b is a colour profile that is sRGB in effect
// (see ICCProfile.SRGB): a PNG writer then writes PNG's own sRGB chunk
// instead of the profile.
func SRGBInEffect(b []byte) bool {
	p, err := ParseICC(b)
	return err == nil && p.SRGB
}

// ICCError is a profile that cannot be used, with the reason.
type ICCError struct{ Msg string }

func (e *ICCError) Error() string { return "colour profile " + e.Msg }

func iccErr(format string, args ...any) error { return &ICCError{Msg: fmt.Sprintf(format, args...)} }

var classNames = map[string]string{
	"mntr": "display", "scnr": "input", "prtr": "output", "spac": "colour space",
	"link": "device link", "abst": "abstract", "nmcl": "named colour",
}

// String describes the profile for people: `"Adobe RGB (1998)" (RGB, v2.1, matrix/TRC)`.
func (p *ICCProfile) String() string {
	name := p.Description
	if name == "" {
		name = "unnamed"
	}
	kind := "matrix/TRC"
	switch {
	case p.LUT:
		kind = "LUT"
	case p.ColorSpace == "GRAY":
		kind = "gray TRC"
	}
	return fmt.Sprintf("%q (%s, v%s, %s)", name, p.ColorSpace, p.Version, kind)
}

// Bytes returns the profile's bytes (as many as its header declares).
func (p *ICCProfile) Bytes() []byte { return p.data }

// ParseICC reads and checks a colour profile. It never panics and allocates
// nothing in proportion to what the profile declares; an error is an
// *ICCError saying what is wrong.
func ParseICC(b []byte) (*ICCProfile, error) {
	if len(b) < 132 {
		return nil, iccErr("truncated: %d bytes, shorter than a profile's header", len(b))
	}
	if string(b[36:40]) != "acsp" {
		return nil, iccErr("is not an ICC profile (no 'acsp' signature)")
	}
	size := int64(binary.BigEndian.Uint32(b))
	if size > MaxICC {
		return nil, iccErr("declares %d bytes, over the %d MB limit", size, MaxICC>>20)
	}
	if size < 132 {
		return nil, iccErr("declares a size of %d bytes, smaller than its header", size)
	}
	if size > int64(len(b)) {
		return nil, iccErr("truncated: the header declares %d bytes, %d are present", size, len(b))
	}
	b = b[:size]
	p := &ICCProfile{
		Size: int(size), Major: int(b[8]), data: b,
		Version:    fmt.Sprintf("%d.%d", b[8], b[9]>>4),
		Class:      string(b[12:16]),
		ColorSpace: strings.TrimRight(string(b[16:20]), " \x00"),
		PCS:        strings.TrimRight(string(b[20:24]), " \x00"),
	}
	if p.Major != 2 && p.Major != 4 {
		return nil, iccErr("has version %s: PicPool reads versions 2 and 4", p.Version)
	}
	if _, ok := classNames[p.Class]; !ok {
		return nil, iccErr("has an unknown class %q", p.Class)
	}
	if p.PCS != "XYZ" && p.PCS != "Lab" && p.Class != "link" {
		return nil, iccErr("has an unknown connection space %q", p.PCS)
	}
	if err := p.readTags(); err != nil {
		return nil, err
	}
	p.Description = p.description()
	_, a2b0 := p.tags["A2B0"]
	_, a2b1 := p.tags["A2B1"]
	p.LUT = a2b0 || a2b1
	p.SRGB = !p.LUT && p.isSRGB()
	return p, nil
}

// readTags reads the tag table and checks every tag against the profile's
// bounds, and the structure of every tag type a conversion reads.
func (p *ICCProfile) readTags() error {
	b := p.data
	n := binary.BigEndian.Uint32(b[128:])
	if n > maxICCTags {
		return iccErr("declares %d tags (at most %d are read)", n, maxICCTags)
	}
	end := 132 + 12*int(n)
	if end > len(b) {
		return iccErr("truncated: its tag table runs past the end")
	}
	p.tags = make(map[string][]byte, n)
	for i := 0; i < int(n); i++ {
		e := b[132+12*i:]
		sig := string(e[:4])
		off, sz := int64(binary.BigEndian.Uint32(e[4:])), int64(binary.BigEndian.Uint32(e[8:]))
		if off < int64(end) || off+sz > int64(len(b)) {
			return iccErr("truncated or damaged: tag %q lies outside the profile (offset %d, size %d, profile %d bytes)", sig, off, sz, len(b))
		}
		if sz < 8 {
			return iccErr("is damaged: tag %q is %d bytes, too short for any type", sig, sz)
		}
		data := b[off : off+sz]
		if err := checkTagType(data); err != nil {
			return iccErr("is damaged: tag %q: %v", sig, err)
		}
		if strings.HasPrefix(sig, "D2B") || strings.HasPrefix(sig, "B2D") {
			return iccErr("uses floating-point LUTs (%s), which PicPool does not read", sig)
		}
		p.tags[sig] = data
	}
	return nil
}

var errShort = errors.New("shorter than its contents")

// checkTagType checks the structure of the tag types a conversion reads:
// curves, XYZ numbers, matrices and LUTs, and the text types. Other types
// are only bounds-checked (by the caller).
func checkTagType(d []byte) error {
	switch string(d[:4]) {
	case "XYZ ":
		if len(d) < 20 {
			return errShort
		}
	case "sf32":
		if len(d) < 8+36 {
			return errShort
		}
	case "curv", "para":
		_, err := curveSize(d)
		return err
	case "mft1", "mft2":
		return checkLut816(d)
	case "mAB ", "mBA ":
		return checkLutAB(d)
	case "desc":
		if len(d) < 12 || uint64(binary.BigEndian.Uint32(d[8:])) > uint64(len(d)-12) {
			return errShort
		}
	case "mluc":
		return checkMluc(d)
	}
	return nil
}

// curveSize checks a curv or para element and returns its size in bytes.
func curveSize(d []byte) (int, error) {
	if len(d) < 12 {
		return 0, errShort
	}
	switch string(d[:4]) {
	case "curv":
		n := uint64(binary.BigEndian.Uint32(d[8:]))
		if 12+2*n > uint64(len(d)) {
			return 0, fmt.Errorf("curve of %d entries in %d bytes", n, len(d))
		}
		return 12 + 2*int(n), nil
	case "para":
		t := binary.BigEndian.Uint16(d[8:])
		if t > 4 {
			return 0, fmt.Errorf("unknown parametric curve type %d", t)
		}
		n := 12 + 4*[]int{1, 3, 4, 5, 7}[t]
		if n > len(d) {
			return 0, errShort
		}
		return n, nil
	}
	return 0, fmt.Errorf("%q where a curve should be", d[:4])
}

// gridSize is points^channels, or false when it exceeds limit.
func gridSize(points []byte, limit uint64) (uint64, bool) {
	n := uint64(1)
	for _, g := range points {
		if g < 2 {
			return 0, false
		}
		n *= uint64(g)
		if n > limit {
			return 0, false
		}
	}
	return n, true
}

// checkLut816 checks a lut8Type (mft1) or lut16Type (mft2): every table it
// declares must lie inside the tag.
func checkLut816(d []byte) error {
	if len(d) < 48 {
		return errShort
	}
	in, out, g := int(d[8]), int(d[9]), d[10]
	if in < 1 || in > 15 || out < 1 || out > 15 {
		return fmt.Errorf("LUT with %d inputs and %d outputs", in, out)
	}
	limit := uint64(len(d))
	grid, ok := gridSize(repeat(g, in), limit)
	if !ok {
		return fmt.Errorf("LUT grid of %d points in %d dimensions does not fit in %d bytes", g, in, len(d))
	}
	var need uint64
	if string(d[:4]) == "mft1" {
		need = 48 + 256*uint64(in) + grid*uint64(out) + 256*uint64(out)
	} else {
		if len(d) < 52 {
			return errShort
		}
		ni, no := uint64(binary.BigEndian.Uint16(d[48:])), uint64(binary.BigEndian.Uint16(d[50:]))
		if ni < 2 || ni > 4096 || no < 2 || no > 4096 {
			return fmt.Errorf("LUT tables of %d and %d entries", ni, no)
		}
		need = 52 + 2*(ni*uint64(in)+grid*uint64(out)+no*uint64(out))
	}
	if need > limit {
		return fmt.Errorf("LUT declares %d bytes of tables in %d", need, len(d))
	}
	return nil
}

func repeat(b byte, n int) []byte {
	s := make([]byte, n)
	for i := range s {
		s[i] = b
	}
	return s
}

// checkLutAB checks a lutAtoBType (mAB) or lutBtoAType (mBA): its curve
// sets, matrix and CLUT must lie inside the tag.
func checkLutAB(d []byte) error {
	if len(d) < 32 {
		return errShort
	}
	in, out := int(d[8]), int(d[9])
	if in < 1 || in > 15 || out < 1 || out > 15 {
		return fmt.Errorf("LUT with %d inputs and %d outputs", in, out)
	}
	off := func(at int) int { return int(binary.BigEndian.Uint32(d[at:])) }
	bCurves, matrix, mCurves, clut, aCurves := off(12), off(16), off(20), off(24), off(28)
	// Which side each element sits on: mAB runs A, CLUT, M, matrix, B from
	// the inputs; mBA runs B, matrix, M, CLUT, A.
	nA, nM, nB := in, out, out
	if string(d[:4]) == "mBA " {
		nA, nM, nB = out, in, in
	}
	for _, c := range []struct{ off, n int }{{bCurves, nB}, {mCurves, nM}, {aCurves, nA}} {
		if err := checkCurveSet(d, c.off, c.n); err != nil {
			return err
		}
	}
	if matrix != 0 && (matrix < 32 || matrix > len(d)-48) {
		return fmt.Errorf("LUT matrix outside the tag")
	}
	if clut != 0 {
		if clut < 32 || clut > len(d)-20 {
			return fmt.Errorf("LUT grid outside the tag")
		}
		grid, ok := gridSize(d[clut:clut+in], uint64(len(d)))
		prec := uint64(d[clut+16])
		if !ok || (prec != 1 && prec != 2) {
			return fmt.Errorf("LUT grid of %v points, precision %d, does not fit in %d bytes", d[clut:clut+in], prec, len(d))
		}
		if need := uint64(clut) + 20 + grid*uint64(out)*prec; need > uint64(len(d)) {
			return fmt.Errorf("LUT grid declares %d bytes in %d", need-uint64(clut), len(d)-clut)
		}
	}
	return nil
}

// checkCurveSet checks n curves, each padded to 4 bytes, starting at off (0:
// none).
func checkCurveSet(d []byte, off, n int) error {
	if off == 0 {
		return nil
	}
	if off < 32 || off >= len(d) {
		return fmt.Errorf("LUT curves outside the tag")
	}
	for range n {
		if off >= len(d) {
			return fmt.Errorf("LUT curves run past the tag")
		}
		sz, err := curveSize(d[off:])
		if err != nil {
			return err
		}
		off += (sz + 3) &^ 3
	}
	return nil
}

// checkMluc checks a multiLocalizedUnicodeType: every record's string lies
// inside the tag.
func checkMluc(d []byte) error {
	if len(d) < 16 {
		return errShort
	}
	n, rec := uint64(binary.BigEndian.Uint32(d[8:])), binary.BigEndian.Uint32(d[12:])
	if rec != 12 || 16+12*n > uint64(len(d)) {
		return errShort
	}
	for i := range int(n) {
		r := d[16+12*i:]
		l, o := uint64(binary.BigEndian.Uint32(r[4:])), uint64(binary.BigEndian.Uint32(r[8:]))
		if o+l > uint64(len(d)) {
			return errShort
		}
	}
	return nil
}

// description reads the desc tag (v2 text description or v4 mluc), cleaned
// for display: printable, at most 100 characters.
func (p *ICCProfile) description() string {
	d, ok := p.tags["desc"]
	if !ok {
		return ""
	}
	var s string
	switch string(d[:4]) {
	case "desc":
		n := int(binary.BigEndian.Uint32(d[8:]))
		s = string(d[12 : 12+n])
	case "text":
		s = string(d[8:])
	case "mluc":
		if n := binary.BigEndian.Uint32(d[8:]); n > 0 {
			pick := d[16:28] // the first record, unless an English one follows
			for i := range int(n) {
				if r := d[16+12*i:]; string(r[:2]) == "en" {
					pick = r[:12]
					break
				}
			}
			l, o := binary.BigEndian.Uint32(pick[4:]), binary.BigEndian.Uint32(pick[8:])
			u := d[o : o+l]
			runes := make([]uint16, len(u)/2)
			for i := range runes {
				runes[i] = binary.BigEndian.Uint16(u[2*i:])
			}
			s = string(utf16.Decode(runes))
		}
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100]) + "…"
	}
	return s
}

// ---- sRGB in effect ----

// sRGB's primaries adapted to D50 (Bradford), as ICC profiles store them.
var srgbColorants = [3][3]float64{
	{0.436066, 0.222488, 0.013916},
	{0.385147, 0.716873, 0.097076},
	{0.143066, 0.060608, 0.714096},
}

// srgbToLinear is sRGB's tone curve (IEC 61966-2-1), encoded to linear.
func srgbToLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// linearToSRGB is the inverse of srgbToLinear.
func linearToSRGB(v float64) float64 {
	if v <= 0.0031308 {
		return v * 12.92
	}
	return 1.055*math.Pow(v, 1/2.4) - 0.055
}

// isSRGB reports whether an RGB matrix/TRC or a gray TRC profile is sRGB in
// effect (see ICCProfile.SRGB).
func (p *ICCProfile) isSRGB() bool {
	switch p.ColorSpace {
	case "GRAY":
		return p.trcIsSRGB("kTRC")
	case "RGB":
		for i, tag := range []string{"rXYZ", "gXYZ", "bXYZ"} {
			xyz, ok := p.xyz(tag)
			if !ok {
				return false
			}
			for j := range 3 {
				if math.Abs(xyz[j]-srgbColorants[i][j]) > 0.0025 {
					return false
				}
			}
		}
		return p.trcIsSRGB("rTRC") && p.trcIsSRGB("gTRC") && p.trcIsSRGB("bTRC")
	}
	return false
}

func s15Fixed16(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

func (p *ICCProfile) xyz(tag string) ([3]float64, bool) {
	d, ok := p.tags[tag]
	if !ok || string(d[:4]) != "XYZ " {
		return [3]float64{}, false
	}
	return [3]float64{s15Fixed16(d[8:]), s15Fixed16(d[12:]), s15Fixed16(d[16:])}, true
}

// trcIsSRGB reports whether a tone curve tag maps every 8-bit value to
// within half a step of what sRGB's curve gives.
func (p *ICCProfile) trcIsSRGB(tag string) bool {
	d, ok := p.tags[tag]
	if !ok {
		return false
	}
	if _, err := curveSize(d); err != nil {
		return false
	}
	for i := range 256 {
		v := float64(i) / 255
		if math.Abs(linearToSRGB(math.Max(0, evalCurve(d, v)))-v)*255 >= 0.5 {
			return false
		}
	}
	return true
}

// evalCurve evaluates a checked curv or para element at x in [0, 1], as
// lcms2 does (tables are interpolated linearly).
func evalCurve(d []byte, x float64) float64 {
	if string(d[:4]) == "curv" {
		n := int(binary.BigEndian.Uint32(d[8:]))
		switch n {
		case 0:
			return x
		case 1:
			return math.Pow(x, float64(binary.BigEndian.Uint16(d[12:]))/256)
		}
		pos := x * float64(n-1)
		i := min(int(pos), n-2)
		f := pos - float64(i)
		a, b := float64(binary.BigEndian.Uint16(d[12+2*i:])), float64(binary.BigEndian.Uint16(d[14+2*i:]))
		return (a + f*(b-a)) / 65535
	}
	t := binary.BigEndian.Uint16(d[8:])
	var prm [7]float64
	for i := range []int{1, 3, 4, 5, 7}[t] {
		prm[i] = s15Fixed16(d[12+4*i:])
	}
	g, a, b, c, dd, e, f := prm[0], prm[1], prm[2], prm[3], prm[4], prm[5], prm[6]
	pow := func(v float64) float64 { return math.Pow(math.Max(v, 0), g) }
	switch t {
	case 0:
		return pow(x)
	case 1:
		if a != 0 && x >= -b/a {
			return pow(a*x + b)
		}
		return 0
	case 2:
		if a != 0 && x >= -b/a {
			return pow(a*x+b) + c
		}
		return c
	case 3:
		if x >= dd {
			return pow(a*x + b)
		}
		return c * x
	}
	if x >= dd {
		return pow(a*x+b) + e
	}
	return c*x + f
}
