package codec

// The WebP container (RIFF), read and written in Go so that every build
// reads the same header, frames and metadata, and writes the same chunks:
// the codec (libwebp, or the Go and WebAssembly ones) only ever sees one
// frame's bitstream. https://developers.google.com/speed/webp/docs/riff_container

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"
)

const webpMaxFrames = 1 << 16

// webpSpan is where a chunk's payload lies in the file.
type webpSpan struct{ off, n int64 }

func (c webpSpan) ok() bool { return c.n > 0 }

// webpFrame is one image of a WebP file: the whole still image, or one
// ANMF frame of an animation, placed on the canvas at X, Y.
type webpFrame struct {
	Rect       image.Rectangle // on the canvas
	Duration   int             // milliseconds
	NoBlend    bool            // replace the canvas pixels instead of alpha-blending
	Dispose    bool            // clear the frame's area to transparent after it is shown
	Lossless   bool            // VP8L
	Alpha      bool            // an ALPH chunk (lossy) or the VP8L alpha bit
	alph, bits webpSpan        // ALPH (optional) and VP8/VP8L payloads
}

// webpHeader is what the RIFF container says.
type webpHeader struct {
	W, H     int // the canvas
	Extended bool
	Animated bool
	Loop     int // 0: forever
	Frames   []webpFrame
	exif     webpSpan // for the orientation (the metadata is readWebPMeta's)
}

func webpCorrupt(format string, a ...any) error {
	return &heifError{ErrCorrupt, fmt.Sprintf(format, a...)}
}

var errWebPTruncated = &heifError{ErrTruncated, "the file ends before the image data does"}

// parseWebP reads the chunk headers of a WebP file of size bytes, checking
// that every chunk lies within the file, that every frame lies on the
// canvas and that its bitstream declares the frame's size.
func parseWebP(r io.ReaderAt, size int64) (*webpHeader, error) {
	var hd [12]byte
	if n, _ := r.ReadAt(hd[:], 0); n < 12 || string(hd[:4]) != "RIFF" || string(hd[8:12]) != "WEBP" {
		return nil, &heifError{ErrTruncated, "the file ends inside its header"}
	}
	end := int64(binary.LittleEndian.Uint32(hd[4:])) + 8
	if end > size {
		return nil, errWebPTruncated
	}
	h := &webpHeader{}
	var still webpFrame
	for off, i := int64(12), 0; off+8 <= end; i++ {
		id, c, err := nextChunk(r, &off, end, errWebPTruncated)
		if err != nil {
			return nil, err
		}
		if i == 0 && id != "VP8X" {
			if err := bitstream(r, id, c, &still); err != nil {
				return nil, err
			}
			h.W, h.H = still.Rect.Dx(), still.Rect.Dy()
			h.Frames = []webpFrame{still}
			return h, nil
		}
		switch id {
		case "VP8X":
			if i != 0 || c.n < 10 {
				return nil, webpCorrupt("misplaced or short VP8X chunk")
			}
			b := make([]byte, 10)
			if _, err := r.ReadAt(b, c.off); err != nil {
				return nil, errWebPTruncated
			}
			h.Extended, h.Animated = true, b[0]&0x02 != 0
			h.W, h.H = int(u24(b[4:]))+1, int(u24(b[7:]))+1
		case "EXIF":
			h.exif = c
		case "ANIM":
			b := make([]byte, 6)
			if c.n < 6 {
				return nil, webpCorrupt("short ANIM chunk")
			}
			if _, err := r.ReadAt(b, c.off); err != nil {
				return nil, errWebPTruncated
			}
			h.Loop = int(binary.LittleEndian.Uint16(b[4:]))
		case "ANMF":
			if !h.Animated || len(h.Frames) == webpMaxFrames {
				return nil, webpCorrupt("an animation frame where none is expected, or more than %d", webpMaxFrames)
			}
			f, err := animFrame(r, c)
			if err != nil {
				return nil, err
			}
			h.Frames = append(h.Frames, f)
		case "ALPH":
			still.alph, still.Alpha = c, true
		case "VP8 ", "VP8L":
			if h.Animated || len(h.Frames) > 0 {
				continue
			}
			if err := bitstream(r, id, c, &still); err != nil {
				return nil, err
			}
			h.Frames = []webpFrame{still}
		}
	}
	if len(h.Frames) == 0 {
		return nil, webpCorrupt("no image data")
	}
	for _, f := range h.Frames {
		if !f.Rect.In(image.Rect(0, 0, h.W, h.H)) {
			return nil, webpCorrupt("a frame of %v lies outside the %dx%d canvas", f.Rect, h.W, h.H)
		}
	}
	if !h.Animated && (h.Frames[0].Rect.Dx() != h.W || h.Frames[0].Rect.Dy() != h.H) {
		return nil, webpCorrupt("the canvas is %dx%d, the image %dx%d", h.W, h.H, h.Frames[0].Rect.Dx(), h.Frames[0].Rect.Dy())
	}
	return h, nil
}

