package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// WebP is a RIFF file of chunks. Metadata lives in the extended format
// (first chunk VP8X, whose flags announce it): ICCP before the image data,
// EXIF and "XMP " after it. webpChunks walks any WebP's chunks for readers
// of other chunks too (animation, alpha); AddWebPMetadata is what a WebP
// encoder calls to put metadata into the file it made.

// webpChunk is one chunk: its FourCC and where its data lie.
type webpChunk struct {
	FourCC string
	Off, N int64
}

// webpChunks lists a WebP file's chunks from their headers, with
// positioned reads (the image data are not read). It stops at the end of
// the RIFF size or of the file, whichever comes first, and after 4096
// chunks; a chunk that runs past the end is an error.
func webpChunks(r io.ReaderAt, size int64) ([]webpChunk, error) {
	var h [12]byte
	if _, err := r.ReadAt(h[:], 0); err != nil || string(h[:4]) != "RIFF" || string(h[8:]) != "WEBP" {
		return nil, errors.New("no RIFF WEBP header")
	}
	end := min(size, 8+int64(binary.LittleEndian.Uint32(h[4:])))
	var out []webpChunk
	for pos := int64(12); pos+8 <= end && len(out) < 4096; {
		if _, err := r.ReadAt(h[:8], pos); err != nil {
			return out, err
		}
		n := int64(binary.LittleEndian.Uint32(h[4:]))
		if pos+8+n > end {
			return out, fmt.Errorf("chunk %q claims %d bytes, past the end", h[:4], n)
		}
		out = append(out, webpChunk{FourCC: string(h[:4]), Off: pos + 8, N: n})
		pos += 8 + n + n&1
	}
	return out, nil
}

var webpMetaChunks = map[string]Block{"ICCP": BlockICC, "EXIF": BlockEXIF, "XMP ": BlockXMP}

// readWebPMeta reads a WebP's ICCP, EXIF and XMP chunks.
func readWebPMeta(r io.ReaderAt, size int64) (Metadata, []string) {
	var m Metadata
	var warn warnings
	chunks, err := webpChunks(r, size)
	if err != nil {
		warn.add("metadata after a malformed chunk not read: " + err.Error())
	}
	for _, c := range chunks {
		kind, ok := webpMetaChunks[c.FourCC]
		if !ok || len(*m.slot(kind)) > 0 {
			continue
		}
		if c.N > int64(maxSize(kind)) {
			warn.add(fmt.Sprintf("%s dropped: %d bytes", kind, c.N))
			continue
		}
		b := make([]byte, c.N)
		if _, err := r.ReadAt(b, c.Off); err != nil {
			continue
		}
		warn.add(m.Set(kind, b))
	}
	return m, warn
}

// VP8X flags.
const (
	webpFlagICC   = 0x20
	webpFlagAlpha = 0x10
	webpFlagEXIF  = 0x08
	webpFlagXMP   = 0x04
)

// AddWebPMetadata returns a WebP file with m's blocks in it, for a WebP
// encoder to call on what it made. A simple file (VP8 or VP8L) becomes an
// extended one: a VP8X chunk with the canvas size read from the
// bitstream's header (and the alpha flag from VP8L's) goes first. Existing
// ICCP, EXIF and XMP chunks are replaced; ICCP is written before the image
// data and EXIF and XMP after it, with the flags to match, as the
// container specification orders them. EXIF is written as the bare TIFF
// structure (no "Exif\x00\x00"), as libwebp's tools do.
func AddWebPMetadata(webp []byte, m *Metadata) ([]byte, error) {
	if m == nil || m.Empty() {
		return webp, nil
	}
	chunks, err := webpChunks(bytes.NewReader(webp), int64(len(webp)))
	if err != nil {
		return nil, err
	}
	if len(chunks) == 0 {
		return nil, errors.New("no chunks")
	}
	var vp8x []byte
	switch c := chunks[0]; c.FourCC {
	case "VP8X":
		if c.N < 10 {
			return nil, errors.New("VP8X chunk too short")
		}
		vp8x = bytes.Clone(webp[c.Off : c.Off+10])
		chunks = chunks[1:]
	case "VP8 ", "VP8L":
		if vp8x, err = webpCanvas(c.FourCC, webp[c.Off:c.Off+c.N]); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("first chunk %q is not VP8X, VP8 or VP8L", c.FourCC)
	}
	vp8x[0] &^= webpFlagICC | webpFlagEXIF | webpFlagXMP
	body := []byte{}
	if len(m.ICC) > 0 {
		vp8x[0] |= webpFlagICC
		body = appendRIFFChunk(body, "ICCP", m.ICC)
	}
	for _, c := range chunks {
		if _, meta := webpMetaChunks[c.FourCC]; !meta {
			body = appendRIFFChunk(body, c.FourCC, webp[c.Off:c.Off+c.N])
		}
	}
	if len(m.EXIF) > 0 {
		vp8x[0] |= webpFlagEXIF
		body = appendRIFFChunk(body, "EXIF", m.EXIF)
	}
	if len(m.XMP) > 0 {
		vp8x[0] |= webpFlagXMP
		body = appendRIFFChunk(body, "XMP ", m.XMP)
	}
	out := appendRIFFChunk([]byte("RIFF\x00\x00\x00\x00WEBP"), "VP8X", vp8x)
	out = append(out, body...)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}

// appendRIFFChunk appends a chunk: FourCC, little-endian size, data, and a
// pad byte when the size is odd.
func appendRIFFChunk(dst []byte, fourcc string, data []byte) []byte {
	dst = append(dst, fourcc...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(data)))
	dst = append(dst, data...)
	if len(data)%2 == 1 {
		dst = append(dst, 0)
	}
	return dst
}

// webpCanvas makes the 10-byte VP8X payload for a simple WebP: flags,
// three reserved bytes, then canvas width-1 and height-1 in 24 bits each.
func webpCanvas(fourcc string, bits []byte) ([]byte, error) {
	var w, h uint32
	var alpha bool
	switch fourcc {
	case "VP8 ":
		// A key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit
		// width and height (the top 2 bits are a scale).
		if len(bits) < 10 || bits[3] != 0x9D || bits[4] != 0x01 || bits[5] != 0x2A {
			return nil, errors.New("VP8 data without a key frame header")
		}
		w = uint32(binary.LittleEndian.Uint16(bits[6:])) & 0x3FFF
		h = uint32(binary.LittleEndian.Uint16(bits[8:])) & 0x3FFF
	case "VP8L":
		// Signature 0x2F, then 14 bits width-1, 14 bits height-1, 1 bit alpha.
		if len(bits) < 5 || bits[0] != 0x2F {
			return nil, errors.New("VP8L data without its signature")
		}
		v := binary.LittleEndian.Uint32(bits[1:])
		w, h, alpha = v&0x3FFF+1, (v>>14)&0x3FFF+1, v>>28&1 == 1
	}
	if w == 0 || h == 0 {
		return nil, errors.New("a zero canvas size")
	}
	p := make([]byte, 10)
	if alpha {
		p[0] = webpFlagAlpha
	}
	p[4], p[5], p[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
	p[7], p[8], p[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
	return p, nil
}
