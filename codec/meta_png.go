package codec

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// PNG keeps metadata in chunks: eXIf (EXIF), iCCP (a named, compressed
// profile), iTXt "XML:com.adobe.xmp" (XMP), and, as ImageMagick and older
// tools wrote them, tEXt/zTXt/iTXt "Raw profile type exif|xmp|iptc|icc"
// (a hex dump). Text chunks may come after the image data (exiftool puts
// them there), so the chunk list is walked to the end with positioned
// reads: only chunk headers and the metadata chunks are read, never the
// image data.

const pngSignature = "\x89PNG\r\n\x1a\n"

// readPNGMeta reads a PNG's metadata chunks.
func readPNGMeta(r io.ReaderAt, size int64) (Metadata, []string) {
	var m Metadata
	var warn warnings
	var head [8]byte
	for pos := int64(8); pos+12 <= size; {
		if _, err := r.ReadAt(head[:], pos); err != nil {
			break
		}
		n := int64(binary.BigEndian.Uint32(head[:]))
		typ := string(head[4:8])
		if typ == "IEND" || n > 1<<31-1 || pos+12+n > size {
			break
		}
		kind := pngChunkKind(typ)
		pos += 12 + n
		if kind == "" {
			continue
		}
		if n > MaxXMP+1<<20 {
			warn.add(fmt.Sprintf("metadata dropped: a %d-byte %s chunk", n, typ))
			continue
		}
		chunk := make([]byte, 4+n+4)
		if _, err := r.ReadAt(chunk, pos-n-8); err != nil {
			break
		}
		data := chunk[4 : 4+n]
		if crc32.ChecksumIEEE(chunk[:4+n]) != binary.BigEndian.Uint32(chunk[4+n:]) {
			warn.add(fmt.Sprintf("metadata dropped: a %s chunk fails its checksum", typ))
			continue
		}
		warn.add(pngChunk(&m, typ, data))
	}
	return m, warn
}

// pngChunkKind says whether a chunk type can hold metadata.
func pngChunkKind(typ string) string {
	switch typ {
	case "eXIf", "iCCP", "iTXt", "zTXt", "tEXt":
		return typ
	}
	return ""
}

// pngChunk stores what one metadata chunk holds.
func pngChunk(m *Metadata, typ string, data []byte) string {
	switch typ {
	case "eXIf":
		return m.Set(BlockEXIF, data)
	case "iCCP":
		// A profile name (1-79 bytes), a 0, the compression method (0), zlib data.
		name, rest, ok := bytes.Cut(data, []byte{0})
		if !ok || len(name) == 0 || len(rest) < 1 || rest[0] != 0 {
			return "ICC dropped: the iCCP chunk is malformed"
		}
		icc, err := inflate(rest[1:], MaxICC)
		if err != nil {
			return "ICC dropped: " + err.Error()
		}
		return m.Set(BlockICC, icc)
	}
	key, text, err := pngText(typ, data)
	if err != nil {
		return fmt.Sprintf("metadata dropped: a %s chunk: %v", typ, err)
	}
	if key == "XML:com.adobe.xmp" {
		return m.Set(BlockXMP, text)
	}
	if kind, ok := strings.CutPrefix(key, "Raw profile type "); ok {
		return rawProfile(m, strings.ToLower(kind), text)
	}
	return ""
}

// pngText returns a text chunk's keyword and text, inflated when it is
// compressed.
func pngText(typ string, data []byte) (string, []byte, error) {
	key, rest, ok := bytes.Cut(data, []byte{0})
	if !ok {
		return "", nil, fmt.Errorf("no keyword")
	}
	if !strings.HasPrefix(string(key), "XML:com.adobe.xmp") && !strings.HasPrefix(string(key), "Raw profile type ") {
		return string(key), nil, nil // text metadata PicPool does not carry: not read further
	}
	switch typ {
	case "tEXt":
		return string(key), rest, nil
	case "zTXt":
		if len(rest) < 1 {
			return "", nil, fmt.Errorf("no compression method")
		}
		text, err := inflate(rest[1:], MaxXMP)
		return string(key), text, err
	}
	// iTXt: compression flag and method, language tag, translated keyword, text.
	if len(rest) < 2 {
		return "", nil, fmt.Errorf("truncated")
	}
	compressed := rest[0] == 1
	_, rest, ok1 := bytes.Cut(rest[2:], []byte{0})
	_, text, ok2 := bytes.Cut(rest, []byte{0})
	if !ok1 || !ok2 {
		return "", nil, fmt.Errorf("truncated")
	}
	if compressed {
		t, err := inflate(text, MaxXMP)
		return string(key), t, err
	}
	return string(key), text, nil
}

// inflate decompresses zlib data of at most max bytes.
func inflate(b []byte, max int) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("cannot decompress: %v", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("cannot decompress: %v", err)
	}
	if len(out) > max {
		return nil, fmt.Errorf("decompresses to more than %d MiB", max>>20)
	}
	return out, nil
}

// rawProfile reads ImageMagick's "Raw profile type" text: a newline, a
// name ("IPTC profile"), a newline, the length in decimal (space-padded), a
// newline, and the bytes in hex over many lines.
func rawProfile(m *Metadata, kind string, text []byte) string {
	var block Block
	switch kind {
	case "exif", "app1":
		block = BlockEXIF
	case "xmp":
		block = BlockXMP
	case "iptc", "8bim":
		block = BlockIPTC
	case "icc", "icm":
		block = BlockICC
	default:
		return ""
	}
	lines := strings.SplitN(strings.TrimLeft(string(text), "\n"), "\n", 3)
	if len(lines) < 3 {
		return fmt.Sprintf("%s dropped: a malformed raw profile", block)
	}
	n, err := strconv.Atoi(strings.TrimSpace(lines[1]))
	if err != nil || n < 0 || n > maxSize(block) {
		return fmt.Sprintf("%s dropped: a raw profile declares %q bytes", block, strings.TrimSpace(lines[1]))
	}
	data, err := hex.DecodeString(strings.Join(strings.Fields(lines[2]), ""))
	if err != nil || len(data) != n {
		return fmt.Sprintf("%s dropped: a raw profile's hex data is malformed", block)
	}
	if block == BlockIPTC && bytes.HasPrefix(data, []byte("8BIM")) {
		if data, err = photoshopIPTC(data); err != nil {
			return "IPTC dropped: " + err.Error()
		}
	}
	return m.Set(block, data)
}
