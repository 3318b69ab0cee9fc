package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
)

// An EXIF block is a small TIFF structure: IFD0 (the camera, the date, the
// orientation, the artist and copyright), which points to the Exif IFD
// (exposure, lens, pixel dimensions, the MakerNote, and the Interop IFD) and
// to the GPS IFD, and is followed by IFD1, the thumbnail's directory.
//
// Outputs get the source's block edited in place rather than written anew:
// offsets stay as they are, so a MakerNote whose own directories count from
// the block's start (Canon, Nikon type 2, …) stays readable. What is removed
// (the GPS directory and its values, IFD1 and its thumbnail) is zeroed and
// unlinked, and a thumbnail at the end of the block is cut off.

// exifTree is an EXIF block's directories, as read; any may be nil.
type exifTree struct {
	bo                             binary.ByteOrder
	ifd0, exif, gps, interop, ifd1 *tiffIFD
	ifd1Err                        error // IFD1 could not be read: it is unlinked anyway
	thumbOff, thumbLen             []int64
	size                           int64
}

// parseEXIF reads and checks an EXIF block's directories: IFD0, the Exif,
// GPS and Interop IFDs, and IFD1 with its thumbnail. A block whose
// directories lie outside it, loop, claim absurd counts or whose values lie
// past its end is refused with the reason.
func parseEXIF(b []byte) (*exifTree, error) {
	// Every value is read once at most per field; the budget only stops
	// fields of a hostile block from all naming its largest region.
	r, off, err := newTIFFReader(bytes.NewReader(b), int64(len(b)), 4*int64(len(b))+1<<16)
	if err != nil {
		return nil, err
	}
	t := &exifTree{bo: r.bo, size: int64(len(b))}
	if t.ifd0, err = r.ifd(off, "IFD0", nil); err != nil {
		return nil, err
	}
	if t.exif, err = r.sub(t.ifd0, tagExifIFD, "Exif IFD"); err != nil {
		return nil, err
	}
	if t.gps, err = r.sub(t.ifd0, tagGPSIFD, "GPS IFD"); err != nil {
		return nil, err
	}
	if t.exif != nil {
		if t.interop, err = r.sub(t.exif, tagInteropIFD, "Interop IFD"); err != nil {
			return nil, err
		}
	}
	if t.ifd0.Next != 0 {
		t.ifd1, t.ifd1Err = r.ifd(t.ifd0.Next, "IFD1", nil)
		if t.ifd1 != nil {
			t.thumbnail()
		}
	}
	return t, nil
}

// thumbnail finds the thumbnail's bytes from IFD1: a JPEG (offset and
// length) or uncompressed strips.
func (t *exifTree) thumbnail() {
	pairs := [][2]uint16{{tagThumbOffset, tagThumbLength}, {tagStripOffsets, tagStripCounts}}
	for _, p := range pairs {
		offs, lens := t.ifd1.find(p[0]), t.ifd1.find(p[1])
		if offs == nil || lens == nil {
			continue
		}
		for i := 0; i < int(min(offs.Count, lens.Count, 1024)); i++ {
			o, ok1 := offs.uint(t.bo, i)
			n, ok2 := lens.uint(t.bo, i)
			if ok1 && ok2 && int64(o) < t.size {
				t.thumbOff = append(t.thumbOff, int64(o))
				t.thumbLen = append(t.thumbLen, min(int64(n), t.size-int64(o)))
			}
		}
	}
}

// live returns the directories an edited block keeps.
func (t *exifTree) live(withGPS bool) []*tiffIFD {
	dirs := []*tiffIFD{t.ifd0, t.exif, t.interop}
	if withGPS {
		dirs = append(dirs, t.gps)
	}
	return slices.DeleteFunc(dirs, func(d *tiffIFD) bool { return d == nil })
}

// exifEdit says what to change in an EXIF block.
type exifEdit struct {
	RemoveGPS     bool
	Orientation   int // > 0: the value to set (an existing Orientation field only)
	Width, Height int // > 0: PixelXDimension and PixelYDimension, IFD0's ImageWidth and ImageLength (existing fields only)
}

// exifEdited says what an edit removed.
type exifEdited struct {
	GPS, Thumbnail bool
}