// nextChunk reads the chunk header at *off and moves *off past the chunk;
// past is the error for a chunk that runs past end.
func nextChunk(r io.ReaderAt, off *int64, end int64, past error) (string, webpSpan, error) {
	var ch [8]byte
	if _, err := r.ReadAt(ch[:], *off); err != nil {
		return "", webpSpan{}, errWebPTruncated
	}
	c := webpSpan{*off + 8, int64(binary.LittleEndian.Uint32(ch[4:]))}
	if c.n > end-c.off {
		return "", webpSpan{}, past
	}
	*off = c.off + c.n + c.n&1
	return string(ch[:4]), c, nil
}

func u24(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 }

// animFrame reads an ANMF chunk: its header and its sub-chunks.
func animFrame(r io.ReaderAt, c webpSpan) (webpFrame, error) {
	var f webpFrame
	b := make([]byte, 16)
	if c.n < 16+8 {
		return f, webpCorrupt("short animation frame")
	}
	if _, err := r.ReadAt(b, c.off); err != nil {
		return f, errWebPTruncated
	}
	x, y := int(u24(b))*2, int(u24(b[3:]))*2
	w, hh := int(u24(b[6:]))+1, int(u24(b[9:]))+1
	f.Duration = int(u24(b[12:]))
	f.NoBlend, f.Dispose = b[15]&0x02 != 0, b[15]&0x01 != 0
	end := c.off + c.n
	for off := c.off + 16; off+8 <= end; {
		id, sub, err := nextChunk(r, &off, end, webpCorrupt("a chunk runs past the end of its animation frame"))
		if err != nil {
			return f, err
		}
		switch id {
		case "ALPH":
			f.alph, f.Alpha = sub, true
		case "VP8 ", "VP8L":
			if err := bitstream(r, id, sub, &f); err != nil {
				return f, err
			}
			if f.Rect.Dx() != w || f.Rect.Dy() != hh {
				return f, webpCorrupt("a frame of %dx%d holds an image of %dx%d", w, hh, f.Rect.Dx(), f.Rect.Dy())
			}
			f.Rect = image.Rect(x, y, x+w, y+hh)
			return f, nil
		}
	}
	return f, webpCorrupt("an animation frame without image data")
}

// bitstream reads the size from a VP8 or VP8L bitstream's header.
func bitstream(r io.ReaderAt, id string, c webpSpan, f *webpFrame) error {
	var b [10]byte
	switch id {
	case "VP8 ":
		if c.n < 10 {
			return webpCorrupt("short VP8 chunk")
		}
		if _, err := r.ReadAt(b[:], c.off); err != nil {
			return errWebPTruncated
		}
		if b[0]&1 != 0 || b[3] != 0x9d || b[4] != 0x01 || b[5] != 0x2a {
			return webpCorrupt("not a VP8 key frame")
		}
		w, h := int(binary.LittleEndian.Uint16(b[6:])&0x3fff), int(binary.LittleEndian.Uint16(b[8:])&0x3fff)
		f.Rect, f.bits = image.Rect(0, 0, w, h), c
	case "VP8L":
		if c.n < 5 {
			return webpCorrupt("short VP8L chunk")
		}
		if _, err := r.ReadAt(b[:5], c.off); err != nil {
			return errWebPTruncated
		}
		if b[0] != 0x2f {
			return webpCorrupt("bad VP8L signature")
		}
		v := binary.LittleEndian.Uint32(b[1:])
		w, h := int(v&0x3fff)+1, int(v>>14&0x3fff)+1
		f.Rect, f.bits, f.Lossless = image.Rect(0, 0, w, h), c, true
		f.Alpha = v>>28&1 != 0
	default:
		return &heifError{ErrNotImage, fmt.Sprintf("a WebP file whose first chunk is %q", printable(id))}
	}
	if f.Rect.Empty() {
		return &heifError{ErrZeroSize, "declares a zero width or height: no pixels to process"}
	}
	return nil
}

// frameFile is one frame's bitstream as a WebP file of its own (VP8X with
// ALPH before VP8 when it has alpha), which any WebP decoder reads.
func frameFile(data []byte, f webpFrame) []byte {
	bits := data[f.bits.off : f.bits.off+f.bits.n]
	id := "VP8 "
	if f.Lossless {
		id = "VP8L"
	}
	var b []byte
	if f.alph.ok() && !f.Lossless {
		x := make([]byte, 10)
		x[0] = 0x10
		putU24(x[4:], uint32(f.Rect.Dx()-1))
		putU24(x[7:], uint32(f.Rect.Dy()-1))
		b = appendRIFFChunk(b, "VP8X", x)
		b = appendRIFFChunk(b, "ALPH", data[f.alph.off:f.alph.off+f.alph.n])
	}
	return riff(appendRIFFChunk(b, id, bits))
}

func putU24(b []byte, v uint32) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }

// riff wraps chunks into a WebP file.
func riff(chunks []byte) []byte {
	b := make([]byte, 0, 12+len(chunks))
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(4+len(chunks)))
	b = append(b, "WEBP"...)
	return append(b, chunks...)
}
