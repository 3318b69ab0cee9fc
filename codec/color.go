package codec

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/disintegration/imaging"
)

// ColorMode says what happens to the colours of an image with a profile.
type ColorMode string

const (
	// ColorSRGB converts images with a profile to sRGB (relative
	// colorimetric; black-point compensation for CMYK and LUT profiles)
	// and tags the output as sRGB: what browsers and most viewers assume.
	// Untagged and sRGB images keep their pixels. The default ("" too).
	ColorSRGB ColorMode = "srgb"
	// ColorKeep keeps the pixels as they are and the source's profile with
	// them. CMYK is still converted: no output format PicPool writes holds it.
	ColorKeep ColorMode = "keep"
)

// ColorModes lists the modes, the default first.
func ColorModes() []string { return []string{string(ColorSRGB), string(ColorKeep)} }

// ParseColorMode reads srgb (or "") or keep, in any case.
func ParseColorMode(s string) (ColorMode, error) {
	switch ColorMode(strings.ToLower(strings.TrimSpace(s))) {
	case "", ColorSRGB:
		return ColorSRGB, nil
	case ColorKeep:
		return ColorKeep, nil
	}
	return "", fmt.Errorf("unknown colour mode %q (use srgb or keep)", s)
}

// HoldsICC says whether the format can carry a colour profile (GIF and BMP
// cannot).
func (f Format) HoldsICC() bool {
	return f == JPEG || f == PNG || f == TIFF || f == WEBP || f == AVIF && NativeCodecs
}

// ErrNoColorManagement is what a build without a colour engine says about
// an image whose profile it cannot apply.
var ErrNoColorManagement = errors.New("this build has no colour management")

// ColorManaged says whether this build converts colours (see ColorEngine).
const ColorManaged = colorManaged

// Convertible says whether the profile can describe an image's colours for
// ToSRGB: an RGB, gray or CMYK profile of a device or colour space, with the
// tags a conversion reads.
func (p *ICCProfile) Convertible() error {
	switch p.Class {
	case "mntr", "scnr", "prtr", "spac":
	default:
		return iccErr("is a %s profile, which cannot describe an image's colours", classNames[p.Class])
	}
	has := func(tags ...string) bool {
		for _, t := range tags {
			if _, ok := p.tags[t]; !ok {
				return false
			}
		}
		return true
	}
	lut := has("A2B0") || has("A2B1")
	switch p.ColorSpace {
	case "RGB":
		if lut || has("rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC") {
			return nil
		}
	case "GRAY":
		if lut || has("kTRC") {
			return nil
		}
	case "CMYK":
		if lut {
			return nil
		}
	default:
		return iccErr("%s is for %s images, which PicPool does not read", p, p.ColorSpace)
	}
	return iccErr("%s lacks the tags to convert from", p)
}

// ColorConverter converts images to sRGB with their profiles. It builds one
// lcms2 transform per distinct profile (by its SHA-256) and pixel layout and
// keeps it for every later image, at most maxTransforms at a time (the least
// recently used go first). Safe for concurrent use; a batch makes one.
type ColorConverter struct{ c *colorCache }

const maxTransforms = 32

// NewColorConverter returns a converter with an empty cache. Its transforms
// are freed once it is no longer reachable.
func NewColorConverter() *ColorConverter {
	cv := &ColorConverter{c: &colorCache{m: map[colorKey]*colorEntry{}}}
	runtime.AddCleanup(cv, func(c *colorCache) { c.close() }, cv.c)
	return cv
}

// Transforms is how many transforms the converter has built so far.
func (cv *ColorConverter) Transforms() int {
	cv.c.mu.Lock()
	defer cv.c.mu.Unlock()
	return cv.c.built
}

