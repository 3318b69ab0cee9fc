package codec

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
)

// Writing metadata into encoded files: the encoders make the pixels'
// file, then the blocks are put where each format keeps them (see
// meta_jpeg.go, meta_png.go, meta_tiff.go and meta_webp.go for the
// layouts).

// Fit returns the blocks of m that format f can hold, and one sentence for
// each block it cannot ("EXIF not written: GIF cannot hold metadata").
// What Fit keeps, Encode writes. WebP holds EXIF, XMP and ICC (through
// AddWebPMetadata), AVIF the same where this build's encoder writes them
// (libavif, cgo; see NativeCodecs), no IPTC either.
func Fit(m Metadata, f Format) (Metadata, []string) {
	var why []string
	drop := func(kind Block, reason string) {
		if p := m.slot(kind); len(*p) > 0 {
			why = append(why, fmt.Sprintf("%s not written: %s", kind, reason))
			*p = nil
		}
	}
	switch f {
	case JPEG:
		if len(m.EXIF) > maxSegment-len(exifHeader) {
			drop(BlockEXIF, fmt.Sprintf("%d bytes, more than a JPEG segment holds", len(m.EXIF)))
		}
		if chunks := (len(m.ICC) + iccChunk - 1) / iccChunk; chunks > 255 {
			drop(BlockICC, fmt.Sprintf("%d bytes, more than 255 JPEG segments hold", len(m.ICC)))
		}
	case PNG, TIFF:
	case WEBP:
		drop(BlockIPTC, "WebP holds EXIF, XMP and ICC, not IPTC")
	case AVIF:
		if !NativeCodecs {
			for _, kind := range []Block{BlockEXIF, BlockXMP, BlockIPTC, BlockICC} {
				drop(kind, "this build's AVIF encoder (WebAssembly) cannot write metadata")
			}
		}
		drop(BlockIPTC, "AVIF holds EXIF, XMP and ICC, not IPTC")
	default:
		for _, kind := range []Block{BlockEXIF, BlockXMP, BlockIPTC, BlockICC} {
			drop(kind, strings.ToUpper(string(f))+" cannot hold metadata")
		}
	}
	return m, why
}

// addMeta writes m's blocks into an encoded file of format f.
func addMeta(file []byte, f Format, m *Metadata) ([]byte, error) {
	switch f {
	case JPEG:
		return addJPEGMeta(file, m)
	case PNG:
		return addPNGMeta(file, m)
	case TIFF:
		return addTIFFMeta(file, m)
	case WEBP:
		return AddWebPMetadata(file, m)
	}
	return file, nil
}

const (
	iccChunk    = maxSegment - len(iccHeader) - 2
	xmpMax      = maxSegment - len(xmpHeader)
	xmpExtChunk = maxSegment - len(xmpExtHeader) - 40
	psChunk     = maxSegment - len(psHeader)
)

// addJPEGMeta puts the blocks right after the start marker (and after a
// JFIF APP0, which must come first): APP1 EXIF, APP1 XMP (and its
// extension), APP2 ICC, APP13 IPTC.
func addJPEGMeta(file []byte, m *Metadata) ([]byte, error) {
	if len(file) < 4 || file[0] != 0xFF || file[1] != 0xD8 {
		return nil, fmt.Errorf("not a JPEG")
	}
	at := 2
	if file[2] == 0xFF && file[3] == 0xE0 && len(file) >= 6 {
		at += 2 + int(binary.BigEndian.Uint16(file[4:]))
	}
	var segs []byte
	seg := func(marker byte, parts ...[]byte) {
		n := 2
		for _, p := range parts {
			n += len(p)
		}
		segs = append(segs, 0xFF, marker, byte(n>>8), byte(n))
		for _, p := range parts {
			segs = append(segs, p...)
		}
	}
	if len(m.EXIF) > 0 && len(m.EXIF) <= maxSegment-len(exifHeader) {
		seg(mAPP1, []byte(exifHeader), m.EXIF)
	}
	if len(m.XMP) > 0 {
		std, ext := splitXMP(m.XMP)
		seg(mAPP1, []byte(xmpHeader), std)
		if ext != nil {
			sum := md5.Sum(ext)
			guid := []byte(strings.ToUpper(hex.EncodeToString(sum[:])))
			for off := 0; off < len(ext); off += xmpExtChunk {
				var head [8]byte
				binary.BigEndian.PutUint32(head[:], uint32(len(ext)))
				binary.BigEndian.PutUint32(head[4:], uint32(off))
				seg(mAPP1, []byte(xmpExtHeader), guid, head[:], ext[off:min(off+xmpExtChunk, len(ext))])
			}
		}
	}
	if n := (len(m.ICC) + iccChunk - 1) / iccChunk; n > 0 && n <= 255 {
		for i := range n {
			seg(mAPP2, []byte(iccHeader), []byte{byte(i + 1), byte(n)}, m.ICC[i*iccChunk:min((i+1)*iccChunk, len(m.ICC))])
		}
	}
	if len(m.IPTC) > 0 {
		res := photoshopResource(0x0404, m.IPTC)
		for off := 0; off < len(res); off += psChunk {
			seg(mAPP13, []byte(psHeader), res[off:min(off+psChunk, len(res))])
		}
	}
	out := make([]byte, 0, len(file)+len(segs))
	out = append(out, file[:at]...)
	out = append(out, segs...)
	return append(out, file[at:]...), nil
}

