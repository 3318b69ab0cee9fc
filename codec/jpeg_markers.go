package codec

import (
	"encoding/binary"
	"io"
)

// jpegMarkers is what PicPool's colour handling reads from a JPEG's
// segments before the image data.
type jpegMarkers struct {
	// Adobe is true when an APP14 "Adobe" segment is present: Photoshop
	// and every tool since write 4-component (CMYK, YCCK) JPEGs inverted
	// (0 = full ink) when they write it, and so readers invert them back.
	Adobe bool
	// ICC is the profile from the APP2 "ICC_PROFILE" chunks, put together
	// in their order; nil when there is none or a chunk is missing.
	ICC []byte
}

// readJPEGMarkers scans the segments of the JPEG in r (size bytes) up to the
// start of the image data. Every length is checked against the file; a
// damaged file just ends the scan.
func readJPEGMarkers(r io.ReaderAt, size int64) jpegMarkers {
	var m jpegMarkers
	var chunks [][]byte
	total := 0
	hdr := make([]byte, 4)
	pos := int64(2)
	if _, err := r.ReadAt(hdr[:2], 0); err != nil || hdr[0] != 0xFF || hdr[1] != 0xD8 {
		return m
	}
	for pos+4 <= size {
		if _, err := r.ReadAt(hdr, pos); err != nil || hdr[0] != 0xFF {
			break
		}
		marker := hdr[1]
		if marker == 0xFF { // fill byte
			pos++
			continue
		}
		n := int64(binary.BigEndian.Uint16(hdr[2:])) - 2
		if marker == 0xDA || marker == 0xD9 || n < 0 || pos+4+n > size {
			break
		}
		switch {
		case marker == 0xEE && n >= 5:
			id := make([]byte, 5)
			if _, err := r.ReadAt(id, pos+4); err == nil && string(id) == "Adobe" {
				m.Adobe = true
			}
		case marker == 0xE2 && n > 14:
			seg := make([]byte, n)
			if _, err := r.ReadAt(seg, pos+4); err != nil {
				break
			}
			if string(seg[:12]) != "ICC_PROFILE\x00" {
				break
			}
			seq, count := int(seg[12]), int(seg[13])
			if chunks == nil {
				chunks = make([][]byte, count)
			}
			if seq >= 1 && seq <= len(chunks) && count == len(chunks) && chunks[seq-1] == nil {
				chunks[seq-1] = seg[14:]
				total += len(seg) - 14
			}
		}
		pos += 4 + n
	}
	if len(chunks) > 0 && total <= MaxICCSize {
		icc := make([]byte, 0, total)
		for _, c := range chunks {
			if c == nil {
				return jpegMarkers{Adobe: m.Adobe}
			}
			icc = append(icc, c...)
		}
		m.ICC = icc
	}
	return m
}
