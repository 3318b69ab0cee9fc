package codec

import (
	"encoding/binary"
	"io"
)

// readOrientation finds the EXIF Orientation tag (0x0112) in a JPEG's APP1
// segment and returns it, or 1 (upright) when it is missing, malformed or
// outside 1..8. Every offset is checked against the data actually read.
func readOrientation(r io.Reader) int {
	var marker [4]byte
	if _, err := io.ReadFull(r, marker[:2]); err != nil || marker[0] != 0xFF || marker[1] != 0xD8 {
		return 1
	}
	for {
		if _, err := io.ReadFull(r, marker[:4]); err != nil || marker[0] != 0xFF {
			return 1
		}
		m := marker[1]
		size := int(binary.BigEndian.Uint16(marker[2:])) - 2
		if size < 0 || m == 0xDA || m == 0xD9 { // start of scan or end: no EXIF before the image data
			return 1
		}
		if m != 0xE1 {
			if _, err := io.CopyN(io.Discard, r, int64(size)); err != nil {
				return 1
			}
			continue
		}
		seg := make([]byte, size)
		if _, err := io.ReadFull(r, seg); err != nil {
			return 1
		}
		if len(seg) < 6 || string(seg[:6]) != "Exif\x00\x00" {
			continue // an XMP APP1: look further
		}
		return orientationFromTIFF(seg[6:])
	}
}

func orientationFromTIFF(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1 // the count claims more entries than the segment holds
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[e+2:]) != 3 { // SHORT
			return 1
		}
		o := int(bo.Uint16(t[e+8:]))
		if o < 1 || o > 8 {
			return 1
		}
		return o
	}
	return 1
}
