package codec

// Animations: every frame of an animated GIF (WebP's are in webpdecode.go),
// and GIF and WebP animations written from frames.

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"io"
	"time"
)

// decodeGIF decodes every frame of a GIF, each the whole logical screen as
// shown (disposal methods applied; the background left transparent, as
// browsers show it). Frame sizes are summed from the file's blocks before
// anything is decoded, and checked against the pixel limit.
func (m *File) decodeGIF() (*Decoded, error) {
	if _, err := m.f.Seek(0, io.SeekStart); err != nil {
		return nil, osError(m.path, err, "cannot read")
	}
	frames, err := gifFrameCount(bufio.NewReaderSize(m.f, 64<<10))
	info := m.info
	if err == nil {
		info.Frames = frames
		px := int64(frames) * info.Pixels()
		if err := checkLimit(m.path, info, px, info.Width, info.Height, m.opts); err != nil {
			return nil, err
		}
	}
	if _, err := m.f.Seek(0, io.SeekStart); err != nil {
		return nil, osError(m.path, err, "cannot read")
	}
	g, err := gif.DecodeAll(bufio.NewReaderSize(m.f, 64<<10))
	if err != nil {
		return nil, decodeError(m.path, "gif", err, false)
	}
	canvas := image.NewNRGBA(image.Rect(0, 0, info.Width, info.Height))
	d := &Decoded{Info: m.info, Scale: 1, Loop: gifLoopPlays(g.LoopCount)}
	for i, fr := range g.Image {
		var restore []byte
		if g.Disposal[i] == gif.DisposalPrevious {
			restore = append([]byte(nil), canvas.Pix...)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		shown := image.NewNRGBA(canvas.Rect)
		copy(shown.Pix, canvas.Pix)
		d.Frames = append(d.Frames, Frame{Image: shown, Delay: time.Duration(g.Delay[i]) * 10 * time.Millisecond})
		switch g.Disposal[i] {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			copy(canvas.Pix, restore)
		}
	}
	if len(d.Frames) == 0 {
		return nil, fileErr(m.path, ErrCorrupt, nil, "corrupt GIF: no image")
	}
	d.Image = d.Frames[0].Image
	if len(d.Frames) == 1 {
		d.Frames = nil
	}
	return d, nil
}

// gifLoopPlays turns GIF's loop count (0 forever, -1 once, n: n+1 times)
// into how many times the animation plays (0: forever), WebP's measure.
func gifLoopPlays(n int) int {
	switch {
	case n == 0:
		return 0
	case n < 0:
		return 1
	}
	return n + 1
}

// gifFrameCount counts the images of a GIF by walking its blocks, without
// decoding any.
func gifFrameCount(r *bufio.Reader) (int, error) {
	var hdr [13]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, err
	}
	skipTable := func(flags byte) error {
		if flags&0x80 == 0 {
			return nil
		}
		_, err := r.Discard(3 << (flags&7 + 1))
		return err
	}
	skipBlocks := func() error {
		for {
			n, err := r.ReadByte()
			if err != nil || n == 0 {
				return err
			}
			if _, err := r.Discard(int(n)); err != nil {
				return err
			}
		}
	}
	if err := skipTable(hdr[10]); err != nil {
		return 0, err
	}
	frames := 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			return frames, err
		}
		switch b {
		case 0x21: // extension
			if _, err := r.ReadByte(); err != nil {
				return frames, err
			}
			if err := skipBlocks(); err != nil {
				return frames, err
			}
		case 0x2C: // image
			var desc [9]byte
			if _, err := io.ReadFull(r, desc[:]); err != nil {
				return frames, err
			}
			if err := skipTable(desc[8]); err != nil {
				return frames, err
			}
			if _, err := r.ReadByte(); err != nil { // LZW minimum code size
				return frames, err
			}
			if err := skipBlocks(); err != nil {
				return frames, err
			}
			frames++
		case 0x3B:
			return frames, nil
		default:
			return frames, fmt.Errorf("gif: unknown block 0x%02x", b)
		}
	}
}