// splitXMP returns the packet for JPEG's standard XMP segment and, when
// the packet is too large for one, the extension: then the standard packet
// only points to the extension (xmpNote:HasExtendedXMP, its MD5), which
// holds the whole packet. Readers that know extended XMP (exiftool,
// Adobe's) read it all; others see no properties.
func splitXMP(xmp []byte) (std, ext []byte) {
	if len(xmp) <= xmpMax {
		return xmp, nil
	}
	sum := md5.Sum(xmp)
	std = []byte(`<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="` + nsRDF + `">` +
		`<rdf:Description rdf:about="" xmlns:xmpNote="` + nsXMPNote + `" xmpNote:HasExtendedXMP="` +
		strings.ToUpper(hex.EncodeToString(sum[:])) + `"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`)
	return std, xmp
}

// photoshopResource is one Photoshop image resource with an empty name.
func photoshopResource(id uint16, data []byte) []byte {
	b := []byte("8BIM")
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0, 0) // an empty Pascal string, padded to even
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// addPNGMeta puts the blocks right after IHDR (iCCP must precede the image
// data, and eXIf should): iCCP (or sRGB for a profile that is sRGB in
// effect, see SRGBInEffect), eXIf, iTXt XMP, and IPTC as zTXt "Raw
// profile type iptc" (PNG has no IPTC chunk; ImageMagick and exiftool
// read and write this one).
func addPNGMeta(file []byte, m *Metadata) ([]byte, error) {
	const at = 8 + 8 + 13 + 4
	if len(file) < at || string(file[:8]) != pngSignature || string(file[12:16]) != "IHDR" {
		return nil, fmt.Errorf("not a PNG")
	}
	var chunks []byte
	switch {
	case SRGBInEffect(m.ICC):
		// PNG's own sRGB chunk, 13 bytes, read by every colour-managing
		// decoder (sRGB and iCCP exclude each other), with the gAMA that
		// the specification asks for decoders that do not read it; the
		// rendering intent is perceptual, as libpng and Photoshop write it.
		chunks = pngAppendChunk(chunks, "sRGB", []byte{0})
		chunks = pngAppendChunk(chunks, "gAMA", binary.BigEndian.AppendUint32(nil, 45455))
	case len(m.ICC) > 0:
		chunks = pngAppendChunk(chunks, "iCCP", slices.Concat([]byte("ICC profile\x00\x00"), deflate(m.ICC)))
	}
	if len(m.EXIF) > 0 {
		chunks = pngAppendChunk(chunks, "eXIf", m.EXIF)
	}
	if len(m.XMP) > 0 {
		chunks = pngAppendChunk(chunks, "iTXt", slices.Concat([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), m.XMP))
	}
	if len(m.IPTC) > 0 {
		res := photoshopResource(0x0404, m.IPTC)
		var text strings.Builder
		fmt.Fprintf(&text, "\nIPTC profile\n%8d", len(res))
		h := hex.EncodeToString(res)
		for i := 0; i < len(h); i += 72 {
			text.WriteString("\n" + h[i:min(i+72, len(h))])
		}
		text.WriteString("\n")
		chunks = pngAppendChunk(chunks, "zTXt", slices.Concat([]byte("Raw profile type iptc\x00\x00"), deflate([]byte(text.String()))))
	}
	out := make([]byte, 0, len(file)+len(chunks))
	out = append(out, file[:at]...)
	out = append(out, chunks...)
	return append(out, file[at:]...), nil
}

func pngAppendChunk(dst []byte, typ string, data []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	start := len(dst)
	dst = append(dst, typ...)
	dst = append(dst, data...)
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