// editEXIF returns an edited copy of an EXIF block: IFD1 and its thumbnail
// always removed, the GPS IFD removed when asked, orientation and pixel
// dimensions set. Removed bytes are zeroed, removed fields unlinked, and
// the block is cut after its last live byte when nothing but zeros follows.
func editEXIF(src []byte, e exifEdit) ([]byte, exifEdited, error) {
	var done exifEdited
	b := slices.Clone(src)
	t, err := parseEXIF(b)
	if err != nil {
		return nil, done, err
	}
	zero := func(off, n int64) {
		if off >= 8 && n > 0 && off < int64(len(b)) {
			clear(b[off:min(off+n, int64(len(b)))])
		}
	}
	zeroIFD := func(d *tiffIFD) {
		for _, en := range d.Entries {
			if sz := en.size(); sz > 4 {
				zero(en.ValPos, sz)
			}
		}
		zero(d.Pos, d.end()-d.Pos)
	}
	if e.RemoveGPS && t.ifd0.find(tagGPSIFD) != nil {
		if t.gps != nil {
			zeroIFD(t.gps)
		}
		t.unlink(b, t.ifd0, tagGPSIFD)
		done.GPS = true
	}
	if t.ifd0.Next != 0 {
		if t.ifd1 != nil {
			for i := range t.thumbOff {
				zero(t.thumbOff[i], t.thumbLen[i])
			}
			zeroIFD(t.ifd1)
		}
		t.bo.PutUint32(b[t.ifd0.end()-4:], 0)
		t.ifd0.Next = 0
		done.Thumbnail = true
	}
	if e.Orientation > 0 {
		t.setUint(b, t.ifd0, tagOrientation, uint32(e.Orientation))
	}
	if e.Width > 0 && e.Height > 0 {
		// Some cameras also give the size in IFD0, as a TIFF would.
		t.setUint(b, t.ifd0, tagImageWidth, uint32(e.Width))
		t.setUint(b, t.ifd0, tagImageLength, uint32(e.Height))
		if t.exif != nil {
			t.setUint(b, t.exif, tagPixelX, uint32(e.Width))
			t.setUint(b, t.exif, tagPixelY, uint32(e.Height))
		}
	}
	b = b[:t.liveEnd(b, !done.GPS)]
	if _, err := parseEXIF(b); err != nil {
		return nil, done, fmt.Errorf("the edited block does not read again: %v", err)
	}
	return b, done, nil
}

// unlink removes a field from a directory in place: the fields after it
// move up, the count and the next-directory pointer follow, and the freed
// 12 bytes at the end are zeroed.
func (t *exifTree) unlink(b []byte, d *tiffIFD, tag uint16) {
	i := slices.IndexFunc(d.Entries, func(e tiffEntry) bool { return e.Tag == tag })
	if i < 0 {
		return
	}
	end := d.end()
	at := d.Entries[i].Pos
	copy(b[at:], b[at+12:end])
	clear(b[end-12 : end])
	d.Entries = slices.Delete(d.Entries, i, i+1)
	for j := i; j < len(d.Entries); j++ {
		if d.Entries[j].ValPos == d.Entries[j].Pos+8 {
			d.Entries[j].ValPos -= 12
		}
		d.Entries[j].Pos -= 12
	}
	t.bo.PutUint16(b[d.Pos:], uint16(len(d.Entries)))
}

// setUint sets a one-element SHORT or LONG field in place; a SHORT that
// must hold more than 65535 becomes a LONG (both fit in the entry).
func (t *exifTree) setUint(b []byte, d *tiffIFD, tag uint16, v uint32) {
	e := d.find(tag)
	if e == nil || e.Count != 1 || (e.Type != tShort && e.Type != tLong) {
		return
	}
	p := e.Pos
	if e.Type == tShort && v <= 0xFFFF {
		t.bo.PutUint16(b[p+8:], uint16(v))
		clear(b[p+10 : p+12])
		return
	}
	t.bo.PutUint16(b[p+2:], tLong)
	t.bo.PutUint32(b[p+8:], v)
	e.Type = tLong
}

// liveEnd is where an edited block may end: after its last live directory
// or value, or after its last non-zero byte if that comes later (data that
// only something unparsed, such as a MakerNote, points to).
func (t *exifTree) liveEnd(b []byte, withGPS bool) int {
	end := int64(8)
	for _, d := range t.live(withGPS) {
		end = max(end, d.end())
		for _, e := range d.Entries {
			if sz := e.size(); sz > 4 {
				end = max(end, e.ValPos+sz)
			}
		}
	}
	last := len(b)
	for last > 0 && b[last-1] == 0 {
		last--
	}
	return int(max(end, int64(last)))
}