// ToSRGB converts img, whose colours p describes, to sRGB (a gray image with
// a gray profile: to gray with sRGB's tone curve). It may convert img's
// pixels in place: the caller must own them. The result is opaque NRGBA
// for CMYK, and otherwise keeps img's type where it can (NRGBA, NRGBA64,
// Gray, Gray16, Paletted). On error img is returned unchanged.
func (cv *ColorConverter) ToSRGB(img image.Image, p *ICCProfile) (image.Image, error) {
	defer runtime.KeepAlive(cv)
	if err := p.Convertible(); err != nil {
		return img, err
	}
	_, isCMYK := img.(*image.CMYK)
	if isCMYK != (p.ColorSpace == "CMYK") {
		return img, iccErr("%s does not fit a %s image", p, map[bool]string{true: "CMYK", false: "RGB or gray"}[isCMYK])
	}
	if !colorManaged {
		return img, ErrNoColorManagement
	}
	if p.ColorSpace == "GRAY" {
		e, err := cv.c.get(p, pixGray8)
		if err != nil {
			return img, err
		}
		defer cv.c.release(e)
		return applyGrayLUT(img, e.lut8, e.lut16), nil
	}
	pix := pixRGBA8
	switch img.(type) {
	case *image.CMYK:
		pix = pixCMYK8
	case *image.NRGBA64, *image.RGBA64, *image.Gray16:
		pix = pixRGBA16SE
	}
	e, err := cv.c.get(p, pix)
	if err != nil {
		return img, err
	}
	defer cv.c.release(e)
	t := e.t
	switch pix {
	case pixCMYK8:
		m := img.(*image.CMYK)
		b := m.Bounds()
		dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		for i := 3; i < len(dst.Pix); i += 4 {
			dst.Pix[i] = 255
		}
		t.run(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], dst.Pix, b.Dx(), b.Dy(), m.Stride, dst.Stride)
		return dst, nil
	case pixRGBA16SE:
		m := toNRGBA64(img)
		b := m.Bounds()
		px := m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]
		t.run(px, px, b.Dx(), b.Dy(), m.Stride, m.Stride)
		return m, nil
	}
	if pal, ok := img.(*image.Paletted); ok {
		return convertPalette(pal, func(px []byte) {
			e.convertNRGBA(&image.NRGBA{Pix: px, Stride: len(px), Rect: image.Rect(0, 0, len(px)/4, 1)})
		}), nil
	}
	m := toOwnNRGBA(img)
	e.convertNRGBA(m)
	return m, nil
}

// convertNRGBA converts 8-bit pixels in place, by the fast path where the
// entry has one.
func (e *colorEntry) convertNRGBA(m *image.NRGBA) {
	if e.fast != nil {
		e.fast.apply(m)
		return
	}
	b := m.Bounds()
	px := m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]
	e.t.run(px, px, b.Dx(), b.Dy(), m.Stride, m.Stride)
}

// ForScreen returns a decoded image's pixels in sRGB, for a preview on a
// screen (which takes every pixel as sRGB): converted with the file's
// profile where it is usable and not sRGB already, as they are otherwise.
// It may convert in place: the caller must own the pixels.
func (cv *ColorConverter) ForScreen(d *Decoded) image.Image {
	if len(d.Meta.ICC) == 0 {
		return d.Image
	}
	p, err := ParseICC(d.Meta.ICC)
	if err != nil || p.SRGB {
		return d.Image
	}
	img, _ := cv.ToSRGB(d.Image, p)
	return img
}

// toOwnNRGBA returns img as NRGBA: the same pixels for NRGBA and opaque
// RGBA (whose bytes are the same), a converted copy otherwise.
func toOwnNRGBA(img image.Image) *image.NRGBA {
	switch m := img.(type) {
	case *image.NRGBA:
		return m
	case *image.RGBA:
		if m.Opaque() {
			return &image.NRGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
	}
	return imaging.Clone(img)
}

// toNRGBA64 is toOwnNRGBA for 16-bit images.
func toNRGBA64(img image.Image) *image.NRGBA64 {
	switch m := img.(type) {
	case *image.NRGBA64:
		return m
	case *image.RGBA64:
		if m.Opaque() {
			return &image.NRGBA64{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
	}
	b := img.Bounds()
	dst := image.NewNRGBA64(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}

// convertPalette converts a paletted image's colours (not its pixels)
// with conv, which transforms packed NRGBA bytes in place.
func convertPalette(m *image.Paletted, conv func(px []byte)) *image.Paletted {
	px := make([]byte, 4*len(m.Palette))
	for i, c := range m.Palette {
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		px[4*i], px[4*i+1], px[4*i+2], px[4*i+3] = n.R, n.G, n.B, n.A
	}
	if len(px) > 0 {
		conv(px)
	}
	pal := make(color.Palette, len(m.Palette))
	for i := range pal {
		pal[i] = color.NRGBA{px[4*i], px[4*i+1], px[4*i+2], px[4*i+3]}
	}
	return &image.Paletted{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect, Palette: pal}
}

// applyGrayLUT maps every gray level (every channel of a colour image, whose
// channels a gray profile describes alike) through the profile's tone
// curve, in place where img is its own.
func applyGrayLUT(img image.Image, lut8 *[256]uint8, lut16 []uint16) image.Image {
	switch m := img.(type) {
	case *image.Gray:
		for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
			row := m.Pix[m.PixOffset(m.Rect.Min.X, y):][:m.Rect.Dx()]
			for i, v := range row {
				row[i] = lut8[v]
			}
		}
		return m
	case *image.Gray16, *image.NRGBA64, *image.RGBA64:
		var px []byte
		var stride, step, n int
		var b image.Rectangle
		switch g := m.(type) {
		case *image.Gray16:
			b = g.Bounds()
			px, stride, step, n = g.Pix[g.PixOffset(b.Min.X, b.Min.Y):], g.Stride, 2, 1
		default:
			nm := toNRGBA64(m)
			b = nm.Bounds()
			img, px, stride, step, n = nm, nm.Pix[nm.PixOffset(b.Min.X, b.Min.Y):], nm.Stride, 8, 3
		}
		for y := 0; y < b.Dy(); y++ {
			row := px[y*stride:]
			for x := 0; x < b.Dx(); x++ {
				for c := 0; c < n; c++ {
					i := x*step + 2*c
					v := lut16[int(row[i])<<8|int(row[i+1])]
					row[i], row[i+1] = byte(v>>8), byte(v)
				}
			}
		}
		return img
	case *image.Paletted:
		return convertPalette(m, func(px []byte) {
			for i := 0; i < len(px); i += 4 {
				px[i], px[i+1], px[i+2] = lut8[px[i]], lut8[px[i+1]], lut8[px[i+2]]
			}
		})
	}
	m := toOwnNRGBA(img)
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2] = lut8[row[i]], lut8[row[i+1]], lut8[row[i+2]]
		}
	}
	return m
}

