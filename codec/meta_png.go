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

// readPNGMeta reads a PNG's metadata chunks. A chunk is read whole only
// when its type, and for text chunks its keyword, say it holds a block not
// yet found; at most 64 are read.
func readPNGMeta(r io.ReaderAt, size int64) (Metadata, []string) {
	var m Metadata
	var warn warnings
	var head [8 + 80]byte // length, type, and room for a keyword
	for pos, reads := int64(8), 0; pos+12 <= size && reads < 64; {
		if _, err := r.ReadAt(head[:8], pos); err != nil {
			break
		}
		n := int64(binary.BigEndian.Uint32(head[:]))
		typ := string(head[4:8])
		if typ == "IEND" || n > 1<<31-1 || pos+12+n > size {
			break
		}
		at := pos
		pos += 12 + n
		if !pngMetaChunk(typ) {
			continue
		}
		k := min(n, 80)
		if _, err := r.ReadAt(head[8:8+k], at+8); err != nil {
			break
		}
		kind := pngBlock(typ, head[8:8+k])
		if kind == "" || len(*m.slot(kind)) > 0 {
			continue
		}
		if n > MaxXMP+1<<20 {
			warn.add(fmt.Sprintf("%s dropped: a %d-byte %s chunk", kind, n, typ))
			continue
		}
		reads++
		chunk := make([]byte, 4+n+4)
		if _, err := r.ReadAt(chunk, at+4); err != nil {
			break
		}
		data := chunk[4 : 4+n]
		if crc32.ChecksumIEEE(chunk[:4+n]) != binary.BigEndian.Uint32(chunk[4+n:]) {
			warn.add(fmt.Sprintf("%s dropped: its %s chunk fails its checksum", kind, typ))
			continue
		}
		warn.add(pngChunk(&m, typ, data))
	}
	return m, warn
}

// pngMetaChunk says whether a chunk type can hold metadata.
func pngMetaChunk(typ string) bool {
	switch typ {
	case "eXIf", "iCCP", "iTXt", "zTXt", "tEXt":
		return true
	}
	return false
}

// pngBlock says which block a metadata chunk holds, from its type and, for
// text chunks, the keyword its first bytes hold; "" for none.
func pngBlock(typ string, head []byte) Block {
	switch typ {
	case "eXIf":
		return BlockEXIF
	case "iCCP":
		return BlockICC
	}
	key, _, _ := bytes.Cut(head, []byte{0})
	if string(key) == "XML:com.adobe.xmp" {
		return BlockXMP
	}
	if kind, ok := strings.CutPrefix(string(key), "Raw profile type "); ok {
		return rawProfileBlock(strings.ToLower(kind))
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
		return fmt.Sprintf("%s dropped: its %s chunk: %v", pngBlock(typ, data), typ, err)
	}
	if key == "XML:com.adobe.xmp" {
		return m.Set(BlockXMP, text)
	}
	kind, _ := strings.CutPrefix(key, "Raw profile type ")
	return rawProfile(m, rawProfileBlock(strings.ToLower(kind)), text)
}

// pngText returns a text chunk's keyword and text, inflated when it is
// compressed.
func pngText(typ string, data []byte) (string, []byte, error) {
	key, rest, ok := bytes.Cut(data, []byte{0})
	if !ok {
		return "", nil, fmt.Errorf("no keyword")
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

// rawProfileBlock is the block an ImageMagick "Raw profile type" holds.
func rawProfileBlock(kind string) Block {
	switch kind {
	case "exif", "app1":
		return BlockEXIF
	case "xmp":
		return BlockXMP
	case "iptc", "8bim":
		return BlockIPTC
	case "icc", "icm":
		return BlockICC
	}
	return ""
}

// rawProfile reads ImageMagick's "Raw profile type" text: a newline, a
// name ("IPTC profile"), a newline, the length in decimal (space-padded), a
// newline, and the bytes in hex over many lines.
func rawProfile(m *Metadata, block Block, text []byte) string {
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
