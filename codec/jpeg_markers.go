package codec

import (
	"encoding/binary"
	"io"
)

// jpegMarkers is what PicPool's colour handling reads from a JPEG's
// segments before the image data (the metadata blocks, the profile among
// them, are readMetadata's).
type jpegMarkers struct {
	// Adobe is true when an APP14 "Adobe" segment is present: Photoshop
	// and every tool since write 4-component (CMYK, YCCK) JPEGs inverted
	// (0 = full ink) when they write it, and so readers invert them back.
	Adobe bool
}

// readJPEGMarkers scans the segments of the JPEG in r (size bytes) up to the
// start of the image data. Every length is checked against the file; a
// damaged file just ends the scan.
func readJPEGMarkers(r io.ReaderAt, size int64) jpegMarkers {
	var m jpegMarkers
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
		if marker == 0xEE && n >= 5 {
			id := make([]byte, 5)
			if _, err := r.ReadAt(id, pos+4); err == nil && string(id) == "Adobe" {
				m.Adobe = true
				break
			}
		}
		pos += 4 + n
	}
	return m
}
