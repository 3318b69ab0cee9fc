package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// TIFF files keep metadata as fields of their first directory: the
// descriptive ones (Make, Model, Artist, Copyright, DateTime, Orientation,
// …) beside the pixel layout, pointers to the Exif and GPS directories,
// and XMP (700), IPTC (33723) and the ICC profile (34675) as opaque values.
//
// Reading makes an EXIF block of them (the descriptive fields as its IFD0,
// with the Exif, GPS and Interop directories), so that every format hands
// the same kind of block to the policy and the writers.
//
// Writing (TIFF outputs) cannot take an EXIF block as it is: its fields
// must become fields of the file's own first directory, and its Exif and
// GPS directories directories of the file. So for TIFF, and only for TIFF,
// the block is re-serialised: every field is copied (converted to the
// file's byte order), laid out anew at the end of the file. A MakerNote is
// copied as the opaque bytes it is: makernotes that carry their own header
// and byte order (Nikon, Olympus, Sony, Fujifilm, Panasonic, …) stay
// readable; those whose offsets count from the source's EXIF header (Canon
// and a few others) point elsewhere once moved, and readers such as
// exiftool then find them by their own fix-up heuristics or not at all.
// JPEG, PNG and WebP outputs take the block unchanged (see editEXIF).

var tiffMetaTags = []struct {
	tag  uint16
	kind Block
}{{tagXMP, BlockXMP}, {tagIPTC, BlockIPTC}, {tagICC, BlockICC}}

// readTIFFMeta reads a TIFF file's metadata fields (first directory).
func readTIFFMeta(r io.ReaderAt, size int64) (Metadata, []string) {
	var m Metadata
	var warn warnings
	t, off, err := newTIFFReader(r, size, MaxEXIF)
	if err != nil {
		return m, []string{"metadata not read: " + err.Error()}
	}
	ifd0, err := t.ifd(off, "IFD0", func(tag uint16) bool {
		return !tiffStructural[tag] || tag == tagExifIFD || tag == tagGPSIFD
	})
	if err != nil {
		return m, []string{"metadata dropped: " + err.Error()}
	}
	for _, f := range tiffMetaTags {
		e := ifd0.find(f.tag)
		if e == nil {
			continue
		}
		n := e.size()
		switch {
		case n < 0 || n > int64(maxSize(f.kind)):
			warn.add(fmt.Sprintf("%s dropped: %d bytes of type %d", f.kind, n, e.Type))
			continue
		case e.ValPos < 0 || e.ValPos > size-n:
			warn.add(fmt.Sprintf("%s dropped: its value lies past the end of the file", f.kind))
			continue
		}
		b := make([]byte, n)
		if _, err := r.ReadAt(b, e.ValPos); err != nil {
			warn.add(fmt.Sprintf("%s dropped: %v", f.kind, err))
			continue
		}
		warn.add(m.Set(f.kind, b))
	}
	exif, err := tiffEXIF(t, ifd0)
	if err != nil {
		warn.add("EXIF dropped: " + err.Error())
	} else {
		warn.add(m.Set(BlockEXIF, exif))
	}
	return m, warn
}

// tiffEXIF makes an EXIF block of a TIFF file's descriptive fields and its
// Exif, GPS and Interop directories; nil when there are none.
func tiffEXIF(t *tiffReader, ifd0 *tiffIFD) ([]byte, error) {
	root := &ifdNode{}
	root.copyFrom(ifd0, t.bo, t.bo, func(tag uint16) bool { return !tiffStructural[tag] })
	if err := addSubIFDs(root, t, ifd0, t.bo); err != nil {
		return nil, err
	}
	if len(root.entries) == 0 {
		return nil, nil
	}
	return layoutTIFF(root, t.bo), nil
}

