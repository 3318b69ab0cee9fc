package codec

import (
	"bytes"
	"image"
	"image/draw"
	"io"
	"time"
)

// Frame is one frame of an animation, as shown: the whole canvas.
type Frame struct {
	Image image.Image
	Delay time.Duration
}

// probeWebP reads and checks a WebP header: the canvas size, the frames,
// and the orientation from its EXIF chunk.
func probeWebP(path string, r io.ReaderAt, size int64, opts DecodeOptions) (Info, *webpHeader, error) {
	h, err := parseWebP(r, size)
	if err != nil {
		return Info{}, nil, containerError(path, "webp", err, true)
	}
	info := Info{Format: "webp", Width: h.W, Height: h.H, Orientation: 1, Size: size, Depth: 8,
		Frames: len(h.Frames), Lossless: h.Frames[0].Lossless}
	px := int64(h.W) * int64(h.H)
	if opts.AllFrames {
		px *= int64(len(h.Frames))
	}
	if err := checkLimit(path, info, px, h.W, h.H, opts); err != nil {
		return info, nil, err
	}
	if h.exif.ok() && h.exif.n <= 1<<20 && !opts.NoOrientation {
		b := make([]byte, h.exif.n)
		if _, err := r.ReadAt(b, h.exif.off); err == nil {
			if len(b) >= 6 && string(b[:6]) == "Exif\x00\x00" { // some writers keep JPEG's prefix
				b = b[6:]
			}
			info.Orientation = orientationFromTIFF(b)
		}
	}
	return info, h, nil
}

// decodeWebP decodes a WebP file: its first frame, or every frame when
// asked (each the whole canvas, as shown), upright.
func (m *File) decodeWebP() (*Decoded, error) {
	h, info := m.webp, m.info
	data := make([]byte, m.size)
	if _, err := m.f.ReadAt(data, 0); err != nil {
		return nil, osError(m.path, err, "cannot read")
	}
	d := &Decoded{Info: info, Scale: 1}
	d.Meta, d.Warnings = readMetadata("webp", bytes.NewReader(data), int64(len(data)))
	canvas := image.Rect(0, 0, h.W, h.H)
	var cur *image.NRGBA
	n := 1
	if m.opts.AllFrames && h.Animated {
		n = len(h.Frames)
	}
	for i, f := range h.Frames[:n] {
		img, err := m.webpFrame(data, f)
		if err != nil {
			return nil, err
		}
		if !h.Animated {
			d.Image = img
			break
		}
		if cur == nil {
			cur = image.NewNRGBA(canvas)
		} else if prev := h.Frames[i-1]; prev.Dispose {
			draw.Draw(cur, prev.Rect, image.Transparent, image.Point{}, draw.Src)
		}
		op := draw.Over
		if f.NoBlend {
			op = draw.Src
		}
		draw.Draw(cur, f.Rect, img, image.Point{}, op)
		if n == 1 {
			d.Image = cur
			break
		}
		shown := image.NewNRGBA(canvas)
		copy(shown.Pix, cur.Pix)
		d.Frames = append(d.Frames, Frame{Image: shown, Delay: time.Duration(f.Duration) * time.Millisecond})
	}
	if d.Frames != nil {
		d.Image, d.Loop = d.Frames[0].Image, h.Loop
	}
	if !m.opts.NoOrientation && info.Orientation > 1 {
		d.Image = Orient(d.Image, info.Orientation)
		for i := range d.Frames {
			d.Frames[i].Image = Orient(d.Frames[i].Image, info.Orientation)
		}
	}
	return d, nil
}

// webpFrame decodes one frame's bitstream.
func (m *File) webpFrame(data []byte, f webpFrame) (image.Image, error) {
	img, truncated, err := webpDecodeFrame(frameFile(data, f), f.Rect.Dx(), f.Rect.Dy())
	if err != nil {
		if truncated {
			return nil, fileErr(m.path, ErrTruncated, err, "truncated WEBP: the file ends before the image data does (%v)", err)
		}
		return nil, fileErr(m.path, ErrCorrupt, err, "corrupt WEBP: %v", err)
	}
	if b := img.Bounds(); b.Dx() != f.Rect.Dx() || b.Dy() != f.Rect.Dy() {
		return nil, fileErr(m.path, ErrCorrupt, nil, "corrupt WEBP: a frame of %dx%d holds %dx%d", f.Rect.Dx(), f.Rect.Dy(), b.Dx(), b.Dy())
	}
	return img, nil
}