// ---- the transform cache ----

type colorKey struct {
	sum [sha256.Size]byte
	pix int
}

// colorEntry is a transform (or, for gray profiles, its tone curves as
// tables) or the error building it gave. refs counts the goroutines using
// it; an entry evicted while in use is freed by the last of them.
type colorEntry struct {
	ready chan struct{} // closed once built
	t     *lcmsTransform
	fast  *colorFast // RGB matrix/TRC profiles, 8 bits (then t is nil)
	lut8  *[256]uint8
	lut16 []uint16
	err   error
	refs  int
	used  uint64 // the cache's tick at the last use
	gone  bool   // evicted
}

type colorCache struct {
	mu    sync.Mutex
	m     map[colorKey]*colorEntry
	tick  uint64
	built int
}

// get returns the entry for the profile and layout, building it once; the
// caller releases it.
func (c *colorCache) get(p *ICCProfile, pix int) (*colorEntry, error) {
	key := colorKey{sha256.Sum256(p.data), pix}
	c.mu.Lock()
	c.tick++
	e, ok := c.m[key]
	if !ok {
		e = &colorEntry{ready: make(chan struct{})}
		c.m[key] = e
	}
	e.refs++
	e.used = c.tick
	c.evict()
	c.mu.Unlock()
	if !ok {
		e.build(p, pix)
		c.mu.Lock()
		c.built++
		c.mu.Unlock()
		close(e.ready)
	}
	<-e.ready
	if e.err != nil {
		c.release(e)
		return nil, e.err
	}
	return e, nil
}

// build makes the transform: relative colorimetric, with black-point
// compensation for CMYK and LUT profiles, whose black is often far from
// zero (for matrix/TRC profiles it changes nothing).
func (e *colorEntry) build(p *ICCProfile, pix int) {
	bpc := p.LUT || p.ColorSpace == "CMYK"
	if pix == pixRGBA8 && p.ColorSpace == "RGB" && !p.LUT {
		if e.fast, e.err = newColorFast(p.data); e.err == nil {
			return
		}
	}
	if pix != pixGray8 {
		e.t, e.err = newTransform(p.data, pix, bpc)
		return
	}
	t8, err := newTransform(p.data, pixGray8, bpc)
	if err != nil {
		e.err = err
		return
	}
	defer t8.free()
	t16, err := newTransform(p.data, pixGray16, bpc)
	if err != nil {
		e.err = err
		return
	}
	defer t16.free()
	e.lut8 = new([256]uint8)
	in8 := make([]byte, 256)
	for i := range in8 {
		in8[i] = byte(i)
	}
	t8.run(in8, e.lut8[:], 256, 1, 256, 256)
	e.lut16 = make([]uint16, 65536)
	in16 := make([]uint16, 65536)
	for i := range in16 {
		in16[i] = uint16(i)
	}
	asBytes := func(s []uint16) []byte { return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 2*len(s)) }
	t16.run(asBytes(in16), asBytes(e.lut16), 65536, 1, 2*65536, 2*65536)
}

func (c *colorCache) release(e *colorEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.refs--
	if e.gone && e.refs == 0 && e.t != nil {
		e.t.free()
	}
}

// evict drops the least recently used entries nobody holds while there are
// more than maxTransforms. The caller holds c.mu.
func (c *colorCache) evict() {
	for len(c.m) > maxTransforms {
		var oldKey colorKey
		var old *colorEntry
		for k, e := range c.m {
			if e.refs == 0 && (old == nil || e.used < old.used) {
				oldKey, old = k, e
			}
		}
		if old == nil {
			return // all in use: let the cache grow for now
		}
		delete(c.m, oldKey)
		old.gone = true
		if old.t != nil {
			old.t.free()
		}
	}
}

// close frees every transform; the cache is unreachable by then.
func (c *colorCache) close() {
	for k, e := range c.m {
		if e.t != nil {
			e.t.free()
		}
		delete(c.m, k)
	}
}