// EncodeFrames writes an animation in a format that holds one (GIF, WebP),
// and the first frame alone in any other. loop is how many times it plays,
// 0 forever.
func EncodeFrames(w io.Writer, frames []Frame, loop int, o EncodeOptions) error {
	if len(frames) == 0 {
		return fmt.Errorf("no frames to encode")
	}
	if err := o.Validate(); err != nil {
		return err
	}
	switch o.Format {
	case GIF:
		g := &gif.GIF{LoopCount: gifLoopCount(loop)}
		for _, f := range frames {
			b := f.Image.Bounds()
			p := image.NewPaletted(image.Rect(0, 0, b.Dx(), b.Dy()), palette.Plan9)
			draw.FloydSteinberg.Draw(p, p.Rect, f.Image, b.Min)
			g.Image = append(g.Image, p)
			g.Delay = append(g.Delay, int((f.Delay+5*time.Millisecond)/(10*time.Millisecond)))
		}
		return gif.EncodeAll(w, g)
	case WEBP:
		return encodeWebPAnim(w, frames, loop, o)
	}
	return Encode(w, frames[0].Image, o)
}

func gifLoopCount(plays int) int {
	switch {
	case plays <= 0:
		return 0
	case plays == 1:
		return -1
	}
	return plays - 1
}

// encodeWebPAnim encodes each frame as the rectangle (at even coordinates)
// where it differs from the one before, replacing those pixels; a frame
// that changes nothing lengthens the one before.
func encodeWebPAnim(w io.Writer, frames []Frame, loop int, o EncodeOptions) error {
	opts := webpOptions{Quality: o.Quality, Lossless: o.Lossless, Exact: true}
	var out []animFrameOut
	var prev *image.NRGBA
	for _, f := range frames {
		cur := toNRGBA(f.Image)
		r := cur.Rect
		if prev != nil {
			if prev.Rect != cur.Rect {
				return fmt.Errorf("frames of %v and %v in one animation", prev.Rect, cur.Rect)
			}
			r = changed(prev, cur)
			if r.Empty() {
				out[len(out)-1].duration += int(f.Delay / time.Millisecond)
				continue
			}
		}
		bits, err := webpEncodeFrame(cur.SubImage(r).(*image.NRGBA), opts)
		if err != nil {
			return err
		}
		b, err := splitWebP(bits)
		if err != nil {
			return fmt.Errorf("the WebP encoder's output: %v", err)
		}
		out = append(out, animFrameOut{bits: b, at: r.Min, duration: int(f.Delay / time.Millisecond)})
		prev = cur
	}
	b := frames[0].Image.Bounds()
	file := muxAnim(out, b.Dx(), b.Dy(), loop)
	if o.Meta != nil && !o.Meta.Empty() {
		m, _ := Fit(*o.Meta, WEBP)
		var err error
		if file, err = AddWebPMetadata(file, &m); err != nil {
			return fmt.Errorf("cannot write the metadata: %v", err)
		}
	}
	_, err := w.Write(file)
	return err
}

// changed is the smallest rectangle, with even top-left coordinates, that
// holds every pixel where a and b differ.
func changed(a, b *image.NRGBA) image.Rectangle {
	r := image.Rectangle{}
	w := 4 * a.Rect.Dx()
	for y := 0; y < a.Rect.Dy(); y++ {
		ra, rb := a.Pix[y*a.Stride:y*a.Stride+w], b.Pix[y*b.Stride:y*b.Stride+w]
		if bytes.Equal(ra, rb) {
			continue
		}
		x0, x1 := 0, w
		for x0 < w && ra[x0] == rb[x0] {
			x0++
		}
		for x1 > x0 && ra[x1-1] == rb[x1-1] {
			x1--
		}
		r = r.Union(image.Rect(x0/4, y, (x1+3)/4, y+1))
	}
	if r.Empty() {
		return r
	}
	r.Min.X &^= 1
	r.Min.Y &^= 1
	return r
}

// toNonPremultiplied turns the premultiplied RGBA a codec may return into
// NRGBA (at no cost when it is opaque); other types are returned as they are.
func toNonPremultiplied(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.RGBA:
		if m.Opaque() {
			return &image.NRGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
		return toNRGBA(m)
	case *image.RGBA64:
		if m.Opaque() {
			return &image.NRGBA64{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
		out := image.NewNRGBA64(m.Rect)
		draw.Draw(out, out.Rect, m, m.Rect.Min, draw.Src)
		return out
	}
	return img
}
