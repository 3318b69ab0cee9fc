package codec

// Metadata is what an image file carries besides its pixels, kept as the
// raw blocks the formats store, so that they can be written into an output
// unchanged or edited where a policy or the filters require it.
//
// Decoders fill it from their containers (JPEG segments, PNG chunks, TIFF
// tags, WebP and HEIF boxes); encoders that can hold a block write it.
type Metadata struct {
	// EXIF is a TIFF structure ("II*\x00…" or "MM\x00*…"), without the
	// "Exif\x00\x00" that JPEG's APP1 puts before it.
	EXIF []byte
	// XMP is the XMP packet (RDF/XML).
	XMP []byte
	// IPTC is IPTC-IIM datasets, as in Photoshop's 8BIM resource 0x0404.
	IPTC []byte
	// ICC is the colour profile.
	ICC []byte
}

// Empty reports whether there is no block at all.
func (m Metadata) Empty() bool {
	return len(m.EXIF) == 0 && len(m.XMP) == 0 && len(m.IPTC) == 0 && len(m.ICC) == 0
}
