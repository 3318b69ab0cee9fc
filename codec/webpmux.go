package codec

import (
	"bytes"
	"encoding/binary"
	"image"
)

// webpBits is one encoded frame: its bitstream and alpha chunk as an
// encoder wrote them.
type webpBits struct {
	f    webpFrame
	data []byte // the encoder's file, which f's chunks point into
}

// WebP files written in Go: a frame's bitstream as a file of its own (for
// the decoders), and animations. Metadata chunks are AddWebPMetadata's
// (meta_webp.go).

// splitWebP reads the frame out of an encoder's output.
func splitWebP(file []byte) (webpBits, error) {
	h, err := parseWebP(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return webpBits{}, err
	}
	return webpBits{h.Frames[0], file}, nil
}

func (b webpBits) payload(c webpSpan) []byte { return b.data[c.off : c.off+c.n] }

// frameChunks appends the frame's ALPH (when lossy with alpha) and
// VP8/VP8L chunks.
func (b webpBits) frameChunks(out []byte) []byte {
	if b.f.alph.ok() && !b.f.Lossless {
		out = appendRIFFChunk(out, "ALPH", b.payload(b.f.alph))
	}
	if b.f.Lossless {
		return appendRIFFChunk(out, "VP8L", b.payload(b.f.bits))
	}
	return appendRIFFChunk(out, "VP8 ", b.payload(b.f.bits))
}

// vp8x makes the extended header's chunk (metadata flags are for
// AddWebPMetadata to set).
func vp8x(w, h int, alpha, anim bool) []byte {
	x := make([]byte, 10)
	if alpha {
		x[0] |= webpFlagAlpha
	}
	if anim {
		x[0] |= 0x02
	}
	putU24(x[4:], uint32(w-1))
	putU24(x[7:], uint32(h-1))
	return appendRIFFChunk(nil, "VP8X", x)
}

// animFrameOut is one encoded frame of an animation to write.
type animFrameOut struct {
	bits     webpBits
	at       image.Point // on the canvas (even coordinates)
	duration int         // milliseconds
}

// muxAnim writes an animation: every frame replaces its rectangle of the
// canvas (no blending, no disposal), the way muxAnim's caller encodes them.
// Metadata is AddWebPMetadata's to add.
func muxAnim(frames []animFrameOut, w, h, loop int) []byte {
	alpha := false
	for _, f := range frames {
		alpha = alpha || f.bits.f.Alpha
	}
	out := vp8x(w, h, alpha, true)
	anim := []byte{0xFF, 0xFF, 0xFF, 0xFF, 0, 0}
	binary.LittleEndian.PutUint16(anim[4:], uint16(min(max(loop, 0), 0xFFFF)))
	out = appendRIFFChunk(out, "ANIM", anim)
	for _, f := range frames {
		hd := make([]byte, 16)
		putU24(hd, uint32(f.at.X/2))
		putU24(hd[3:], uint32(f.at.Y/2))
		putU24(hd[6:], uint32(f.bits.f.Rect.Dx()-1))
		putU24(hd[9:], uint32(f.bits.f.Rect.Dy()-1))
		putU24(hd[12:], uint32(min(max(f.duration, 0), 1<<24-1)))
		hd[15] = 0x02 // do not blend, do not dispose
		out = appendRIFFChunk(out, "ANMF", f.bits.frameChunks(hd))
	}
	return riff(out)
}