// addSubIFDs reads the Exif (with its Interop) and GPS directories d
// points to and adds them to n, in byte order to.
func addSubIFDs(n *ifdNode, t *tiffReader, d *tiffIFD, to binary.ByteOrder) error {
	exif, err := t.sub(d, tagExifIFD, "Exif IFD")
	if err != nil {
		return err
	}
	gps, err := t.sub(d, tagGPSIFD, "GPS IFD")
	if err != nil {
		return err
	}
	if exif != nil {
		sub := &ifdNode{}
		sub.copyFrom(exif, t.bo, to, func(tag uint16) bool { return tag != tagInteropIFD })
		interop, err := t.sub(exif, tagInteropIFD, "Interop IFD")
		if err != nil {
			return err
		}
		if interop != nil {
			in := &ifdNode{}
			in.copyFrom(interop, t.bo, to, func(uint16) bool { return true })
			sub.set(outEntry{tag: tagInteropIFD, sub: in})
		}
		n.set(outEntry{tag: tagExifIFD, sub: sub})
	}
	if gps != nil {
		sub := &ifdNode{}
		sub.copyFrom(gps, t.bo, to, func(uint16) bool { return true })
		n.set(outEntry{tag: tagGPSIFD, sub: sub})
	}
	return nil
}

// layoutTIFF writes a TIFF header and the directory tree after it.
func layoutTIFF(root *ifdNode, bo binary.ByteOrder) []byte {
	buf := []byte("II*\x00\x00\x00\x00\x00")
	if bo == binary.BigEndian {
		buf = []byte("MM\x00*\x00\x00\x00\x00")
	}
	buf, off := root.appendTo(buf, 0, bo)
	bo.PutUint32(buf[4:], off)
	return buf
}

// addTIFFMeta writes metadata into a TIFF file as x/image/tiff makes them
// (header, image data, then the one directory with its values at the
// end): the directory is written anew with the metadata fields added, in
// place of the old one.
func addTIFFMeta(file []byte, m *Metadata) ([]byte, error) {
	t, off, err := newTIFFReader(bytes.NewReader(file), int64(len(file)), int64(len(file)))
	if err != nil {
		return nil, err
	}
	ifd0, err := t.ifd(off, "IFD0", nil)
	if err != nil {
		return nil, err
	}
	cut := int64(off) // where the old directory and its values start…
	for _, e := range ifd0.Entries {
		if e.size() > 4 && e.ValPos < cut {
			cut = int64(len(file)) // …unless a value lies before it: then keep it all
		}
	}
	root := &ifdNode{}
	root.copyFrom(ifd0, t.bo, t.bo, func(uint16) bool { return true })
	if len(m.EXIF) > 0 {
		er, eoff, err := newTIFFReader(bytes.NewReader(m.EXIF), int64(len(m.EXIF)), 4*int64(len(m.EXIF))+1<<16)
		if err != nil {
			return nil, fmt.Errorf("EXIF: %v", err)
		}
		e0, err := er.ifd(eoff, "IFD0", nil)
		if err != nil {
			return nil, fmt.Errorf("EXIF: %v", err)
		}
		// The pixel layout is the new file's; the resolution, if the
		// EXIF says one, the photo's.
		root.copyFrom(e0, er.bo, t.bo, func(tag uint16) bool {
			return !tiffStructural[tag] && (!root.has(tag) || tag == 282 || tag == 283 || tag == 296)
		})
		if err := addSubIFDs(root, er, e0, t.bo); err != nil {
			return nil, fmt.Errorf("EXIF: %v", err)
		}
	}
	for _, f := range tiffMetaTags {
		b := *m.slot(f.kind)
		switch {
		case len(b) == 0:
		case f.kind == BlockXMP:
			root.set(outEntry{tag: f.tag, typ: tByte, count: uint32(len(b)), val: b})
		case f.kind == BlockIPTC:
			// LONG, as Photoshop writes it: the bytes as they are (never
			// swapped), padded with zeros to whole words.
			b = append(bytes.Clone(b), make([]byte, (4-len(b)%4)%4)...)
			root.set(outEntry{tag: f.tag, typ: tLong, count: uint32(len(b) / 4), val: b})
		default:
			root.set(outEntry{tag: f.tag, typ: tUndefined, count: uint32(len(b)), val: b})
		}
	}
	out := bytes.Clone(file[:cut])
	out, newOff := root.appendTo(out, 0, t.bo)
	t.bo.PutUint32(out[4:], newOff)
	return out, nil
}
